package dev.optc.runtime.stages;

import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.train.CompiledTrainer;
import java.util.List;
import java.util.function.Function;

/**
 * One stage of a staged recipe as it runs: its own generated trainer (over the stage's graph, updating only its
 * trainable layers), what it is called, and for how long.
 *
 * @param label     how the stage is named when it runs: {@code greedy 2/3}, {@code hints}, {@code finetune}
 * @param trainable the layers its optimizer updates
 * @param frozen    the layers of its graph that it leaves as they are
 * @param hint      whether it regresses the teacher's hidden layer rather than the labels
 * @param trainer   makes the stage's trainer
 */
public record Stage(String label, int epochs, List<String> trainable, List<String> frozen, boolean hint,
                    Function<TrainOptions, CompiledTrainer> trainer) {
}
