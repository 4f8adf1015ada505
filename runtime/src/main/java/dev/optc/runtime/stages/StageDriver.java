package dev.optc.runtime.stages;

import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.TrainResult;
import dev.optc.runtime.checkpoint.Tensor;
import dev.optc.runtime.data.Dataset;
import dev.optc.runtime.train.CompiledTrainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a recipe's stages in order. Each stage gets a fresh trainer (its graph, its optimizer state from zero), takes
 * by name every tensor earlier stages (or a checkpoint) left that its graph has, trains, and leaves its tensors for the
 * next. Tensors of layers a stage does not have wait for a later stage that has them; a layer no earlier stage had
 * starts from its initialization.
 */
public final class StageDriver {
    private StageDriver() {
    }

    /** Gives a hint stage its targets: the teacher's hidden layer on every row, computed once per stage. */
    public interface HintTargets {
        float[] targets(Dataset rows);

        double weight();
    }

    /** The last stage's trainer (the final model) and every stage's result. */
    public record Result(CompiledTrainer trainer, List<TrainResult> results, Map<String, Tensor> tensors) {
    }

    /**
     * @param initial tensors the first stages take (a transfer's layers), by name; may be empty
     * @param initialSource where they come from, for messages (the checkpoint's path)
     * @param hints   the hint stages' targets, or null when no stage is one
     */
    public static Result run(List<Stage> stages, TrainOptions options, Map<String, Tensor> initial, String initialSource, Dataset train,
                             Dataset validation, HintTargets hints, StageListener listener) {
        Map<String, Tensor> carried = new LinkedHashMap<>(initial);
        List<TrainResult> results = new ArrayList<>();
        CompiledTrainer trainer = null;
        for (int i = 0; i < stages.size(); i++) {
            Stage stage = stages.get(i);
            int index = i;
            trainer = stage.trainer().apply(options);
            NamedTensors.apply(carried, trainer, i == 0 ? initialSource : "stage " + i, false);
            listener.stageStarted(i, stages.size(), stage, trainer);
            TrainResult result;
            if (stage.hint()) {
                // The hint's regression has no classes: the rows' labels are not used.
                Dataset rows = new Dataset(train.name(), train.features(), new int[train.rows()], train.rows(), train.width(), 1);
                trainer.setTargets(rows, hints.targets(rows), hints.weight());
                result = trainer.fit(rows, null, report -> listener.epochEnded(index, stage, report));
            } else {
                result = trainer.fit(train, validation, report -> listener.epochEnded(index, stage, report));
            }
            results.add(result);
            carried.putAll(trainer.tensors());
            listener.stageEnded(i, stage, trainer, result);
        }
        return new Result(trainer, List.copyOf(results), carried);
    }
}
