package dev.optc.runtime;

/**
 * What one epoch did. Validation figures are NaN when nothing is held out.
 *
 * @param trainLoss mean loss over the epoch's training batches, as seen while training
 */
public record EpochReport(int epoch, int epochs, double trainLoss, double validationLoss, double validationAccuracy,
                          double seconds, long steps) {
}
