package dev.optc.runtime.kernels;

/**
 * The scalar batch-norm kernels over a range of columns of a [rows, width] array: the scalar backend runs them on
 * every column, the vector kernels on the columns past their last whole vector.
 *
 * <p>Every pass sweeps the rows in memory order (a column at a time would stride by the row length, and at 1024
 * floats every row of a column falls into the same L1 set). The column sums accumulate in the caller's arrays —
 * {@code mean} and {@code invStd} forward, the γ and β gradients backward — four rows at a time, added as
 * (r0 + r1) + (r2 + r3) before they join the sum: floats, a chain a quarter of the batch long, in a fixed order.
 * The vector kernels keep exactly these sums per lane with the same operations, so both backends agree to the bit.
 *
 * <p>An activation (an {@link Activations} kind, or {@link Activations#NONE}) may follow the normalization in the
 * same pass: forward, {@code out = f(γ x̂ + β)}; backward, the gradient with respect to γ x̂ + β is
 * {@code dOut ⊙ f'} with f' taken from the activation's output (see {@link Epilogues#derivative}).
 */
final class ScalarBatchNorm {
    private ScalarBatchNorm() {
    }

    /** The training forward pass of {@link BatchNormKernel#forwardTraining}, on columns [from, to). */
    static void forwardTraining(float[] x, float[] out, float[] xhat, float[] mean, float[] invStd, int rows, int width,
                                int from, int to, float[] params, int gammaOffset, int betaOffset, float[] stats,
                                int meanOffset, int varOffset, float momentum, float epsilon, int activation, float alpha) {
        float inverseRows = 1f / rows;
        float unbiasing = rows > 1 ? (float) rows / (rows - 1) : 1f;
        int rows4 = rows & ~3;
        for (int j = from; j < to; j++) {
            mean[j] = 0f;
            invStd[j] = 0f;
        }
        for (int r = 0; r < rows4; r += 4) {
            int i0 = r * width, i1 = i0 + width, i2 = i1 + width, i3 = i2 + width;
            for (int j = from; j < to; j++) mean[j] += (x[i0 + j] + x[i1 + j]) + (x[i2 + j] + x[i3 + j]);
        }
        for (int r = rows4; r < rows; r++) {
            for (int j = from; j < to; j++) mean[j] += x[r * width + j];
        }
        for (int j = from; j < to; j++) mean[j] *= inverseRows;
        // Σ(x − μ)² after μ, not Σx² − Nμ²: no cancellation when the mean is large against the spread.
        float[] squares = invStd;
        for (int r = 0; r < rows4; r += 4) {
            int i0 = r * width, i1 = i0 + width, i2 = i1 + width, i3 = i2 + width;
            for (int j = from; j < to; j++) {
                float mu = mean[j];
                float d0 = x[i0 + j] - mu, d1 = x[i1 + j] - mu, d2 = x[i2 + j] - mu, d3 = x[i3 + j] - mu;
                squares[j] += (d0 * d0 + d1 * d1) + (d2 * d2 + d3 * d3);
            }
        }
        for (int r = rows4; r < rows; r++) {
            for (int j = from; j < to; j++) {
                float d = x[r * width + j] - mean[j];
                squares[j] += d * d;
            }
        }
        for (int j = from; j < to; j++) {
            float variance = squares[j] * inverseRows;
            invStd[j] = 1f / (float) Math.sqrt(variance + epsilon);
            // PyTorch's BatchNorm1d: the running variance moves towards the unbiased estimate.
            stats[meanOffset + j] = Math.fma(momentum, mean[j] - stats[meanOffset + j], stats[meanOffset + j]);
            stats[varOffset + j] = Math.fma(momentum, variance * unbiasing - stats[varOffset + j], stats[varOffset + j]);
        }
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            for (int j = from; j < to; j++) {
                float h = (x[row + j] - mean[j]) * invStd[j];
                xhat[row + j] = h;
                out[row + j] = Epilogues.activate(activation, alpha, Math.fma(params[gammaOffset + j], h, params[betaOffset + j]));
            }
        }
    }

    /** The backward pass of {@link BatchNormKernel#backward}, on columns [from, to). */
    static void backward(float[] dOut, float[] out, float[] xhat, float[] invStd, float[] dx, int rows, int width,
                         int from, int to, float[] params, int gammaOffset, float[] grads, int betaOffset,
                         boolean accumulate, int activation, float alpha) {
        int rows4 = rows & ~3;
        for (int j = from; j < to; j++) {
            grads[betaOffset + j] = 0f;
            grads[gammaOffset + j] = 0f;
        }
        for (int r = 0; r < rows4; r += 4) {
            int i0 = r * width, i1 = i0 + width, i2 = i1 + width, i3 = i2 + width;
            for (int j = from; j < to; j++) {
                float d0 = Epilogues.derivative(activation, alpha, out, dOut, i0 + j);
                float d1 = Epilogues.derivative(activation, alpha, out, dOut, i1 + j);
                float d2 = Epilogues.derivative(activation, alpha, out, dOut, i2 + j);
                float d3 = Epilogues.derivative(activation, alpha, out, dOut, i3 + j);
                grads[betaOffset + j] += (d0 + d1) + (d2 + d3);
                grads[gammaOffset + j] += (d0 * xhat[i0 + j] + d1 * xhat[i1 + j]) + (d2 * xhat[i2 + j] + d3 * xhat[i3 + j]);
            }
        }
        for (int r = rows4; r < rows; r++) {
            for (int j = from; j < to; j++) {
                int i = r * width + j;
                float d = Epilogues.derivative(activation, alpha, out, dOut, i);
                grads[betaOffset + j] += d;
                grads[gammaOffset + j] += d * xhat[i];
            }
        }
        // dx = γ/(rows·√(δ+σ²)) · (rows·dy − dβ − x̂·dγ)
        float n = rows, inverseRows = 1f / rows;
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            for (int j = from; j < to; j++) {
                int i = row + j;
                float d = Epilogues.derivative(activation, alpha, out, dOut, i);
                float scale = params[gammaOffset + j] * invStd[j] * inverseRows;
                float v = Math.fma(d, n, -Math.fma(xhat[i], grads[gammaOffset + j], grads[betaOffset + j])) * scale;
                dx[i] = accumulate ? dx[i] + v : v;
            }
        }
    }

    /** Inference: y = γ (x − running mean)/√(δ + running variance) + β, then the activation. */
    static void forwardInference(float[] x, float[] out, int rows, int width, float[] params, int gammaOffset,
                                 int betaOffset, float[] stats, int meanOffset, int varOffset, float epsilon,
                                 int activation, float alpha) {
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            for (int j = 0; j < width; j++) {
                float scale = params[gammaOffset + j] / (float) Math.sqrt(stats[varOffset + j] + epsilon);
                float shift = params[betaOffset + j] - scale * stats[meanOffset + j];
                out[row + j] = Epilogues.activate(activation, alpha, Math.fma(x[row + j], scale, shift));
            }
        }
    }
}
