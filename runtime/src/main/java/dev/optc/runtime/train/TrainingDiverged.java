package dev.optc.runtime.train;

/** The loss stopped being a finite number: continuing would only spread NaN through every parameter. */
public final class TrainingDiverged extends RuntimeException {
    public TrainingDiverged(String message) {
        super(message);
    }
}
