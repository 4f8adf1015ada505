package dev.optc.runtime;

/** Told about training as it happens. Called on the training thread. */
@FunctionalInterface
public interface TrainListener {
    void epochEnded(EpochReport report);

    static TrainListener silent() { return r -> { }; }
}
