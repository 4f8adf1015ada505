package dev.optc.runtime.vector;

import static dev.optc.runtime.vector.VectorActivations.S;

import dev.optc.runtime.kernels.BatchNormKernel;
import jdk.incubator.vector.FloatVector;

/**
 * The Vector API batch-norm kernels of {@link BatchNormKernel}: the scalar kernel's passes (see
 * {@code kernels.ScalarBatchNorm}) with a vector of columns per step. Forward: Σx, then Σ(x − μ)², then x̂ and
 * f(γ x̂ + β); backward: Σdy and Σdy·x̂, then dx. Every pass sweeps the rows in memory order, the column sums
 * accumulating in the caller's arrays four rows at a time ((r0 + r1) + (r2 + r3)), which are the scalar kernel's
 * operations lane by lane: the two backends give the same bits. The columns past the last whole vector run the scalar
 * kernel.
 */
public final class VectorBatchNorm {
    private VectorBatchNorm() {
    }

    public static void forwardTraining(float[] x, float[] out, float[] xhat, float[] mean, float[] invStd, int rows,
                                       int width, float[] params, int gammaOffset, int betaOffset, float[] stats,
                                       int meanOffset, int varOffset, float momentum, float epsilon, int activation,
                                       float alpha) {
        int bound = S.loopBound(width), lanes = S.length();
        float inverseRows = 1f / rows;
        float unbiasing = rows > 1 ? (float) rows / (rows - 1) : 1f;
        sums(x, mean, rows, width, bound);
        for (int j = 0; j < bound; j += lanes) FloatVector.fromArray(S, mean, j).mul(inverseRows).intoArray(mean, j);
        squares(x, mean, invStd, rows, width, bound);
        statistics(mean, invStd, bound, stats, meanOffset, varOffset, momentum, epsilon, inverseRows, unbiasing);
        normalize(x, out, xhat, mean, invStd, rows, width, bound, params, gammaOffset, betaOffset, activation, alpha);
        if (bound < width) {
            BatchNormKernel.forwardTrainingColumns(x, out, xhat, mean, invStd, rows, width, bound, params, gammaOffset,
                    betaOffset, stats, meanOffset, varOffset, momentum, epsilon, activation, alpha);
        }
    }

    // One method per pass: each is a compile unit small enough for C2 to inline every vector operation in it.

    /** mean[j] = Σ_r x[r, j] over the vector columns [0, bound). */
    private static void sums(float[] x, float[] mean, int rows, int width, int bound) {
        int lanes = S.length(), rows4 = rows & ~3;
        for (int j = 0; j < bound; j += lanes) FloatVector.zero(S).intoArray(mean, j);
        for (int r = 0; r < rows4; r += 4) {
            int i0 = r * width, i1 = i0 + width, i2 = i1 + width, i3 = i2 + width;
            for (int j = 0; j < bound; j += lanes) {
                FloatVector a = FloatVector.fromArray(S, x, i0 + j).add(FloatVector.fromArray(S, x, i1 + j));
                FloatVector b = FloatVector.fromArray(S, x, i2 + j).add(FloatVector.fromArray(S, x, i3 + j));
                FloatVector.fromArray(S, mean, j).add(a.add(b)).intoArray(mean, j);
            }
        }
        for (int r = rows4; r < rows; r++) {
            for (int j = 0; j < bound; j += lanes) {
                FloatVector.fromArray(S, mean, j).add(FloatVector.fromArray(S, x, r * width + j)).intoArray(mean, j);
            }
        }
    }

    /** squares[j] = Σ_r (x[r, j] − mean[j])². */
    private static void squares(float[] x, float[] mean, float[] squares, int rows, int width, int bound) {
        int lanes = S.length(), rows4 = rows & ~3;
        for (int j = 0; j < bound; j += lanes) FloatVector.zero(S).intoArray(squares, j);
        for (int r = 0; r < rows4; r += 4) {
            int i0 = r * width, i1 = i0 + width, i2 = i1 + width, i3 = i2 + width;
            for (int j = 0; j < bound; j += lanes) {
                FloatVector mu = FloatVector.fromArray(S, mean, j);
                FloatVector d0 = FloatVector.fromArray(S, x, i0 + j).sub(mu), d1 = FloatVector.fromArray(S, x, i1 + j).sub(mu);
                FloatVector d2 = FloatVector.fromArray(S, x, i2 + j).sub(mu), d3 = FloatVector.fromArray(S, x, i3 + j).sub(mu);
                FloatVector q = d0.mul(d0).add(d1.mul(d1)).add(d2.mul(d2).add(d3.mul(d3)));
                FloatVector.fromArray(S, squares, j).add(q).intoArray(squares, j);
            }
        }
        for (int r = rows4; r < rows; r++) {
            for (int j = 0; j < bound; j += lanes) {
                FloatVector d = FloatVector.fromArray(S, x, r * width + j).sub(FloatVector.fromArray(S, mean, j));
                FloatVector.fromArray(S, squares, j).add(d.mul(d)).intoArray(squares, j);
            }
        }
    }

    /** invStd[j] = 1/√(δ + σ²) from the squares it holds; the running estimates move by the momentum. */
    private static void statistics(float[] mean, float[] invStd, int bound, float[] stats, int meanOffset, int varOffset,
                                   float momentum, float epsilon, float inverseRows, float unbiasing) {
        int lanes = S.length();
        FloatVector m = FloatVector.broadcast(S, momentum);
        for (int j = 0; j < bound; j += lanes) {
            FloatVector variance = FloatVector.fromArray(S, invStd, j).mul(inverseRows);
            FloatVector.broadcast(S, 1f).div(variance.add(epsilon).sqrt()).intoArray(invStd, j);
            FloatVector runningMean = FloatVector.fromArray(S, stats, meanOffset + j);
            FloatVector runningVar = FloatVector.fromArray(S, stats, varOffset + j);
            FloatVector.fromArray(S, mean, j).sub(runningMean).fma(m, runningMean).intoArray(stats, meanOffset + j);
            variance.mul(unbiasing).sub(runningVar).fma(m, runningVar).intoArray(stats, varOffset + j);
        }
    }

    /** x̂ = (x − μ)/σ, out = f(γ x̂ + β). */
    private static void normalize(float[] x, float[] out, float[] xhat, float[] mean, float[] invStd, int rows, int width,
                                  int bound, float[] params, int gammaOffset, int betaOffset, int activation, float alpha) {
        int lanes = S.length();
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            for (int j = 0; j < bound; j += lanes) {
                FloatVector h = FloatVector.fromArray(S, x, row + j).sub(FloatVector.fromArray(S, mean, j))
                        .mul(FloatVector.fromArray(S, invStd, j));
                h.intoArray(xhat, row + j);
                FloatVector y = FloatVector.fromArray(S, params, gammaOffset + j).fma(h, FloatVector.fromArray(S, params, betaOffset + j));
                VectorActivations.activate(y, activation, alpha).intoArray(out, row + j);
            }
        }
    }

    public static void backward(float[] dOut, float[] out, float[] xhat, float[] invStd, float[] dx, int rows, int width,
                                float[] params, int gammaOffset, float[] grads, int betaOffset, boolean accumulate,
                                int activation, float alpha) {
        int bound = S.loopBound(width);
        parameterGradients(dOut, out, xhat, rows, width, bound, grads, gammaOffset, betaOffset, activation, alpha);
        inputGradient(dOut, out, xhat, invStd, dx, rows, width, bound, params, gammaOffset, grads, betaOffset, accumulate,
                activation, alpha);
        if (bound < width) {
            BatchNormKernel.backwardColumns(dOut, out, xhat, invStd, dx, rows, width, bound, params, gammaOffset, grads,
                    betaOffset, accumulate, activation, alpha);
        }
    }

    /** dβ = Σ dy, dγ = Σ dy·x̂, dy = dOut ⊙ f'. */
    private static void parameterGradients(float[] dOut, float[] out, float[] xhat, int rows, int width, int bound,
                                           float[] grads, int gammaOffset, int betaOffset, int activation, float alpha) {
        int lanes = S.length(), rows4 = rows & ~3;
        FloatVector zero = FloatVector.zero(S);
        for (int j = 0; j < bound; j += lanes) {
            zero.intoArray(grads, betaOffset + j);
            zero.intoArray(grads, gammaOffset + j);
        }
        for (int r = 0; r < rows4; r += 4) {
            int i0 = r * width, i1 = i0 + width, i2 = i1 + width, i3 = i2 + width;
            for (int j = 0; j < bound; j += lanes) {
                FloatVector d0 = VectorActivations.derivative(activation, alpha, out, dOut, i0 + j);
                FloatVector d1 = VectorActivations.derivative(activation, alpha, out, dOut, i1 + j);
                FloatVector d2 = VectorActivations.derivative(activation, alpha, out, dOut, i2 + j);
                FloatVector d3 = VectorActivations.derivative(activation, alpha, out, dOut, i3 + j);
                FloatVector.fromArray(S, grads, betaOffset + j).add(d0.add(d1).add(d2.add(d3))).intoArray(grads, betaOffset + j);
                FloatVector p = d0.mul(FloatVector.fromArray(S, xhat, i0 + j)).add(d1.mul(FloatVector.fromArray(S, xhat, i1 + j)));
                FloatVector q = d2.mul(FloatVector.fromArray(S, xhat, i2 + j)).add(d3.mul(FloatVector.fromArray(S, xhat, i3 + j)));
                FloatVector.fromArray(S, grads, gammaOffset + j).add(p.add(q)).intoArray(grads, gammaOffset + j);
            }
        }
        for (int r = rows4; r < rows; r++) {
            for (int j = 0; j < bound; j += lanes) {
                int i = r * width + j;
                FloatVector d = VectorActivations.derivative(activation, alpha, out, dOut, i);
                FloatVector.fromArray(S, grads, betaOffset + j).add(d).intoArray(grads, betaOffset + j);
                FloatVector.fromArray(S, grads, gammaOffset + j).add(d.mul(FloatVector.fromArray(S, xhat, i)))
                        .intoArray(grads, gammaOffset + j);
            }
        }
    }

    /** dx = γ/(rows·√(δ+σ²)) · (rows·dy − dβ − x̂·dγ), or dx += that. */
    private static void inputGradient(float[] dOut, float[] out, float[] xhat, float[] invStd, float[] dx, int rows,
                                      int width, int bound, float[] params, int gammaOffset, float[] grads, int betaOffset,
                                      boolean accumulate, int activation, float alpha) {
        int lanes = S.length();
        FloatVector n = FloatVector.broadcast(S, (float) rows);
        float inverseRows = 1f / rows;
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            for (int j = 0; j < bound; j += lanes) {
                int i = row + j;
                FloatVector d = VectorActivations.derivative(activation, alpha, out, dOut, i);
                FloatVector scale = FloatVector.fromArray(S, params, gammaOffset + j).mul(FloatVector.fromArray(S, invStd, j))
                        .mul(inverseRows);
                FloatVector t = FloatVector.fromArray(S, xhat, i).fma(FloatVector.fromArray(S, grads, gammaOffset + j),
                        FloatVector.fromArray(S, grads, betaOffset + j));
                FloatVector v = d.fma(n, t.neg()).mul(scale);
                if (accumulate) v = FloatVector.fromArray(S, dx, i).add(v);
                v.intoArray(dx, i);
            }
        }
    }
}
