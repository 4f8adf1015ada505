package dev.optc.runtime.kernels;

import dev.optc.runtime.vector.VectorBatchNorm;

/**
 * Batch normalization over [rows, width] arrays, column by column (8.7.1 of the seed): in training,
 * μ = mean over the batch, σ² = the biased variance, x̂ = (x − μ)/√(δ + σ²), y = γ x̂ + β, and the running estimates
 * move by {@code momentum} towards μ and the unbiased variance, as PyTorch's BatchNorm1d does, so checkpoints are
 * interchangeable; in inference the running estimates take the batch statistics' place.
 *
 * <p>Each pass is one fused kernel: the statistics, the normalization, the affine map and the activation that
 * follows (when the compiler fused one in) forward; the activation's derivative, dγ, dβ and dx backward. The
 * generated trainer calls these entry points with the layer's width as a constant; the Vector API kernels
 * ({@link VectorBatchNorm}) run on the vector backend, the scalar ones ({@link ScalarBatchNorm}, the reference) on
 * the scalar backend and on the columns past the last whole vector. Statistics are floats summed in a fixed order,
 * so results do not depend on timing, and both backends give the same bits.
 */
public final class BatchNormKernel {
    private BatchNormKernel() {
    }

    /**
     * Training forward. {@code xhat} keeps x̂ and {@code invStd[j]} keeps 1/√(δ + σ²_j) for the backward pass.
     * γ, β are at {@code params[gammaOffset ..]}, {@code params[betaOffset ..]}; the running mean and variance at
     * {@code stats[meanOffset ..]}, {@code stats[varOffset ..]}.
     */
    public static void forwardTraining(float[] x, float[] y, float[] xhat, float[] mean, float[] invStd, int rows,
                                       int width, float[] params, int gammaOffset, int betaOffset, float[] stats,
                                       int meanOffset, int varOffset, float momentum, float epsilon) {
        forwardTraining(x, y, xhat, mean, invStd, rows, width, params, gammaOffset, betaOffset, stats, meanOffset,
                varOffset, momentum, epsilon, Activations.NONE, 0f);
    }

    /** Training forward followed by an activation: {@code out = f(γ x̂ + β)} (the normalized y is not kept). */
    public static void forwardTraining(float[] x, float[] out, float[] xhat, float[] mean, float[] invStd, int rows,
                                       int width, float[] params, int gammaOffset, int betaOffset, float[] stats,
                                       int meanOffset, int varOffset, float momentum, float epsilon, int activation,
                                       float alpha) {
        if (Vectorized.USABLE) {
            VectorBatchNorm.forwardTraining(x, out, xhat, mean, invStd, rows, width, params, gammaOffset, betaOffset,
                    stats, meanOffset, varOffset, momentum, epsilon, activation, alpha);
        } else {
            ScalarBatchNorm.forwardTraining(x, out, xhat, mean, invStd, rows, width, 0, width, params, gammaOffset,
                    betaOffset, stats, meanOffset, varOffset, momentum, epsilon, activation, alpha);
        }
    }

    /** For {@link VectorBatchNorm}: the scalar kernel on the columns [from, width) its vectors do not cover. */
    public static void forwardTrainingColumns(float[] x, float[] out, float[] xhat, float[] mean, float[] invStd,
                                              int rows, int width, int from, float[] params, int gammaOffset,
                                              int betaOffset, float[] stats, int meanOffset, int varOffset,
                                              float momentum, float epsilon, int activation, float alpha) {
        ScalarBatchNorm.forwardTraining(x, out, xhat, mean, invStd, rows, width, from, width, params, gammaOffset,
                betaOffset, stats, meanOffset, varOffset, momentum, epsilon, activation, alpha);
    }

    /** Inference: y = γ (x − running mean)/√(δ + running variance) + β. */
    public static void forwardInference(float[] x, float[] y, int rows, int width, float[] params, int gammaOffset,
                                        int betaOffset, float[] stats, int meanOffset, int varOffset, float epsilon) {
        forwardInference(x, y, rows, width, params, gammaOffset, betaOffset, stats, meanOffset, varOffset, epsilon,
                Activations.NONE, 0f);
    }

    /** Inference followed by an activation. Not on the training path, so scalar on both backends. */
    public static void forwardInference(float[] x, float[] out, int rows, int width, float[] params, int gammaOffset,
                                        int betaOffset, float[] stats, int meanOffset, int varOffset, float epsilon,
                                        int activation, float alpha) {
        ScalarBatchNorm.forwardInference(x, out, rows, width, params, gammaOffset, betaOffset, stats, meanOffset,
                varOffset, epsilon, activation, alpha);
    }

    /**
     * Backward: dβ = Σ dy, dγ = Σ dy·x̂ (written into {@code grads}), and
     * dx = γ/(rows·√(δ+σ²)) · (rows·dy − dβ − x̂·dγ) (or += when {@code accumulate}).
     */
    public static void backward(float[] dy, float[] xhat, float[] invStd, float[] dx, int rows, int width, float[] params,
                                int gammaOffset, float[] grads, int betaOffset, boolean accumulate) {
        backward(dy, dy, xhat, invStd, dx, rows, width, params, gammaOffset, grads, betaOffset, accumulate,
                Activations.NONE, 0f);
    }

    /**
     * Backward through an activation and the normalization: dy = dOut ⊙ f' (f' from the activation's output
     * {@code out}), then as {@link #backward(float[], float[], float[], float[], int, int, float[], int, float[], int, boolean)}.
     */
    public static void backward(float[] dOut, float[] out, float[] xhat, float[] invStd, float[] dx, int rows, int width,
                                float[] params, int gammaOffset, float[] grads, int betaOffset, boolean accumulate,
                                int activation, float alpha) {
        if (Vectorized.USABLE) {
            VectorBatchNorm.backward(dOut, out, xhat, invStd, dx, rows, width, params, gammaOffset, grads, betaOffset,
                    accumulate, activation, alpha);
        } else {
            ScalarBatchNorm.backward(dOut, out, xhat, invStd, dx, rows, width, 0, width, params, gammaOffset, grads,
                    betaOffset, accumulate, activation, alpha);
        }
    }

    /** For {@link VectorBatchNorm}: the scalar backward on the columns [from, width). */
    public static void backwardColumns(float[] dOut, float[] out, float[] xhat, float[] invStd, float[] dx, int rows,
                                       int width, int from, float[] params, int gammaOffset, float[] grads,
                                       int betaOffset, boolean accumulate, int activation, float alpha) {
        ScalarBatchNorm.backward(dOut, out, xhat, invStd, dx, rows, width, from, width, params, gammaOffset, grads,
                betaOffset, accumulate, activation, alpha);
    }

    /** Decided on first use, so the scalar backend never loads the Vector API. */
    private static final class Vectorized {
        static final boolean USABLE = Backend.vector();
    }
}
