package dev.optc.runtime;

/** The mean loss and the accuracy (fraction of rows whose largest output is the label) over a dataset. */
public record Evaluation(double loss, double accuracy, int rows) {
}
