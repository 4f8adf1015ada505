package dev.optc.api;

import dev.optc.check.CheckedRecipe;
import dev.optc.check.Contender;
import dev.optc.check.Continuation;
import dev.optc.check.RecipeVariants;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.strategies.GaussianSmoothing;
import dev.optc.runtime.train.CompiledObjective;
import dev.optc.runtime.train.Minimization;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Minimizing a recipe's objective the way its strategy settings say: every optimizer of `compare` from the same start,
 * each through every stage of the recipe's `continuation`. Each optimizer and each annealed stage is its own recipe
 * variant ({@link RecipeVariants}), compiled by the ordinary pipeline, so every update rule gets its own generated
 * kernel with no special case.
 */
public final class ObjectiveRuns {
    private ObjectiveRuns() {
    }

    /** What the runs report as they go; every method does nothing unless overridden. */
    public interface Listener {
        /** Stage {@code stage} (from 0) of {@code stages} begins; {@code what} says which objective it minimizes. */
        default void stage(String label, int stage, int stages, String what) {
        }

        default void stepped(String label, long step, double value) {
        }

        /** Stage {@code stage} ended at these parameters, where the stage's objective (unblurred) is {@code value}. */
        default void stageFinished(String label, int stage, float[] parameters, double value) {
        }
    }

    /**
     * One optimizer's run through every stage.
     *
     * @param finalValue          J (the recipe's objective, the last stage's) at the final parameters
     * @param trajectory          θ at the start and after every step of every stage, in order
     * @param averagedTrajectory  θ̂ likewise when the optimizer averages, else null
     * @param steps               steps of update rules, iterations of solvers, summed over the stages
     * @param gradientEvaluations calls of J and ∇J, every smoothing sample and line-search trial counted
     * @param seconds             time spent minimizing (not compiling)
     * @param last                the last stage's minimizer, holding the final parameters
     */
    public record Run(String label, double finalValue, float[] parameters, float[][] trajectory, float[][] averagedTrajectory,
                      long steps, long gradientEvaluations, double seconds, CompiledObjective last) {
    }

    /** One run per element of `compare`, or the recipe's own optimizer's run when it has no `compare`. */
    public static List<Run> runAll(CompiledRecipe compiled, TrainOptions options, Listener listener) {
        CheckedRecipe recipe = compiled.recipe();
        if (!recipe.minimizesObjective()) throw new IllegalArgumentException("recipe " + recipe.name() + " trains a model");
        List<Run> runs = new ArrayList<>();
        if (recipe.contenders().isEmpty()) {
            String label = recipe.solver() != null ? recipe.solver().kind() + "()" : recipe.optimizer().span().text().replaceAll("\\s+", " ");
            runs.add(run(recipe, label, options, listener));
        } else {
            for (Contender c : recipe.contenders()) runs.add(run(RecipeVariants.with(recipe, c), c.label(), options, listener));
        }
        return runs;
    }

    /** The recipe (one optimizer) through every stage of its continuation, or once when it has none. */
    public static Run run(CheckedRecipe recipe, String label, TrainOptions options, Listener listener) {
        Continuation continuation = recipe.continuation();
        int stages = continuation == null ? 1 : continuation.stages();
        long seed = options.seed() != null ? options.seed() : recipe.seed();
        CompiledRecipe once = continuation == null || continuation.smoothing() ? compile(recipe) : null;
        List<float[]> path = new ArrayList<>();
        List<float[]> averagedPath = new ArrayList<>();
        boolean averaged = false;
        float[] start = null;
        long steps = 0, evaluations = 0, nanos = 0;
        Minimization result = null;
        CompiledObjective minimizer = null;
        for (int stage = 0; stage < stages; stage++) {
            CompiledRecipe compiled = once != null ? once
                    : compile(RecipeVariants.withObjectiveValue(recipe, continuation.hyperparameter(), continuation.value(stage)));
            minimizer = compiled.newMinimizer(options);
            if (start != null) System.arraycopy(start, 0, minimizer.flatParameters(), 0, start.length);
            if (continuation != null) {
                String what;
                if (continuation.smoothing()) {
                    double sigma = continuation.sigma(stage);
                    // A stream of samples per stage, all fixed by the seed.
                    if (sigma > 0) minimizer.smoothGradients(new GaussianSmoothing(sigma, continuation.samples(), seed * 1_000_003L + stage));
                    what = sigma == 0 ? "J itself (σ = 0)" : "J blurred by a Gaussian of σ = " + plain(sigma);
                } else {
                    what = "J with " + continuation.hyperparameter() + " = " + plain(continuation.value(stage));
                }
                listener.stage(label, stage, stages, what);
            }
            long begin = System.nanoTime();
            result = minimizer.minimize((t, value) -> listener.stepped(label, t, value));
            nanos += System.nanoTime() - begin;
            steps += minimizer.step();
            evaluations += result.gradientEvaluations();
            List<float[]> rows = Arrays.asList(result.trajectory());
            path.addAll(stage == 0 ? rows : rows.subList(1, rows.size()));
            if (result.averagedTrajectory() != null) {
                averaged = true;
                List<float[]> avg = Arrays.asList(result.averagedTrajectory());
                averagedPath.addAll(stage == 0 ? avg : avg.subList(1, avg.size()));
            }
            start = result.parameters();
            if (continuation != null) listener.stageFinished(label, stage, start, result.finalValue());
        }
        return new Run(label, result.finalValue(), result.parameters(), path.toArray(float[][]::new),
                averaged ? averagedPath.toArray(float[][]::new) : null, steps, evaluations, nanos / 1e9, minimizer);
    }

    /** Four significant digits, without trailing zeros. */
    private static String plain(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static CompiledRecipe compile(CheckedRecipe recipe) {
        return Contenders.compile(recipe);
    }
}
