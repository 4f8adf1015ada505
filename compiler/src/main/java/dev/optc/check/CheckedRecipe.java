package dev.optc.check;

import dev.optc.ast.Decl;
import dev.optc.diagnostics.SourceSpan;
import java.util.Map;

/** A recipe whose settings are all known, typed and consistent; what lowering and the trainer work from. */
public record CheckedRecipe(
        Decl.RecipeDecl decl,
        ModelGraph model,
        ObjectiveChoice objective,
        int steps,
        DataSpec data,
        DataSpec test,
        Loss loss,
        OptimizerChoice optimizer,
        Initialization init,
        int batch,
        int epochs,
        boolean shuffle,
        boolean dropLast,
        long seed,
        Around around,
        dev.optc.runtime.solvers.SolverChoice solver,
        ProgressChecker.Progress progress,
        java.util.List<OptimizerGroup> optimizerGroups,
        java.util.List<Contender> contenders,
        TrajectoryPlot plot,
        Continuation continuation,
        StagePlan stages,
        dev.optc.runtime.train.CurriculumPlan curriculum,
        java.util.List<Block> blocks) {

    /**
     * A block of block coordinate descent (`alternate`): tensors of the objective minimized together, by an update
     * rule ({@code optimizer}) or a full-batch solver ({@code solver}; the other is null), for {@code steps} steps per
     * sweep.
     */
    public record Block(java.util.List<String> tensors, OptimizerChoice optimizer,
                        dev.optc.runtime.solvers.SolverChoice solver, int steps) {
        /** The prefix of its rule's hyperparameter names: its first tensor (`H.lr`). */
        public String name() { return tensors.get(0); }
    }

    /** True when the recipe minimizes its objective block by block (`alternate`). */
    public boolean alternates() { return blocks != null && !blocks.isEmpty(); }

    public String name() { return decl.name().text(); }

    /** True when the recipe trains in stages (or freezes layers, or takes some from a checkpoint): see {@link StagePlan}. */
    public boolean staged() { return stages != null; }

    /** True when layers of the model have different update rules (`optimizer = [adam() for h1, sgd()]`). */
    public boolean hasOptimizerGroups() { return optimizerGroups.size() > 1; }

    /**
     * An update rule for some layers of the model: a parameter tensor belongs to layer L when its name is
     * {@code L.<something>}. A recipe with one optimizer has one group that holds every layer (none for an objective).
     *
     * @param layers the group's layers, in the order written (a default element's: the remaining layers, in model order)
     */
    public record OptimizerGroup(OptimizerChoice choice, java.util.List<String> layers) {
        /** The prefix of its hyperparameters' names when the recipe has several groups: `h1` in `h1.lr`. */
        public String name() { return layers.get(0); }
    }

    /** True when the recipe minimizes an objective rather than training a model on data. */
    public boolean minimizesObjective() { return objective != null; }

    /** An objective and the values of its hyperparameters (the recipe's, else the declaration's defaults). */
    public record ObjectiveChoice(ObjectiveGraph graph, Map<String, Double> hyperparameters, SourceSpan span) {
    }

    /**
     * Where the examples come from: {@code csv} (a file; {@code label} names its label column, null for the last),
     * {@code idx} (a directory holding {@code <split>-images-idx3-ubyte[.gz]} and {@code <split>-labels-idx1-ubyte[.gz]}),
     * {@code npy} (a features file and a labels file). Paths are relative to the recipe file. {@code validation}
     * is a row count when ≥ 1, else a fraction of the rows.
     */
    public record DataSpec(dev.optc.runtime.data.DataSource source, SourceSpan span) {
    }

    /** An update rule and the values of its hyperparameters, in declaration order. */
    public record OptimizerChoice(Decl.OptimizerDecl rule, Map<String, Double> hyperparameters, SourceSpan span) {
    }

    /**
     * What the recipe adds around the update rule, fused into the same pass: L2 weight decay, gradient clipping by
     * value or by global norm, weight averaging; and what changes over training (schedules, accumulation).
     *
     * @param decay      λ of the decay term added to the gradient (0 for none)
     * @param clipValue  the bound of element-wise clipping (0 for none)
     * @param clipNorm   the bound of the global gradient norm (0 for none)
     * @param average    {@code polyak}, {@code ema}, or null
     * @param emaDecay   α of the exponential moving average
     * @param accumulate batches per step
     */
    public record Around(double decay, double clipValue, double clipNorm, String average, double emaDecay,
                         java.util.List<ScheduleSpec> schedules, int accumulate) {
        public static final Around NONE = new Around(0, 0, 0, null, 0, java.util.List.of(), 1);
    }

    /** A schedule of one hyperparameter; see the runtime's {@code Schedule} for the formulas. */
    public record ScheduleSpec(String hyperparameter, String kind, double span, boolean inEpochs, double target, double factor) {
    }

    public enum Loss {
        SOFTMAX_CROSS_ENTROPY, MSE, CROSS_ENTROPY, BINARY_CROSS_ENTROPY, L1;

        public String optName() { return name().toLowerCase(java.util.Locale.ROOT); }
    }
}
