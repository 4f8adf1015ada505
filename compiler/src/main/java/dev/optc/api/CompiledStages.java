package dev.optc.api;

import dev.optc.check.StagePlan;
import java.util.List;

/**
 * A staged recipe compiled: a generated trainer per stage (over the stage's graph, its update skipping the frozen
 * layers' ranges), and for FitNets the teacher's graph up to the hinted layer, compiled to give the hint's targets.
 *
 * @param stages        each stage's plan and its compiled trainer, in order
 * @param teacherPrefix the teacher cut at the hinted layer (its output is the hint's target), or null
 * @param teacher       the teacher recipe of the same file, compiled, or null (none, or a checkpoint)
 */
public record CompiledStages(StagePlan plan, List<CompiledStage> stages, CompiledRecipe teacherPrefix, CompiledRecipe teacher) {

    public record CompiledStage(StagePlan.Stage stage, CompiledRecipe trainer) {
    }

    CompiledStages withTeacher(CompiledRecipe teacher) {
        return new CompiledStages(plan, stages, teacherPrefix, teacher);
    }
}
