package dev.optc.runtime.vector;

import static dev.optc.runtime.vector.VectorActivations.S;

import dev.optc.runtime.kernels.BatchNormKernel;
import jdk.incubator.vector.FloatVector;

/**
 * The Vector API batch-norm kernels of {@link BatchNormKernel}. The [rows, width] array is cut into column blocks of
 * one vector; each block is swept down the rows three times forward (Σx, Σ(x − μ)², then x̂ and f(γ x̂ + β)) and twice
 * backward (Σdy and Σdy·x̂, then dx), while its rows are still in cache (a batch of 128 rows of a 16-float block is
 * 8 KB). Every lane keeps the scalar kernel's four partial sums per column and its fused multiply-adds, so the two
 * backends agree to the last bit; the columns past the last whole vector run the scalar kernel.
 */
public final class VectorBatchNorm {
    private VectorBatchNorm() {
    }

    public static void forwardTraining(float[] x, float[] out, float[] xhat, float[] mean, float[] invStd, int rows,
                                       int width, float[] params, int gammaOffset, int betaOffset, float[] stats,
                                       int meanOffset, int varOffset, float momentum, float epsilon, int activation,
                                       float alpha) {
        int bound = S.loopBound(width);
        int rows4 = rows & ~3;
        float inverseRows = 1f / rows;
        float unbiasing = rows > 1 ? (float) rows / (rows - 1) : 1f;
        for (int j = 0; j < bound; j += S.length()) {
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            int r = 0;
            for (; r < rows4; r += 4) {
                int i = r * width + j;
                s0 = s0.add(FloatVector.fromArray(S, x, i));
                s1 = s1.add(FloatVector.fromArray(S, x, i + width));
                s2 = s2.add(FloatVector.fromArray(S, x, i + 2 * width));
                s3 = s3.add(FloatVector.fromArray(S, x, i + 3 * width));
            }
            for (; r < rows; r++) s0 = s0.add(FloatVector.fromArray(S, x, r * width + j));
            FloatVector mu = s0.add(s1).add(s2.add(s3)).mul(inverseRows);

            s0 = FloatVector.zero(S); s1 = s0; s2 = s0; s3 = s0;
            for (r = 0; r < rows4; r += 4) {
                int i = r * width + j;
                FloatVector d0 = FloatVector.fromArray(S, x, i).sub(mu);
                FloatVector d1 = FloatVector.fromArray(S, x, i + width).sub(mu);
                FloatVector d2 = FloatVector.fromArray(S, x, i + 2 * width).sub(mu);
                FloatVector d3 = FloatVector.fromArray(S, x, i + 3 * width).sub(mu);
                s0 = d0.fma(d0, s0);
                s1 = d1.fma(d1, s1);
                s2 = d2.fma(d2, s2);
                s3 = d3.fma(d3, s3);
            }
            for (; r < rows; r++) {
                FloatVector d = FloatVector.fromArray(S, x, r * width + j).sub(mu);
                s0 = d.fma(d, s0);
            }
            FloatVector variance = s0.add(s1).add(s2.add(s3)).mul(inverseRows);
            FloatVector inv = FloatVector.broadcast(S, 1f).div(variance.add(epsilon).sqrt());
            mu.intoArray(mean, j);
            inv.intoArray(invStd, j);
            FloatVector runningMean = FloatVector.fromArray(S, stats, meanOffset + j);
            FloatVector runningVar = FloatVector.fromArray(S, stats, varOffset + j);
            FloatVector m = FloatVector.broadcast(S, momentum);
            mu.sub(runningMean).fma(m, runningMean).intoArray(stats, meanOffset + j);
            variance.mul(unbiasing).sub(runningVar).fma(m, runningVar).intoArray(stats, varOffset + j);

            FloatVector gamma = FloatVector.fromArray(S, params, gammaOffset + j);
            FloatVector beta = FloatVector.fromArray(S, params, betaOffset + j);
            for (r = 0; r < rows; r++) {
                int i = r * width + j;
                FloatVector h = FloatVector.fromArray(S, x, i).sub(mu).mul(inv);
                h.intoArray(xhat, i);
                VectorActivations.activate(gamma.fma(h, beta), activation, alpha).intoArray(out, i);
            }
        }
        if (bound < width) {
            BatchNormKernel.forwardTrainingColumns(x, out, xhat, mean, invStd, rows, width, bound, params, gammaOffset,
                    betaOffset, stats, meanOffset, varOffset, momentum, epsilon, activation, alpha);
        }
    }

    public static void backward(float[] dOut, float[] out, float[] xhat, float[] invStd, float[] dx, int rows, int width,
                                float[] params, int gammaOffset, float[] grads, int betaOffset, boolean accumulate,
                                int activation, float alpha) {
        int bound = S.loopBound(width);
        int rows4 = rows & ~3;
        FloatVector n = FloatVector.broadcast(S, (float) rows);
        for (int j = 0; j < bound; j += S.length()) {
            FloatVector g0 = FloatVector.zero(S), g1 = g0, g2 = g0, g3 = g0, h0 = g0, h1 = g0, h2 = g0, h3 = g0;
            int r = 0;
            for (; r < rows4; r += 4) {
                int i = r * width + j;
                FloatVector d0 = VectorActivations.derivative(activation, alpha, out, dOut, i);
                FloatVector d1 = VectorActivations.derivative(activation, alpha, out, dOut, i + width);
                FloatVector d2 = VectorActivations.derivative(activation, alpha, out, dOut, i + 2 * width);
                FloatVector d3 = VectorActivations.derivative(activation, alpha, out, dOut, i + 3 * width);
                g0 = g0.add(d0);
                g1 = g1.add(d1);
                g2 = g2.add(d2);
                g3 = g3.add(d3);
                h0 = d0.fma(FloatVector.fromArray(S, xhat, i), h0);
                h1 = d1.fma(FloatVector.fromArray(S, xhat, i + width), h1);
                h2 = d2.fma(FloatVector.fromArray(S, xhat, i + 2 * width), h2);
                h3 = d3.fma(FloatVector.fromArray(S, xhat, i + 3 * width), h3);
            }
            for (; r < rows; r++) {
                int i = r * width + j;
                FloatVector d = VectorActivations.derivative(activation, alpha, out, dOut, i);
                g0 = g0.add(d);
                h0 = d.fma(FloatVector.fromArray(S, xhat, i), h0);
            }
            FloatVector dBeta = g0.add(g1).add(g2.add(g3)), dGamma = h0.add(h1).add(h2.add(h3));
            dBeta.intoArray(grads, betaOffset + j);
            dGamma.intoArray(grads, gammaOffset + j);
            // dx = γ/(rows·√(δ+σ²)) · (rows·dy − dβ − x̂·dγ)
            FloatVector scale = FloatVector.fromArray(S, params, gammaOffset + j)
                    .mul(FloatVector.fromArray(S, invStd, j)).div((float) rows);
            for (r = 0; r < rows; r++) {
                int i = r * width + j;
                FloatVector d = VectorActivations.derivative(activation, alpha, out, dOut, i);
                FloatVector t = FloatVector.fromArray(S, xhat, i).fma(dGamma, dBeta);
                FloatVector v = d.fma(n, t.neg()).mul(scale);
                if (accumulate) v = v.add(FloatVector.fromArray(S, dx, i));
                v.intoArray(dx, i);
            }
        }
        if (bound < width) {
            BatchNormKernel.backwardColumns(dOut, out, xhat, invStd, dx, rows, width, bound, params, gammaOffset, grads,
                    betaOffset, accumulate, activation, alpha);
        }
    }
}
