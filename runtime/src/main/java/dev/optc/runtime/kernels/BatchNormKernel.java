package dev.optc.runtime.kernels;

/**
 * Batch normalization over [rows, width] arrays, column by column (8.7.1 of the seed): in training,
 * μ = mean over the batch, σ² = the biased variance, x̂ = (x − μ)/√(δ + σ²), y = γ x̂ + β, and the running estimates
 * move by {@code momentum} towards μ and the unbiased variance, as PyTorch's BatchNorm1d does, so checkpoints are
 * interchangeable; in inference the running estimates take the batch statistics' place. Each pass reads its inputs
 * once per column block and computes the statistics, normalization and affine map in one sweep.
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
        // Row by row, so every pass streams through memory; `mean` and `invStd` (one float per column, kept by the
        // trainer) hold the sums, so nothing is allocated per step.
        java.util.Arrays.fill(mean, 0, width, 0f);
        java.util.Arrays.fill(invStd, 0, width, 0f);
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            for (int j = 0; j < width; j++) mean[j] += x[row + j];
        }
        for (int j = 0; j < width; j++) mean[j] /= rows;
        float[] var = invStd;
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            for (int j = 0; j < width; j++) {
                float d = x[row + j] - mean[j];
                var[j] += d * d;
            }
        }
        for (int j = 0; j < width; j++) {
            double biased = (double) var[j] / rows;
            invStd[j] = (float) (1.0 / Math.sqrt(biased + epsilon));
            double unbiased = rows > 1 ? biased * rows / (rows - 1) : biased;
            stats[meanOffset + j] = (float) ((1 - momentum) * stats[meanOffset + j] + momentum * mean[j]);
            stats[varOffset + j] = (float) ((1 - momentum) * stats[varOffset + j] + momentum * unbiased);
        }
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            for (int j = 0; j < width; j++) {
                float h = (x[row + j] - mean[j]) * invStd[j];
                xhat[row + j] = h;
                y[row + j] = params[gammaOffset + j] * h + params[betaOffset + j];
            }
        }
    }

    /** Inference: y = γ (x − running mean)/√(δ + running variance) + β. */
    public static void forwardInference(float[] x, float[] y, int rows, int width, float[] params, int gammaOffset,
                                        int betaOffset, float[] stats, int meanOffset, int varOffset, float epsilon) {
        for (int j = 0; j < width; j++) {
            float scale = (float) (params[gammaOffset + j] / Math.sqrt(stats[varOffset + j] + epsilon));
            float shift = params[betaOffset + j] - scale * stats[meanOffset + j];
            for (int r = 0; r < rows; r++) y[r * width + j] = x[r * width + j] * scale + shift;
        }
    }

    /**
     * Backward: dβ = Σ dy, dγ = Σ dy·x̂ (written into {@code grads}), and
     * dx = γ/(rows·√(δ+σ²)) · (rows·dy − dβ − x̂·dγ) (or += when {@code accumulate}).
     */
    public static void backward(float[] dy, float[] xhat, float[] invStd, float[] dx, int rows, int width, float[] params,
                                int gammaOffset, float[] grads, int betaOffset, boolean accumulate) {
        java.util.Arrays.fill(grads, gammaOffset, gammaOffset + width, 0f);
        java.util.Arrays.fill(grads, betaOffset, betaOffset + width, 0f);
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            for (int j = 0; j < width; j++) {
                grads[betaOffset + j] += dy[row + j];
                grads[gammaOffset + j] += dy[row + j] * xhat[row + j];
            }
        }
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            for (int j = 0; j < width; j++) {
                float v = params[gammaOffset + j] * invStd[j] / rows
                        * (rows * dy[row + j] - grads[betaOffset + j] - xhat[row + j] * grads[gammaOffset + j]);
                dx[row + j] = accumulate ? dx[row + j] + v : v;
            }
        }
    }
}
