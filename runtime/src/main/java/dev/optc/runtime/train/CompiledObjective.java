package dev.optc.runtime.train;

import dev.optc.runtime.ParameterSpec;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.checkpoint.ParameterFiles;
import dev.optc.runtime.solvers.Minimizer;
import dev.optc.runtime.solvers.SolverChoice;
import dev.optc.runtime.solvers.SolverSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The minimization loop every generated minimizer extends: an objective J(θ) of parameter tensors, minimized by the
 * recipe's optimizer for a number of steps. The generated subclass computes J and ∇J; this class runs the steps,
 * with the recipe's schedules and clipping, and records the trajectory.
 */
public abstract class CompiledObjective extends Optimizable {
    private final ObjectiveSettings settings;
    private final List<ParameterSpec> specs;
    private final int steps;
    private final long seed;
    /** Draws the initial values written `uniform(a)`, in declaration order; made at the first draw. */
    private java.util.SplittableRandom initRandom;
    private long step;
    /** Calls of J and ∇J made so far, every sample of a smoothed gradient and every solver evaluation counted. */
    private long gradientEvaluations;
    /** When set, each step's gradient is that of the blurred objective (continuation, 8.7.6). */
    private dev.optc.runtime.strategies.GaussianSmoothing smoothing;

    protected CompiledObjective(ObjectiveSettings settings, ParameterSpec[] specs, TrainOptions options) {
        super(settings.parameterCount());
        this.settings = settings;
        this.specs = List.of(specs);
        this.steps = options.steps() != null ? options.steps() : settings.steps();
        this.seed = options.seed() != null ? options.seed() : settings.seed();
    }

    /** θ[offset .. offset + count) drawn from U(−a, a) by the seed: an initial value `uniform(a)`. */
    protected final void drawUniform(int offset, int count, double halfWidth) {
        if (initRandom == null) initRandom = new java.util.SplittableRandom(seed);
        for (int i = offset; i < offset + count; i++) params[i] = (float) ((2 * initRandom.nextDouble() - 1) * halfWidth);
    }

    /** J at the current parameters. */
    protected abstract double value();

    /** J at the current parameters, with ∇J left in {@link #grads}. */
    protected abstract double computeGradients();

    @FunctionalInterface
    public interface StepListener {
        /** After step t, whose starting point had value J. */
        void stepped(long t, double value);
    }

    /** The blocks of `alternate`; null when the recipe minimizes all tensors together. */
    private ObjectiveBlock[] blocks;

    /** Called by the generated constructor of a recipe with `alternate`. */
    protected final void setBlocks(ObjectiveBlock[] blocks) {
        this.blocks = blocks.clone();
    }

    /** The blocks of block coordinate descent, empty when the recipe has none. */
    public List<ObjectiveBlock> blocks() {
        return blocks == null ? List.of() : List.of(blocks);
    }

    /**
     * Minimizes J for the recipe's steps; with `alternate`, for that many sweeps of block coordinate descent (the
     * listener then hears J after each sweep).
     */
    public Minimization minimize(StepListener listener) {
        if (blocks != null) {
            Minimization m = new BlockCoordinateDescent(this, blocks).run(steps, listener);
            step += steps;
            return m;
        }
        if (settings.solver() != null) return solve(listener);
        Schedule[] schedules = settings.schedules();
        double[] initial = scheduleStart(schedules);
        startAverage(step);
        double[] values = new double[steps];
        float[][] trajectory = new float[steps + 1][];
        float[][] averagedTrajectory = averagedParameters() == null ? null : new float[steps + 1][];
        if (averagedTrajectory != null) averagedTrajectory[0] = params.clone();
        for (int i = 0; i < steps; i++) {
            for (int s = 0; s < schedules.length; s++) {
                setHyperparameter(schedules[s].hyperparameter(), schedules[s].value(initial[s], step, schedules[s].spanInSteps(1)));
            }
            trajectory[i] = params.clone();
            lookahead(step + 1);
            double j = smoothing == null ? computeGradients() : smoothing.estimate(params, grads, this::computeGradients);
            gradientEvaluations += smoothing == null ? 1 : smoothing.samples();
            if (!Double.isFinite(j)) {
                throw new TrainingDiverged("the objective became " + j + " at step " + (step + 1)
                        + "; lower the learning rate or clip the gradients");
            }
            step++;
            clipGradientNorm(settings.clipNorm());
            update(step);
            values[i] = j;
            if (averagedTrajectory != null) averagedTrajectory[i + 1] = averagedParameters().clone();
            listener.stepped(step, j);
        }
        gradientScale = 1.0;
        float[] result = finalParameters();
        trajectory[steps] = result.clone();
        return new Minimization(values, valueAt(result), result, trajectory, gradientEvaluations, averagedTrajectory);
    }

    /** Minimization by a full-batch solver (8.6), which sees J and ∇J through {@link FloatParameterFunction}. */
    private Minimization solve(StepListener listener) {
        SolverChoice choice = settings.solver();
        FloatParameterFunction function = new FloatParameterFunction(params, grads, this::computeGradients);
        List<Double> values = new java.util.ArrayList<>();
        Minimizer.Result result = choice.minimizer().minimize(function, FloatParameterFunction.start(params),
                SolverSettings.of(choice.tolerance(), steps), (iteration, x, value) -> {
                    if (iteration > 0) listener.stepped(iteration, value);
                    values.add(value);
                });
        gradientEvaluations += function.evaluations();
        FloatParameterFunction.store(result.x(), params);
        step = result.iterations();
        double[] valueArray = values.stream().mapToDouble(Double::doubleValue).toArray();
        return new Minimization(valueArray, valueAt(params), params.clone(), FloatParameterFunction.toFloat(result.trajectory()),
                gradientEvaluations, null);
    }

    /**
     * From now on, estimates every step's gradient as that of J blurred by a Gaussian ({@link
     * dev.optc.runtime.strategies.GaussianSmoothing}); null returns to the exact gradient. Update rules only.
     */
    public void smoothGradients(dev.optc.runtime.strategies.GaussianSmoothing smoothing) {
        if (smoothing != null && settings.solver() != null) {
            throw new IllegalStateException("a full-batch solver needs the exact gradient, not a smoothed estimate");
        }
        this.smoothing = smoothing;
    }

    /** The parameters to report: the averaged ones when the recipe averages. */
    public float[] finalParameters() {
        float[] averaged = step > 0 ? averagedParameters() : null;
        return (averaged != null ? averaged : params).clone();
    }

    /** J at the given parameters (the current ones are kept). */
    public double valueAt(float[] theta) {
        float[] saved = params.clone();
        System.arraycopy(theta, 0, params, 0, params.length);
        try {
            return value();
        } finally {
            System.arraycopy(saved, 0, params, 0, params.length);
        }
    }

    public String recipeName() { return settings.recipe(); }

    public String objectiveName() { return settings.objective(); }

    public List<ParameterSpec> parameters() { return specs; }

    public long step() { return step; }

    public float[] parameter(String name) {
        for (ParameterSpec p : specs) {
            if (p.name().equals(name)) return Arrays.copyOfRange(params, p.offset(), p.offset() + p.size());
        }
        throw new IllegalArgumentException("no parameter named " + name);
    }

    public void save(Path file) throws IOException {
        ParameterFiles.write(file, specs, finalParameters(), List.of(), new float[0], settings.recipe(), step);
    }
}
