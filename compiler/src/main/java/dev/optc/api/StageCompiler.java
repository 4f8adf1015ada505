package dev.optc.api;

import dev.optc.check.CheckedRecipe;
import dev.optc.check.ModelGraph;
import dev.optc.check.StageRecipes;
import dev.optc.check.StagePlan;
import dev.optc.codegen.TrainerClassGenerator;
import dev.optc.diagnostics.Diagnostics;
import dev.optc.ir.TensorProgram;
import dev.optc.ir.UpdateKernel;
import dev.optc.lower.ModelLowering;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Compiles each stage of a {@link StagePlan} as a recipe of its own: the stage's graph lowered (the hint loss for a
 * hints stage, no gradient for frozen layers), and a trainer class whose single update rule runs over the trainable
 * layers' ranges only.
 */
final class StageCompiler {
    private final Diagnostics diagnostics;

    StageCompiler(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    /** The compiled stages, or null when a stage cannot be lowered (reported). */
    CompiledStages compile(CheckedRecipe recipe) {
        StagePlan plan = recipe.stages();
        List<CompiledStages.CompiledStage> stages = new ArrayList<>();
        for (int i = 0; i < plan.stages().size(); i++) {
            StagePlan.Stage stage = plan.stages().get(i);
            boolean last = i == plan.stages().size() - 1;
            CheckedRecipe checked = StageRecipes.variant(recipe, recipe.name() + "_stage" + (i + 1), stage.model(),
                    stage.hintLoss() ? CheckedRecipe.Loss.MSE : recipe.loss(), stage.optimizer(), stage.trainable(), stage.epochs(), last);
            CompiledRecipe compiled = compile(checked, stage.hintLoss(), new HashSet<>(stage.frozen()));
            if (compiled == null) return null;
            stages.add(new CompiledStages.CompiledStage(stage, compiled));
        }
        CompiledRecipe prefix = null;
        if (plan.hint() != null) {
            ModelGraph teacher = plan.hint().teacherPrefix();
            CheckedRecipe checked = StageRecipes.variant(recipe, recipe.name() + "_teacher", teacher, CheckedRecipe.Loss.MSE,
                    recipe.optimizer(), List.of(), 1, false);
            prefix = compile(checked, false, java.util.Set.of());
            if (prefix == null) return null;
        }
        return new CompiledStages(plan, List.copyOf(stages), prefix, null);
    }

    private CompiledRecipe compile(CheckedRecipe checked, boolean hintLoss, java.util.Set<String> frozen) {
        TensorProgram program = new ModelLowering(diagnostics).lower(checked, hintLoss, frozen);
        if (program == null) return null;
        UpdateKernel kernel = kernel(checked);
        return new CompiledRecipe(checked, program, null, List.of(kernel), new TrainerClassGenerator().generate(checked, program, List.of(kernel)), null);
    }

    private static UpdateKernel kernel(CheckedRecipe recipe) {
        return Optc.updateKernel(recipe.optimizer(), recipe.around());
    }
}
