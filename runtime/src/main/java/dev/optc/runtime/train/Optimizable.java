package dev.optc.runtime.train;

import java.util.List;

/**
 * Parameters in one flat buffer, their gradients at the same offsets, and an optimizer's fused update over them:
 * what a generated trainer (of a model) and a generated minimizer (of an objective) have in common. The generated
 * subclass supplies the update rule, its hyperparameters (run-time fields) and its state.
 */
public abstract class Optimizable {
    /** All parameters, one flat buffer, so the optimizer is one pass. */
    protected final float[] params;
    /** Their gradients, at the same offsets. */
    protected final float[] grads;
    /** The factor the fused update multiplies every gradient by: below 1 when the gradient norm is clipped. */
    protected double gradientScale = 1.0;
    /**
     * With several optimizer groups, the only one {@link #update} and {@link #lookahead} run (block coordinate
     * descent's current block); −1, the default, runs them all.
     */
    protected int activeGroup = -1;

    /** ε₀ of each scheduled hyperparameter, taken when the schedule first runs; later runs continue from it. */
    private double[] scheduleStart;

    protected Optimizable(int parameterCount) {
        this.params = new float[parameterCount];
        this.grads = new float[parameterCount];
    }

    /**
     * Applies the optimizer's fused update to {@link #flatParameters()} with the gradients in
     * {@link #flatGradients()}, as step {@code t} (from 1).
     */
    public abstract void update(long t);

    /**
     * Moves the parameters to the point where the rule wants its gradient (Nesterov's θ + αv) before step
     * {@code t}; {@link #update} then starts from the parameters as they were. Does nothing for rules without a
     * lookahead.
     */
    public void lookahead(long t) {
    }

    public abstract List<String> hyperparameterNames();

    public abstract double hyperparameter(String name);

    /** Takes effect at the next step; nothing is recompiled. */
    public abstract void setHyperparameter(String name, double value);

    /** The live flat parameter buffer, every tensor at its offset; not a copy. */
    public float[] flatParameters() { return params; }

    /** The live flat gradient buffer, at the same offsets; not a copy. */
    public float[] flatGradients() { return grads; }

    /**
     * The averaged weights θ̂ that an `average` setting maintains inside the fused update, at the offsets of the
     * parameters; null when the recipe does not average. Evaluation, prediction and checkpoints use them.
     */
    protected float[] averagedParameters() {
        return null;
    }

    /**
     * The initial value of every scheduled hyperparameter: read once, at the first step, so that training in several
     * calls continues the schedule rather than restarting it from a decayed value.
     */
    /** The recorded initial values of the scheduled hyperparameters (null before training), for checkpoints. */
    protected double[] recordedScheduleStart() {
        return scheduleStart;
    }

    protected void restoreScheduleStart(double[] values) {
        scheduleStart = values;
    }

    protected double[] scheduleStart(Schedule[] schedules) {
        if (scheduleStart == null) {
            scheduleStart = new double[schedules.length];
            for (int s = 0; s < schedules.length; s++) scheduleStart[s] = hyperparameter(schedules[s].hyperparameter());
        }
        return scheduleStart;
    }

    /** Before the first step, the average starts at the weights training starts from (set or loaded after construction). */
    protected void startAverage(long step) {
        float[] averaged = averagedParameters();
        if (averaged != null && step == 0) System.arraycopy(params, 0, averaged, 0, params.length);
    }

    /** The update rule's name, for checkpoints (generated). */
    protected String optimizerRule() {
        return "none";
    }

    /** The names of the rule's per-element state arrays, in the order of {@link #optimizerStates()} (generated). */
    protected String[] optimizerStateNames() {
        return new String[0];
    }

    /** The live per-element state arrays of the rule (and the averaged weights), each as long as the parameters. */
    protected float[][] optimizerStates() {
        return new float[0][];
    }

    /** Global gradient clipping: if ‖g‖ > c, the update uses g·c/‖g‖ (the scale is applied inside the fused loop). */
    protected void clipGradientNorm(double c) {
        if (c <= 0) return;
        double norm = Math.sqrt(dev.optc.runtime.kernels.Reductions.sumOfSquares(grads));
        gradientScale = norm > c ? c / norm : 1.0;
    }
}
