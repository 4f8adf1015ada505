package dev.optc.runtime.stages;

import dev.optc.runtime.EpochReport;
import dev.optc.runtime.TrainResult;
import dev.optc.runtime.train.CompiledTrainer;

/** Hears a staged run: each stage's start (its trainer ready, tensors moved in), epochs and end. */
public interface StageListener {
    default void stageStarted(int index, int count, Stage stage, CompiledTrainer trainer) {
    }

    void epochEnded(int index, Stage stage, EpochReport report);

    default void stageEnded(int index, Stage stage, CompiledTrainer trainer, TrainResult result) {
    }
}
