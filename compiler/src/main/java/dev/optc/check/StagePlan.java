package dev.optc.check;

import dev.optc.diagnostics.SourceSpan;
import java.util.List;

/**
 * How a recipe trains in several stages (`stages = [...]`, `freeze = ...`, `teacher` and `hints`, `init = from(...)`):
 * each stage trains its own model graph (a greedy stage's shallow network, the student up to its hinted layer plus a
 * regressor, or the recipe's model) for its epochs, with some layers frozen. Parameters pass from one stage to the
 * next by name ({@code h1.weight}); a stage's other tensors start from their initialization.
 *
 * @param transfer layers whose tensors the first stage takes from a checkpoint, or null
 * @param teacher  the network whose hidden layer a `hints` stage regresses, or null
 * @param hint     the hint of a `hints` stage, or null
 */
public record StagePlan(List<Stage> stages, Transfer transfer, Teacher teacher, Hint hint) {

    /**
     * One stage.
     *
     * @param kind      {@code greedy_layerwise}, {@code finetune}, {@code hints}, {@code frozen} (a `freeze` period) or
     *                  {@code train}
     * @param label     what the stage is called when it runs: {@code greedy 2/3}
     * @param model     the graph this stage trains
     * @param trainable the layers the optimizer updates, in model order
     * @param frozen    the layers of the graph it does not update (their tensors come from earlier stages or a checkpoint)
     * @param optimizer the stage's own update rule, or the recipe's
     * @param hintLoss  whether the loss is the hint's ½‖teacher(x) − r(student(x))‖² rather than the recipe's
     */
    public record Stage(String kind, String label, ModelGraph model, List<String> trainable, List<String> frozen,
                        int epochs, CheckedRecipe.OptimizerChoice optimizer, boolean hintLoss) {
    }

    /** `init = from("base.safetensors", layers: [h1, h2])`: the path as written, relative to the recipe's file. */
    public record Transfer(String file, List<String> layers, SourceSpan span) {
    }

    /**
     * The teacher of FitNets: another recipe of the file (trained first, in the same run) or a checkpoint of a model.
     *
     * @param recipe the teacher recipe's name, or null
     * @param file   the checkpoint as written, relative to the recipe's file, or null
     * @param model  the teacher's model
     */
    public record Teacher(String recipe, String file, ModelGraph model, SourceSpan span) {
    }

    /**
     * `hint(student: h3, teacher: h1, weight: 1.0)`: a regressor from the student layer to the teacher layer's width.
     *
     * @param teacherPrefix the teacher's graph cut at the hinted layer's output: what runs (in inference) to give the targets
     * @param regressor     the name of the regressor's dense layer
     */
    public record Hint(String student, String teacher, double weight, ModelGraph teacherPrefix, String regressor) {
    }

    /** The epochs of every stage together. */
    public int totalEpochs() {
        return stages.stream().mapToInt(Stage::epochs).sum();
    }
}
