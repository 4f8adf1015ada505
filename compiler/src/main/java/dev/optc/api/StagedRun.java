package dev.optc.api;

import dev.optc.check.StagePlan;
import dev.optc.ir.ParameterSlice;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.TrainResult;
import dev.optc.runtime.checkpoint.Tensor;
import dev.optc.runtime.data.DataSource;
import dev.optc.runtime.data.Dataset;
import dev.optc.runtime.stages.NamedTensors;
import dev.optc.runtime.stages.Stage;
import dev.optc.runtime.stages.StageDriver;
import dev.optc.runtime.stages.StageListener;
import dev.optc.runtime.train.CompiledTrainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a staged recipe: its teacher first when the teacher is another recipe of the file (on that recipe's own
 * data), the hint's targets from the teacher's hidden layer, the transferred layers from their checkpoint, then the
 * stages in order through the {@link StageDriver}.
 */
public final class StagedRun {
    private StagedRun() {
    }

    /**
     * @param base     the folder relative paths of the recipe are resolved against (the recipe file's)
     * @param listener hears the teacher's training as a stage of index -1, then every stage
     */
    public static StageDriver.Result train(CompiledRecipe recipe, TrainOptions options, Path base, Dataset train,
                                           Dataset validation, StageListener listener) throws IOException {
        CompiledStages compiled = recipe.stages();
        if (compiled == null) throw new IllegalArgumentException("recipe " + recipe.name() + " does not train in stages");
        StagePlan plan = compiled.plan();
        Map<String, Tensor> initial = Map.of();
        String source = "";
        if (plan.transfer() != null) {
            Path file = DataSource.resolve(base, plan.transfer().file());
            Map<String, int[]> shapes = new LinkedHashMap<>();
            for (ParameterSlice p : recipe.program().parameters()) shapes.put(p.name(), p.shape());
            for (ParameterSlice p : recipe.program().statistics()) shapes.put(p.name(), p.shape());
            initial = NamedTensors.layers(file, plan.transfer().layers(), shapes);
            source = file.toString();
        }
        StageDriver.HintTargets hints = null;
        if (plan.hint() != null) hints = hintTargets(compiled, options, base, listener);
        List<Stage> stages = compiled.stages().stream().map(s -> new Stage(s.stage().label(), s.stage().epochs(),
                s.stage().trainable(), s.stage().frozen(), s.stage().hintLoss(),
                o -> (CompiledTrainer) s.trainer().newTrainer(o))).toList();
        return StageDriver.run(stages, options, initial, source, train, validation, hints, listener);
    }

    private static StageDriver.HintTargets hintTargets(CompiledStages compiled, TrainOptions options, Path base,
                                                       StageListener listener) throws IOException {
        StagePlan.Teacher teacher = compiled.plan().teacher();
        Map<String, Tensor> tensors;
        String source;
        if (teacher.file() != null) {
            Path file = DataSource.resolve(base, teacher.file());
            tensors = NamedTensors.read(file);
            source = file.toString();
        } else {
            tensors = trainTeacher(compiled.teacher(), options, base, listener);
            source = "teacher recipe `" + teacher.recipe() + "`";
        }
        CompiledTrainer prefix = (CompiledTrainer) compiled.teacherPrefix().newTrainer(options);
        NamedTensors.apply(tensors, prefix, source, true);
        double weight = compiled.plan().hint().weight();
        return new StageDriver.HintTargets() {
            // The teacher runs in inference mode (no dropout, batch norm's running statistics).
            @Override
            public float[] targets(Dataset rows) {
                return prefix.predict(rows.features(), rows.rows());
            }

            @Override
            public double weight() {
                return weight;
            }
        };
    }

    /** Trains the teacher recipe on its own data and returns its tensors, as its checkpoint would hold them. */
    private static Map<String, Tensor> trainTeacher(CompiledRecipe teacher, TrainOptions options, Path base,
                                                    StageListener listener) throws IOException {
        var recipe = teacher.recipe();
        Dataset data = recipe.data().source().load(base, null);
        Dataset.Split split = data.split(recipe.data().source().validationRows(data.rows()), recipe.seed());
        if (teacher.stages() != null) {
            return train(teacher, options, base, split.train(), split.validation(), listener).trainer().tensors();
        }
        CompiledTrainer trainer = (CompiledTrainer) teacher.newTrainer(options);
        Stage stage = new Stage(teacher.name(), recipe.epochs(), List.of(), List.of(), false, o -> trainer);
        listener.stageStarted(-1, 0, stage, trainer);
        TrainResult result = trainer.fit(split.train(), split.validation(), report -> listener.epochEnded(-1, stage, report));
        listener.stageEnded(-1, stage, trainer, result);
        return trainer.tensors();
    }
}
