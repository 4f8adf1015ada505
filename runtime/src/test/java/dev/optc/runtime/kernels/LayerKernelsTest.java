package dev.optc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The layer kernels (batch norm, maxout, dropout) against oracles written here in double: batch norm's formulas
 * (8.7.1 of the seed; PyTorch's BatchNorm1d for the running estimates) and the finite differences of a double
 * batch-norm forward for its backward pass; maxout's and dropout's definitions.
 *
 * <p>Tolerances. The kernels' inputs are floats, so the oracle sees exactly their inputs; what differs is float
 * rounding (u = 2⁻²⁴) inside the kernel. A float sum of n terms is within n·u·Σ|terms| of the exact one (Higham 3.1),
 * so each statistic is checked within a small multiple of (n + 4)·u times the magnitude of what it sums, which a wrong
 * formula (biased for unbiased variance, a missing momentum term, a dropped −dβ or −x̂·dγ) misses by far.
 */
class LayerKernelsTest {
    private static final double U = Math.ulp(1.0f) / 2;
    private static final float SENTINEL = -12345.5f;
    private static final float EPSILON = 1e-5f;

    static Stream<Arguments> shapes() {
        return Stream.of(Arguments.of(2, 1), Arguments.of(2, 3), Arguments.of(5, 4), Arguments.of(16, 7), Arguments.of(33, 17));
    }

    /** A batch norm's buffers, laid out at odd offsets with sentinels around them to catch stray writes. */
    private static final class Layer {
        final int rows, width, gammaOffset, betaOffset, meanOffset, varOffset;
        final float[] x, y, xhat, mean, invStd, params, stats;

        Layer(SplittableRandom random, int rows, int width, double center) {
            this.rows = rows;
            this.width = width;
            gammaOffset = 3;
            betaOffset = gammaOffset + width + 2;
            meanOffset = 1;
            varOffset = meanOffset + width + 1;
            x = new float[rows * width];
            // Columns with a mean far from 0 and spreads from 0.1 to 2: the centering must not lose them.
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < width; j++) x[r * width + j] = (float) (center + (0.1 + 0.4 * (j % 5)) * (2 * random.nextDouble() - 1));
            }
            y = filled(rows * width + 3, SENTINEL);
            xhat = filled(rows * width + 3, SENTINEL);
            mean = filled(width + 2, SENTINEL);
            invStd = filled(width + 2, SENTINEL);
            params = filled(betaOffset + width + 4, SENTINEL);
            for (int j = 0; j < width; j++) {
                params[gammaOffset + j] = (float) (0.5 + random.nextDouble()) * (random.nextBoolean() ? 1 : -1);
                params[betaOffset + j] = (float) (2 * random.nextDouble() - 1);
            }
            stats = filled(varOffset + width + 3, SENTINEL);
            for (int j = 0; j < width; j++) {
                stats[meanOffset + j] = (float) (2 * random.nextDouble() - 1);
                stats[varOffset + j] = (float) (0.5 + random.nextDouble());
            }
        }

        void forwardTraining(float momentum) {
            BatchNormKernel.forwardTraining(x, y, xhat, mean, invStd, rows, width, params, gammaOffset, betaOffset, stats,
                    meanOffset, varOffset, momentum, EPSILON);
        }

        double gamma(int j) { return params[gammaOffset + j]; }

        double beta(int j) { return params[betaOffset + j]; }
    }

    @ParameterizedTest(name = "rows={0} width={1}")
    @MethodSource("shapes")
    void trainingForwardIsTheBatchNormalizationFormula(int rows, int width) {
        SplittableRandom random = new SplittableRandom(rows * 31L + width);
        Layer layer = new Layer(random, rows, width, 5.0);
        float[] statsBefore = layer.stats.clone();
        float[] paramsBefore = layer.params.clone();
        float momentum = 0.3f;
        layer.forwardTraining(momentum);

        for (int j = 0; j < width; j++) {
            double mean = 0, magnitude = 0;
            for (int r = 0; r < rows; r++) {
                mean += layer.x[r * width + j];
                magnitude += Math.abs(layer.x[r * width + j]);
            }
            mean /= rows;
            magnitude /= rows;
            double squares = 0;
            for (int r = 0; r < rows; r++) squares += (layer.x[r * width + j] - mean) * (layer.x[r * width + j] - mean);
            double biased = squares / rows, unbiased = squares / (rows - 1);
            double invStd = 1 / Math.sqrt(biased + EPSILON);
            double sumError = (rows + 4) * U;
            assertEquals(mean, layer.mean[j], sumError * magnitude, "µ of column " + j);
            // σ² from a mean off by δµ and float squares: within 4(n + 4)u of σ² plus (δµ)².
            double varianceError = 4 * sumError * biased + Math.pow(sumError * magnitude, 2);
            assertEquals(invStd, layer.invStd[j], 0.5 * invStd * varianceError / (biased + EPSILON) + 4 * U * invStd,
                    "1/√(δ + σ²) of column " + j);
            for (int r = 0; r < rows; r++) {
                int i = r * width + j;
                double xhat = (layer.x[i] - mean) * invStd;
                // x − µ loses δµ ≈ sumError·magnitude; x̂ then carries 1/√(δ + σ²)'s relative error.
                double xhatError = sumError * magnitude * invStd + Math.abs(xhat) * (varianceError / (biased + EPSILON) + 8 * U);
                assertEquals(xhat, layer.xhat[i], xhatError, "x̂[" + r + ", " + j + "]");
                double y = layer.gamma(j) * xhat + layer.beta(j);
                assertEquals(y, layer.y[i], Math.abs(layer.gamma(j)) * xhatError + 4 * U * (Math.abs(y) + Math.abs(layer.beta(j))),
                        "y[" + r + ", " + j + "]");
            }
            // PyTorch's BatchNorm1d: the running estimates move towards the mean and the unbiased variance.
            double runningMean = (1 - momentum) * statsBefore[layer.meanOffset + j] + momentum * mean;
            double runningVar = (1 - momentum) * statsBefore[layer.varOffset + j] + momentum * unbiased;
            assertEquals(runningMean, layer.stats[layer.meanOffset + j], 4 * U * Math.abs(runningMean) + momentum * sumError * magnitude,
                    "running mean of column " + j);
            assertEquals(runningVar, layer.stats[layer.varOffset + j], 4 * U * runningVar + momentum * varianceError * rows / (rows - 1),
                    "running variance of column " + j);
        }
        assertUntouchedOutside(layer.y, rows * width);
        assertUntouchedOutside(layer.xhat, rows * width);
        assertArrayEquals(paramsBefore, layer.params, "forward does not write γ or β");
        assertEquals(SENTINEL, layer.stats[0]);
        assertEquals(SENTINEL, layer.stats[layer.varOffset - 1]);
        assertUntouchedOutside(layer.stats, layer.varOffset + width);
    }

    /** Three batches through one layer: the running estimates compound, k steps of the momentum rule. */
    @Test
    void runningEstimatesCompoundOverBatches() {
        SplittableRandom random = new SplittableRandom(77);
        int rows = 6, width = 3;
        float momentum = 0.1f;
        Layer layer = new Layer(random, rows, width, 0.5);
        double[] runningMean = new double[width], runningVar = new double[width];
        for (int j = 0; j < width; j++) {
            runningMean[j] = layer.stats[layer.meanOffset + j];
            runningVar[j] = layer.stats[layer.varOffset + j];
        }
        for (int batch = 0; batch < 3; batch++) {
            for (int i = 0; i < layer.x.length; i++) layer.x[i] = (float) (batch + random.nextDouble());
            layer.forwardTraining(momentum);
            for (int j = 0; j < width; j++) {
                double mean = 0, squares = 0;
                for (int r = 0; r < rows; r++) mean += layer.x[r * width + j];
                mean /= rows;
                for (int r = 0; r < rows; r++) squares += Math.pow(layer.x[r * width + j] - mean, 2);
                runningMean[j] = (1 - momentum) * runningMean[j] + momentum * mean;
                runningVar[j] = (1 - momentum) * runningVar[j] + momentum * squares / (rows - 1);
            }
        }
        for (int j = 0; j < width; j++) {
            assertEquals(runningMean[j], layer.stats[layer.meanOffset + j], 1e-6 * (1 + Math.abs(runningMean[j])), "running mean " + j);
            assertEquals(runningVar[j], layer.stats[layer.varOffset + j], 1e-6 * (1 + runningVar[j]), "running variance " + j);
        }
    }

    /** One row: σ² = 0, so x̂ = 0 and y = β, and nothing becomes NaN (PyTorch refuses such a batch in training). */
    @Test
    void aSingleRowNormalizesToBeta() {
        Layer layer = new Layer(new SplittableRandom(3), 1, 4, 2.0);
        layer.forwardTraining(0.1f);
        for (int j = 0; j < 4; j++) {
            assertEquals(0f, layer.xhat[j]);
            assertEquals((float) layer.beta(j), layer.y[j]);
            assertTrue(Float.isFinite(layer.stats[layer.meanOffset + j]) && Float.isFinite(layer.stats[layer.varOffset + j]));
        }
    }

    @ParameterizedTest(name = "rows={0} width={1}")
    @MethodSource("shapes")
    void inferenceUsesTheRunningEstimates(int rows, int width) {
        Layer layer = new Layer(new SplittableRandom(rows * 7L + width), rows, width, 1.0);
        float[] statsBefore = layer.stats.clone();
        BatchNormKernel.forwardInference(layer.x, layer.y, rows, width, layer.params, layer.gammaOffset, layer.betaOffset,
                layer.stats, layer.meanOffset, layer.varOffset, EPSILON);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < width; j++) {
                double rm = layer.stats[layer.meanOffset + j], rv = layer.stats[layer.varOffset + j];
                double centered = layer.x[r * width + j] - rm;
                double y = layer.gamma(j) * centered / Math.sqrt(rv + EPSILON) + layer.beta(j);
                double magnitude = Math.abs(layer.gamma(j)) * (Math.abs(layer.x[r * width + j]) + Math.abs(rm)) / Math.sqrt(rv + EPSILON)
                        + Math.abs(layer.beta(j));
                assertEquals(y, layer.y[r * width + j], 8 * U * magnitude, "y[" + r + ", " + j + "]");
            }
        }
        assertArrayEquals(statsBefore, layer.stats, "inference leaves the running estimates alone");
        assertUntouchedOutside(layer.y, rows * width);
    }

    /**
     * The backward pass against central differences of a double forward: L = Σ dy·y with y the training-mode output,
     * so ∂L/∂x, ∂L/∂γ, ∂L/∂β are the backward's dx, dγ, dβ. The quotient [L(v + h) − L(v − h)]/2h with h = 1e-6·(1 +
     * |v|) is exact for γ and β (L is linear in them) and within ~h²·L‴ + ε·|L|/h ≈ 1e-9 for x. The kernel's float dx =
     * γ/(N·σ)·(N·dy − Σdy − x̂·Σdy·x̂) cancels: it is checked within 16(N + 4)u of the magnitude of those terms.
     */
    @ParameterizedTest(name = "rows={0} width={1}")
    @MethodSource("shapes")
    void backwardMatchesFiniteDifferencesOfTheForward(int rows, int width) {
        SplittableRandom random = new SplittableRandom(rows * 1009L + width);
        Layer layer = new Layer(random, rows, width, 0.0);
        layer.forwardTraining(0.1f);
        float[] dy = new float[rows * width];
        for (int i = 0; i < dy.length; i++) dy[i] = (float) (2 * random.nextDouble() - 1);
        float[] grads = filled(layer.params.length, SENTINEL);
        float[] dx = filled(rows * width + 3, SENTINEL);
        BatchNormKernel.backward(dy, layer.xhat, layer.invStd, dx, rows, width, layer.params, layer.gammaOffset, grads,
                layer.betaOffset, false);

        double[] x = new double[rows * width], gamma = new double[width], beta = new double[width];
        for (int i = 0; i < x.length; i++) x[i] = layer.x[i];
        for (int j = 0; j < width; j++) {
            gamma[j] = layer.gamma(j);
            beta[j] = layer.beta(j);
        }
        for (int j = 0; j < width; j++) {
            double dBeta = difference(() -> weightedOutput(x, gamma, beta, dy, rows, width), beta, j);
            double dGamma = difference(() -> weightedOutput(x, gamma, beta, dy, rows, width), gamma, j);
            double sumDy = 0, sumDyXhat = 0, maxDy = 0, maxXhat = 0;
            for (int r = 0; r < rows; r++) {
                sumDy += Math.abs(dy[r * width + j]);
                sumDyXhat += Math.abs(dy[r * width + j] * layer.xhat[r * width + j]);
                maxDy = Math.max(maxDy, Math.abs(dy[r * width + j]));
                maxXhat = Math.max(maxXhat, Math.abs(layer.xhat[r * width + j]));
            }
            assertEquals(dBeta, grads[layer.betaOffset + j], (rows + 4) * U * sumDy + 1e-9, "dβ[" + j + "]");
            assertEquals(dGamma, grads[layer.gammaOffset + j], 4 * (rows + 4) * U * sumDyXhat + 1e-9, "dγ[" + j + "]");
            double terms = Math.abs(gamma[j]) * layer.invStd[j] / rows * (rows * maxDy + sumDy + maxXhat * sumDyXhat);
            for (int r = 0; r < rows; r++) {
                int i = r * width + j;
                double expected = difference(() -> weightedOutput(x, gamma, beta, dy, rows, width), x, i);
                assertEquals(expected, dx[i], 16 * (rows + 4) * U * terms + 1e-8, "dx[" + r + ", " + j + "]");
            }
        }
        assertUntouchedOutside(dx, rows * width);
        for (int i = 0; i < grads.length; i++) {
            boolean gammaOrBeta = i >= layer.gammaOffset && i < layer.gammaOffset + width || i >= layer.betaOffset && i < layer.betaOffset + width;
            if (!gammaOrBeta) assertEquals(SENTINEL, grads[i], "grads[" + i + "] is no gradient of this layer");
        }

        // accumulate: dx += the same contribution.
        float[] again = dx.clone();
        BatchNormKernel.backward(dy, layer.xhat, layer.invStd, again, rows, width, layer.params, layer.gammaOffset, grads,
                layer.betaOffset, true);
        for (int i = 0; i < rows * width; i++) assertEquals(2 * dx[i], again[i], 4 * U * Math.abs(dx[i]) + 1e-30, "accumulated dx[" + i + "]");
    }

    /** Σ dy·y for the training-mode batch norm of x, in double. */
    private static double weightedOutput(double[] x, double[] gamma, double[] beta, float[] dy, int rows, int width) {
        double total = 0;
        for (int j = 0; j < width; j++) {
            double mean = 0, var = 0;
            for (int r = 0; r < rows; r++) mean += x[r * width + j];
            mean /= rows;
            for (int r = 0; r < rows; r++) var += Math.pow(x[r * width + j] - mean, 2);
            var /= rows;
            for (int r = 0; r < rows; r++) {
                total += dy[r * width + j] * (gamma[j] * (x[r * width + j] - mean) / Math.sqrt(var + EPSILON) + beta[j]);
            }
        }
        return total;
    }

    private static double difference(java.util.function.DoubleSupplier f, double[] v, int i) {
        double saved = v[i], h = 1e-6 * (1 + Math.abs(saved));
        v[i] = saved + h;
        double plus = f.getAsDouble();
        v[i] = saved - h;
        double minus = f.getAsDouble();
        v[i] = saved;
        return (plus - minus) / (2 * h);
    }

    // ---- maxout ----

    @ParameterizedTest(name = "k={0}")
    @ValueSource(ints = {1, 2, 3, 4, 7})
    void maxoutTakesTheLargestOfEachGroupAndRoutesTheGradientToIt(int k) {
        SplittableRandom random = new SplittableRandom(k);
        int rows = 5, outWidth = 6, inWidth = outWidth * k;
        float[] x = new float[rows * inWidth];
        for (int i = 0; i < x.length; i++) x[i] = (float) (2 * random.nextDouble() - 1);
        float[] y = filled(rows * outWidth + 2, SENTINEL), argmax = filled(rows * outWidth + 2, SENTINEL);
        Maxout.forward(x, y, argmax, rows, outWidth, k);
        int[] winner = new int[rows * outWidth];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < outWidth; j++) {
                int best = 0;
                for (int i = 1; i < k; i++) if (x[r * inWidth + j * k + i] > x[r * inWidth + j * k + best]) best = i;
                winner[r * outWidth + j] = best;
                assertEquals(x[r * inWidth + j * k + best], y[r * outWidth + j], "y[" + r + ", " + j + "]");
                assertEquals(best, (int) argmax[r * outWidth + j], "the winner of [" + r + ", " + j + "]");
            }
        }
        assertUntouchedOutside(y, rows * outWidth);
        assertUntouchedOutside(argmax, rows * outWidth);

        float[] dy = new float[rows * outWidth];
        for (int i = 0; i < dy.length; i++) dy[i] = (float) (1 + random.nextDouble());
        float[] dx = filled(rows * inWidth + 2, SENTINEL);
        Maxout.backward(dy, argmax, dx, rows, outWidth, k, false);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < inWidth; c++) {
                int j = c / k, i = c % k;
                float expected = winner[r * outWidth + j] == i ? dy[r * outWidth + j] : 0f;
                assertEquals(expected, dx[r * inWidth + c], "dx[" + r + ", " + c + "]");
            }
        }
        assertUntouchedOutside(dx, rows * inWidth);
        float[] accumulated = dx.clone();
        Maxout.backward(dy, argmax, accumulated, rows, outWidth, k, true);
        for (int i = 0; i < rows * inWidth; i++) assertEquals(2 * dx[i], accumulated[i], "accumulated dx[" + i + "]");
    }

    /** A tie: the output is the tied value and the whole gradient goes to one of the tied units. */
    @Test
    void maxoutTiesSendTheGradientToOneUnit() {
        float[] x = {0.5f, 0.5f, -1f, 2f, 2f, 2f};
        float[] y = new float[2], argmax = new float[2];
        Maxout.forward(x, y, argmax, 1, 2, 3);
        assertArrayEquals(new float[] {0.5f, 2f}, y);
        float[] dx = new float[6];
        Maxout.backward(new float[] {3f, 5f}, argmax, dx, 1, 2, 3, false);
        assertEquals(3f, dx[0] + dx[1] + dx[2]);
        assertEquals(0f, dx[2], "never to a unit below the maximum");
        assertEquals(5f, dx[3] + dx[4] + dx[5]);
        assertEquals(2, Arrays.stream(new int[] {0, 1, 2, 3, 4, 5}).filter(i -> dx[i] != 0f).count());
    }

    // ---- dropout ----

    /**
     * n = 200 000 units: the fraction dropped is within 4 standard errors √(p(1 − p)/n) of p, in each half of the
     * buffer too; every kept unit is x/(1 − p) within the three float roundings of 1/(1 − p) and the product (4u).
     */
    @ParameterizedTest(name = "p={0}")
    @ValueSource(floats = {0f, 0.2f, 0.5f, 0.9f})
    void dropoutDropsAFractionPAndScalesTheRest(float p) {
        int n = 200_000;
        SplittableRandom data = new SplittableRandom(1);
        float[] x = new float[n + 2];
        for (int i = 0; i < n; i++) x[i] = (float) (0.5 + data.nextDouble()) * (data.nextBoolean() ? 1 : -1);
        float[] y = filled(n + 2, SENTINEL), mask = filled(n + 2, SENTINEL);
        Dropout.forward(x, y, mask, n, p, new SplittableRandom(42));
        double keep = 1.0 / (1.0 - p);
        int[] dropped = new int[2];
        for (int i = 0; i < n; i++) {
            if (mask[i] == 0f) {
                dropped[i < n / 2 ? 0 : 1]++;
                assertEquals(0f, Math.abs(y[i]), "a dropped unit is 0");
            } else {
                assertEquals(keep, mask[i], 2 * U * keep, "a kept unit's mask");
                assertEquals(x[i] * keep, y[i], 4 * U * Math.abs(x[i] * keep), "a kept unit is x/(1 − p)");
                assertEquals(x[i] * mask[i], y[i], "y = x·mask, the mask kept for the backward pass");
            }
        }
        double standardError = Math.sqrt(p * (1.0 - p) / (n / 2));
        for (int half = 0; half < 2; half++) {
            assertEquals(p, dropped[half] / (n / 2.0), 4 * standardError + 1e-12, "the fraction dropped in half " + half);
        }
        assertUntouchedOutside(y, n);
        assertUntouchedOutside(mask, n);

        float[] dy = new float[n];
        for (int i = 0; i < n; i++) dy[i] = (float) data.nextDouble();
        float[] dx = filled(n + 2, SENTINEL);
        Dropout.backward(dy, mask, dx, n, false);
        for (int i = 0; i < n; i++) assertEquals(dy[i] * mask[i], dx[i], "dx = dy·mask at " + i);
        assertUntouchedOutside(dx, n);
        float[] accumulated = dx.clone();
        Dropout.backward(dy, mask, accumulated, n, true);
        for (int i = 0; i < n; i++) assertEquals(dx[i] + dy[i] * mask[i], accumulated[i], "accumulated dx at " + i);
    }

    @Test
    void dropoutMasksFollowTheGenerator() {
        int n = 1000;
        float[] x = filled(n, 1f);
        float[] a = new float[n], b = new float[n], c = new float[n], y = new float[n];
        Dropout.forward(x, y, a, n, 0.5f, new SplittableRandom(9));
        Dropout.forward(x, y, b, n, 0.5f, new SplittableRandom(9));
        Dropout.forward(x, y, c, n, 0.5f, new SplittableRandom(10));
        assertArrayEquals(a, b, "the same seed, the same mask");
        assertFalse(Arrays.equals(a, c), "another seed, another mask");
        SplittableRandom shared = new SplittableRandom(9);
        float[] first = new float[n], second = new float[n];
        Dropout.forward(x, y, first, n, 0.5f, shared);
        Dropout.forward(x, y, second, n, 0.5f, shared);
        assertFalse(Arrays.equals(first, second), "successive batches draw new masks");
    }

    // ---- helpers ----

    private static float[] filled(int n, float value) {
        float[] a = new float[n];
        Arrays.fill(a, value);
        return a;
    }

    private static void assertUntouchedOutside(float[] a, int used) {
        for (int i = used; i < a.length; i++) assertEquals(SENTINEL, a[i], "element " + i + " beyond the " + used + " in use was written");
    }
}
