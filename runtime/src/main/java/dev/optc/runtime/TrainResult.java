package dev.optc.runtime;

import java.util.List;

/** Every epoch's report, in order. */
public record TrainResult(List<EpochReport> epochs) {
    public EpochReport last() { return epochs.get(epochs.size() - 1); }
}
