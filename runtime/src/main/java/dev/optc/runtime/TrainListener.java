package dev.optc.runtime;

/** Told about training as it happens. Called on the training thread. */
@FunctionalInterface
public interface TrainListener {
    void epochEnded(EpochReport report);

    /**
     * After each batch: {@code batch} of {@code batches} done in epoch {@code epoch} of {@code epochs}, the mean loss
     * of the epoch's batches so far, and the seconds since the epoch began. Nothing by default; it runs between batches,
     * so an implementation must be cheap (a progress bar redraws a few times a second, not per call).
     */
    default void batchEnded(int epoch, int epochs, int batch, int batches, double runningLoss, double seconds) {
    }

    static TrainListener silent() { return r -> { }; }
}
