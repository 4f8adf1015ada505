package dev.optc.runtime.train;

import dev.optc.runtime.solvers.DifferentiableFunction;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * A loss computed in float over a flat parameter buffer, seen by the full-batch solvers (8.6) as a function of a
 * double vector. Each evaluation rounds x into the float parameters and runs the compiled loss and gradient; Newton's
 * Hessian-vector products are central differences of that gradient with a step suited to float precision. Objectives
 * ({@link CompiledObjective}) and models trained on one full batch ({@link FullBatchSolve}) both minimize through it.
 */
final class FloatParameterFunction implements DifferentiableFunction {
    private final float[] params;
    private final float[] grads;
    private final DoubleSupplier lossAndGradients;
    private long evaluations;

    /** {@code lossAndGradients} returns the loss at {@code params} and leaves its gradient in {@code grads}. */
    FloatParameterFunction(float[] params, float[] grads, DoubleSupplier lossAndGradients) {
        this.params = params;
        this.grads = grads;
        this.lossAndGradients = lossAndGradients;
    }

    @Override
    public int dimension() { return params.length; }

    @Override
    public double valueAndGradient(double[] x, double[] gradient) {
        store(x, params);
        evaluations++;
        double value = lossAndGradients.getAsDouble();
        for (int i = 0; i < gradient.length; i++) gradient[i] = grads[i];
        return value;
    }

    @Override
    public void hessianVectorProduct(double[] x, double[] v, double[] out) {
        DifferentiableFunction.centralDifferenceHessianVectorProduct(this, x, v, out, Math.ulp(1f));
    }

    /** Calls of the loss so far, those inside Hessian-vector products included. */
    long evaluations() { return evaluations; }

    static double[] start(float[] params) {
        double[] x = new double[params.length];
        for (int i = 0; i < x.length; i++) x[i] = params[i];
        return x;
    }

    static void store(double[] x, float[] params) {
        for (int i = 0; i < x.length; i++) params[i] = (float) x[i];
    }

    static float[][] toFloat(List<double[]> trajectory) {
        float[][] out = new float[trajectory.size()][];
        for (int k = 0; k < out.length; k++) {
            out[k] = new float[trajectory.get(k).length];
            store(trajectory.get(k), out[k]);
        }
        return out;
    }
}
