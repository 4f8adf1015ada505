package dev.optc.runtime.kernels;

/**
 * The scalar batch-norm kernels over a range of columns of a [rows, width] array: the scalar backend runs them on
 * every column, the vector kernels on the columns past their last whole vector. Each column's sums run down the rows
 * in four partial sums (rows r ≡ 0, 1, 2, 3 mod 4) added as (s0 + s1) + (s2 + s3): in float, but a quarter of the
 * chain and a fixed order. The vector kernels keep exactly these sums per lane and use the same fused multiply-adds,
 * so both backends agree to the last bit.
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
        for (int j = from; j < to; j++) {
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int r = 0;
            for (; r + 3 < rows; r += 4) {
                int i = r * width + j;
                s0 += x[i];
                s1 += x[i + width];
                s2 += x[i + 2 * width];
                s3 += x[i + 3 * width];
            }
            for (; r < rows; r++) s0 += x[r * width + j];
            float mu = ((s0 + s1) + (s2 + s3)) * inverseRows;
            s0 = 0; s1 = 0; s2 = 0; s3 = 0;
            r = 0;
            for (; r + 3 < rows; r += 4) {
                int i = r * width + j;
                float d0 = x[i] - mu, d1 = x[i + width] - mu, d2 = x[i + 2 * width] - mu, d3 = x[i + 3 * width] - mu;
                s0 = Math.fma(d0, d0, s0);
                s1 = Math.fma(d1, d1, s1);
                s2 = Math.fma(d2, d2, s2);
                s3 = Math.fma(d3, d3, s3);
            }
            for (; r < rows; r++) {
                float d = x[r * width + j] - mu;
                s0 = Math.fma(d, d, s0);
            }
            float variance = ((s0 + s1) + (s2 + s3)) * inverseRows;
            float inv = 1f / (float) Math.sqrt(variance + epsilon);
            mean[j] = mu;
            invStd[j] = inv;
            // PyTorch's BatchNorm1d: the running variance moves towards the unbiased estimate.
            stats[meanOffset + j] = Math.fma(momentum, mu - stats[meanOffset + j], stats[meanOffset + j]);
            stats[varOffset + j] = Math.fma(momentum, variance * unbiasing - stats[varOffset + j], stats[varOffset + j]);
            float gamma = params[gammaOffset + j], beta = params[betaOffset + j];
            for (r = 0; r < rows; r++) {
                int i = r * width + j;
                float h = (x[i] - mu) * inv;
                xhat[i] = h;
                out[i] = Epilogues.activate(activation, alpha, Math.fma(gamma, h, beta));
            }
        }
    }

    /** The backward pass of {@link BatchNormKernel#backward}, on columns [from, to). */
    static void backward(float[] dOut, float[] out, float[] xhat, float[] invStd, float[] dx, int rows, int width,
                         int from, int to, float[] params, int gammaOffset, float[] grads, int betaOffset,
                         boolean accumulate, int activation, float alpha) {
        for (int j = from; j < to; j++) {
            float g0 = 0, g1 = 0, g2 = 0, g3 = 0, h0 = 0, h1 = 0, h2 = 0, h3 = 0;
            int r = 0;
            for (; r + 3 < rows; r += 4) {
                int i = r * width + j;
                float d0 = Epilogues.derivative(activation, alpha, out, dOut, i);
                float d1 = Epilogues.derivative(activation, alpha, out, dOut, i + width);
                float d2 = Epilogues.derivative(activation, alpha, out, dOut, i + 2 * width);
                float d3 = Epilogues.derivative(activation, alpha, out, dOut, i + 3 * width);
                g0 += d0;
                g1 += d1;
                g2 += d2;
                g3 += d3;
                h0 = Math.fma(d0, xhat[i], h0);
                h1 = Math.fma(d1, xhat[i + width], h1);
                h2 = Math.fma(d2, xhat[i + 2 * width], h2);
                h3 = Math.fma(d3, xhat[i + 3 * width], h3);
            }
            for (; r < rows; r++) {
                int i = r * width + j;
                float d = Epilogues.derivative(activation, alpha, out, dOut, i);
                g0 += d;
                h0 = Math.fma(d, xhat[i], h0);
            }
            float dBeta = (g0 + g1) + (g2 + g3), dGamma = (h0 + h1) + (h2 + h3);
            grads[betaOffset + j] = dBeta;
            grads[gammaOffset + j] = dGamma;
            // dx = γ/(rows·√(δ+σ²)) · (rows·dy − dβ − x̂·dγ)
            float scale = params[gammaOffset + j] * invStd[j] / rows;
            float n = rows;
            for (r = 0; r < rows; r++) {
                int i = r * width + j;
                float d = Epilogues.derivative(activation, alpha, out, dOut, i);
                float v = Math.fma(d, n, -Math.fma(xhat[i], dGamma, dBeta)) * scale;
                dx[i] = accumulate ? dx[i] + v : v;
            }
        }
    }

    /** Inference: y = γ (x − running mean)/√(δ + running variance) + β, then the activation. */
    static void forwardInference(float[] x, float[] out, int rows, int width, float[] params, int gammaOffset,
                                 int betaOffset, float[] stats, int meanOffset, int varOffset, float epsilon,
                                 int activation, float alpha) {
        for (int j = 0; j < width; j++) {
            float scale = params[gammaOffset + j] / (float) Math.sqrt(stats[varOffset + j] + epsilon);
            float shift = params[betaOffset + j] - scale * stats[meanOffset + j];
            for (int r = 0; r < rows; r++) {
                int i = r * width + j;
                out[i] = Epilogues.activate(activation, alpha, Math.fma(x[i], scale, shift));
            }
        }
    }
}
