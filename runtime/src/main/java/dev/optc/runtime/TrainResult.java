package dev.optc.runtime;

import java.util.List;

/**
 * Every epoch's report, in order.
 *
 * @param bestEpoch    with early stopping, the epoch whose weights the trainer holds at the end; else the last
 * @param stoppedEarly whether early stopping ended training before its epochs
 */
public record TrainResult(List<EpochReport> epochs, int bestEpoch, boolean stoppedEarly) {
    public EpochReport last() { return epochs.get(epochs.size() - 1); }
}
