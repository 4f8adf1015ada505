package dev.optc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The runtime's hand-written kernels against oracles written here in double precision: naive triple loops for the
 * matrix products, the textbook formulas for activations and losses.
 *
 * <p>Tolerances. Inputs are floats, so the double oracle sees exactly the kernel's inputs; what differs is float
 * rounding inside the kernel. A float dot product of n terms is within γ_n·Σ|a_k b_k| of the exact one, γ_n ≈ n·u
 * with u = 2⁻²⁴ (Higham, Accuracy and Stability of Numerical Algorithms, 3.1); the GEMM checks use that bound, which
 * is proven for any summation order, so they cannot fail by bad luck yet catch any wrong index or missing term.
 * Element-wise kernels are checked within a few ulps of the value's scale.
 */
class KernelsTest {
    private static final double U = Math.ulp(1.0f) / 2; // float unit roundoff, 2^-24
    /** Marks array elements a kernel must not touch. */
    private static final float SENTINEL = -12345.5f;

    static Stream<Arguments> gemmShapes() {
        // rows, in, out, weight offset
        return Stream.of(
                Arguments.of(1, 1, 1, 0),
                Arguments.of(1, 1, 1, 3),
                Arguments.of(3, 5, 7, 0),
                Arguments.of(3, 5, 7, 11),
                Arguments.of(4, 3, 4, 1),   // out a multiple of the forward kernel's 4-wide unrolling
                Arguments.of(2, 6, 9, 5),   // out = 4·2 + 1: one unrolled block and a tail
                Arguments.of(17, 31, 13, 0),
                Arguments.of(17, 31, 13, 29),
                Arguments.of(127, 129, 131, 0),
                Arguments.of(127, 129, 131, 1000));
    }

    // ---- Gemm ----

    @ParameterizedTest(name = "rows={0} in={1} out={2} wOffset={3}")
    @MethodSource("gemmShapes")
    void gemmForwardIsXTimesWTransposed(int rows, int in, int out, int wOffset) {
        SplittableRandom random = new SplittableRandom(rows * 1_000_003L + in * 1009L + out + wOffset);
        float[] x = uniform(random, rows * in, 1);
        float[] w = embedded(random, wOffset, out * in, 7);
        float[] wBefore = w.clone();
        float[] y = filled(rows * out + 5, 99f); // stale values must be overwritten, the tail left alone
        Gemm.forward(x, rows, in, w, wOffset, out, y);

        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double exact = 0, magnitude = 0;
                for (int k = 0; k < in; k++) {
                    double term = (double) x[r * in + k] * w[wOffset + o * in + k];
                    exact += term;
                    magnitude += Math.abs(term);
                }
                assertWithinDotBound(exact, y[r * out + o], in, magnitude, "y[" + r + "," + o + "]");
            }
        }
        assertUntouched(y, rows * out, y.length, 99f, "y beyond rows·out");
        assertArrayEquals(wBefore, w, "the weights are read only");
    }

    @ParameterizedTest(name = "rows={0} in={1} out={2} wOffset={3}")
    @MethodSource("gemmShapes")
    void gemmBackwardInputIsDyTimesW(int rows, int in, int out, int wOffset) {
        for (boolean accumulate : new boolean[] {false, true}) {
            SplittableRandom random = new SplittableRandom(31L * rows + 17L * in + out + wOffset + (accumulate ? 1 : 0));
            float[] dy = uniform(random, rows * out, 1);
            dy[0] = 0f; // the kernel skips zero coefficients; a zero must still give the right sum
            float[] w = embedded(random, wOffset, out * in, 7);
            float[] before = uniform(random, rows * in, 1);
            float[] dx = Arrays.copyOf(before, rows * in + 3);
            Arrays.fill(dx, rows * in, dx.length, SENTINEL);
            Gemm.backwardInput(dy, rows, out, w, wOffset, in, dx, accumulate);

            for (int r = 0; r < rows; r++) {
                for (int k = 0; k < in; k++) {
                    double exact = accumulate ? before[r * in + k] : 0;
                    double magnitude = Math.abs(exact);
                    for (int o = 0; o < out; o++) {
                        double term = (double) dy[r * out + o] * w[wOffset + o * in + k];
                        exact += term;
                        magnitude += Math.abs(term);
                    }
                    assertWithinDotBound(exact, dx[r * in + k], out + 1, magnitude,
                            "dx[" + r + "," + k + "] accumulate=" + accumulate);
                }
            }
            assertUntouched(dx, rows * in, dx.length, SENTINEL, "dx beyond rows·in");
        }
    }

    @ParameterizedTest(name = "rows={0} in={1} out={2} wOffset={3}")
    @MethodSource("gemmShapes")
    void gemmBackwardWeightsIsDyTransposedTimesX(int rows, int in, int out, int dwOffset) {
        SplittableRandom random = new SplittableRandom(7L * rows + 13L * in + 19L * out + dwOffset);
        float[] dy = uniform(random, rows * out, 1);
        dy[dy.length - 1] = 0f;
        float[] x = uniform(random, rows * in, 1);
        // Stale gradients inside the slice must be overwritten; the rest of the flat buffer (other layers) kept.
        float[] dw = filled(dwOffset + out * in + 4, SENTINEL);
        Arrays.fill(dw, dwOffset, dwOffset + out * in, 42f);
        Gemm.backwardWeights(dy, rows, out, x, in, dw, dwOffset);

        for (int o = 0; o < out; o++) {
            for (int k = 0; k < in; k++) {
                double exact = 0, magnitude = 0;
                for (int r = 0; r < rows; r++) {
                    double term = (double) dy[r * out + o] * x[r * in + k];
                    exact += term;
                    magnitude += Math.abs(term);
                }
                assertWithinDotBound(exact, dw[dwOffset + o * in + k], rows, magnitude, "dW[" + o + "," + k + "]");
            }
        }
        assertUntouched(dw, 0, dwOffset, SENTINEL, "dw before the slice");
        assertUntouched(dw, dwOffset + out * in, dw.length, SENTINEL, "dw after the slice");
    }

    @Test
    void gemmOnHandComputedValues() {
        // x = [[1, 2]], W = [[3, 4], [5, 6], [7, 8]] ([out=3, in=2]): y = x·Wᵀ = [11, 17, 23]
        float[] x = {1, 2};
        float[] w = {0, 3, 4, 5, 6, 7, 8};
        float[] y = new float[3];
        Gemm.forward(x, 1, 2, w, 1, 3, y);
        assertArrayEquals(new float[] {11, 17, 23}, y);
        // dx = dy·W with dy = [1, 0, -1]: [3 − 7, 4 − 8]
        float[] dx = new float[2];
        Gemm.backwardInput(new float[] {1, 0, -1}, 1, 3, w, 1, 2, dx, false);
        assertArrayEquals(new float[] {-4, -4}, dx);
        // dW = dyᵀ·x: [[1, 2], [0, 0], [-1, -2]]
        float[] dw = new float[6];
        Gemm.backwardWeights(new float[] {1, 0, -1}, 1, 3, x, 2, dw, 0);
        assertArrayEquals(new float[] {1, 2, 0, 0, -1, -2}, dw);
    }

    // ---- Bias ----

    @Test
    void biasAddsToEveryRowAndItsGradientSumsTheColumns() {
        SplittableRandom random = new SplittableRandom(5);
        int rows = 7, width = 5, offset = 3;
        float[] b = embedded(random, offset, width, 2);
        float[] y = uniform(random, rows * width, 1);
        float[] before = y.clone();
        Bias.add(y, rows, width, b, offset);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < width; j++) {
                assertEquals((float) (before[r * width + j] + b[offset + j]), y[r * width + j], "y[" + r + "," + j + "]");
            }
        }

        float[] dy = uniform(random, rows * width, 1);
        float[] db = filled(offset + width + 2, SENTINEL);
        Arrays.fill(db, offset, offset + width, 42f); // stale
        Bias.backward(dy, rows, width, db, offset);
        for (int j = 0; j < width; j++) {
            double exact = 0, magnitude = 0;
            for (int r = 0; r < rows; r++) {
                exact += dy[r * width + j];
                magnitude += Math.abs(dy[r * width + j]);
            }
            assertWithinDotBound(exact, db[offset + j], rows, magnitude, "db[" + j + "]");
        }
        assertUntouched(db, 0, offset, SENTINEL, "db before the slice");
        assertUntouched(db, offset + width, db.length, SENTINEL, "db after the slice");
    }

    // ---- Elementwise ----

    @Test
    void elementwiseAddAndAccumulate() {
        float[] a = {1, 2, 3}, b = {10, 20, 30};
        float[] y = {0, 0, 0, SENTINEL};
        Elementwise.add(a, b, y, 3);
        assertArrayEquals(new float[] {11, 22, 33, SENTINEL}, y);
        float[] dx = {1, 1, 1, SENTINEL};
        Elementwise.accumulate(a, dx, 3, true);
        assertArrayEquals(new float[] {2, 3, 4, SENTINEL}, dx);
        Elementwise.accumulate(b, dx, 3, false);
        assertArrayEquals(new float[] {10, 20, 30, SENTINEL}, dx);
    }

    // ---- Activations ----

    private static final float ALPHA = 0.1f;

    /** The activation in double, from its definition. */
    private static double f(int kind, double x) {
        return switch (kind) {
            case Activations.RELU -> x > 0 ? x : 0;
            case Activations.LEAKY_RELU -> x > 0 ? x : ALPHA * x;
            case Activations.SIGMOID -> 1 / (1 + Math.exp(-x));
            case Activations.TANH -> Math.sinh(x) / Math.cosh(x);
            default -> throw new IllegalArgumentException();
        };
    }

    /** Its derivative in double, from the definition (not from the output): relu'(0) = 0 by convention. */
    private static double fPrime(int kind, double x) {
        return switch (kind) {
            case Activations.RELU -> x > 0 ? 1 : 0;
            case Activations.LEAKY_RELU -> x > 0 ? 1 : ALPHA;
            case Activations.SIGMOID -> Math.exp(-x) / ((1 + Math.exp(-x)) * (1 + Math.exp(-x)));
            case Activations.TANH -> 1 / (Math.cosh(x) * Math.cosh(x));
            default -> throw new IllegalArgumentException();
        };
    }

    @Test
    void elementwiseActivationsForwardAndBackward() {
        int rows = 5, width = 7;
        for (int kind : new int[] {Activations.RELU, Activations.LEAKY_RELU, Activations.SIGMOID, Activations.TANH}) {
            SplittableRandom random = new SplittableRandom(100 + kind);
            float[] x = uniform(random, rows * width, 4);
            x[0] = 0f;
            x[1] = -0f;
            x[2] = 1e-30f;
            x[3] = -1e-30f;
            float[] y = new float[rows * width];
            Activations.forward(kind, ALPHA, x, y, rows, width);
            for (int i = 0; i < x.length; i++) {
                double exact = f(kind, x[i]);
                assertEquals(exact, y[i], 2 * U * Math.max(Math.abs(exact), 1e-30), "kind " + kind + " f(" + x[i] + ")");
            }

            float[] dy = uniform(random, rows * width, 1);
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] before = uniform(random, rows * width, 1);
                float[] dx = before.clone();
                Activations.backward(kind, ALPHA, x, y, dy, dx, rows, width, accumulate);
                for (int i = 0; i < x.length; i++) {
                    double exact = (accumulate ? before[i] : 0) + dy[i] * fPrime(kind, x[i]);
                    // y is rounded to float before the derivative is formed from it: a few ulps of |dy|.
                    double tolerance = 8 * U * (Math.abs(dy[i]) + Math.abs(exact));
                    assertEquals(exact, dx[i], tolerance, "kind " + kind + " accumulate " + accumulate + " at " + x[i]);
                }
            }
        }
    }

    @Test
    void softmaxForwardAndBackwardAgainstTheJacobian() {
        int rows = 4, width = 6;
        SplittableRandom random = new SplittableRandom(77);
        float[] x = uniform(random, rows * width, 3);
        // A row of huge logits: naive exp would overflow; the stable form must not.
        for (int j = 0; j < width; j++) x[width + j] = 1000f - 2 * j;
        // A row of equal logits: uniform probabilities.
        Arrays.fill(x, 2 * width, 3 * width, -500f);
        float[] y = new float[rows * width];
        Activations.forward(Activations.SOFTMAX, 0f, x, y, rows, width);
        double[] exact = new double[rows * width];
        for (int r = 0; r < rows; r++) {
            double[] p = softmax(x, r * width, width);
            System.arraycopy(p, 0, exact, r * width, width);
            double sum = 0;
            for (int j = 0; j < width; j++) {
                // x − max is rounded to float in the kernel: up to ½ulp(|x − max|) ≤ 4u for these logits, amplified by exp.
                assertEquals(p[j], y[r * width + j], 16 * U * Math.max(p[j], 1e-30), "softmax[" + r + "," + j + "]");
                sum += y[r * width + j];
            }
            assertEquals(1.0, sum, 1e-6, "row " + r + " sums to one");
        }
        assertEquals(1.0 / width, y[2 * width], 1e-7);

        float[] dy = uniform(random, rows * width, 1);
        for (boolean accumulate : new boolean[] {false, true}) {
            float[] before = uniform(random, rows * width, 1);
            float[] dx = before.clone();
            Activations.backward(Activations.SOFTMAX, 0f, x, y, dy, dx, rows, width, accumulate);
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < width; i++) {
                    // dx_i = Σ_j ∂y_j/∂x_i dy_j with ∂y_j/∂x_i = y_j (δ_ij − y_i)
                    double v = accumulate ? before[r * width + i] : 0, magnitude = Math.abs(v);
                    for (int j = 0; j < width; j++) {
                        double pj = exact[r * width + j], pi = exact[r * width + i];
                        double term = pj * ((i == j ? 1 : 0) - pi) * dy[r * width + j];
                        v += term;
                        magnitude += Math.abs(pj * dy[r * width + j]) * (1 + pi);
                    }
                    assertEquals(v, dx[r * width + i], 32 * U * magnitude + 1e-30,
                            "softmax dx[" + r + "," + i + "] accumulate " + accumulate);
                }
            }
        }
    }

    // ---- Losses ----

    @Test
    void softmaxCrossEntropyMatchesTheDefinition() {
        int rows = 6, classes = 5;
        SplittableRandom random = new SplittableRandom(3);
        float[] logits = uniform(random, rows * classes, 4);
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) labels[r] = random.nextInt(classes);
        float[] grad = filled(rows * classes, 99f);
        double loss = Losses.softmaxCrossEntropy(logits, labels, rows, classes, grad);

        double expected = 0;
        for (int r = 0; r < rows; r++) {
            // −log(exp(z_y) / Σ exp(z_j)), directly: these logits are small enough not to overflow
            double sum = 0;
            for (int j = 0; j < classes; j++) sum += Math.exp(logits[r * classes + j]);
            expected += -Math.log(Math.exp(logits[r * classes + labels[r]]) / sum);
            for (int j = 0; j < classes; j++) {
                double p = Math.exp(logits[r * classes + j]) / sum;
                double g = (p - (j == labels[r] ? 1 : 0)) / rows;
                // z − max is rounded to float in the kernel (≤ ½ulp(8) = 8u here), so p carries ~8u relative error.
                assertEquals(g, grad[r * classes + j], 16 * U / rows, "dL/dz[" + r + "," + j + "]");
            }
        }
        assertEquals(expected / rows, loss, 1e-6 * Math.abs(expected / rows));
        assertEquals(loss, Losses.softmaxCrossEntropy(logits, labels, rows, classes, null), "no gradient wanted");
    }

    @Test
    void softmaxCrossEntropyIsStableForHugeLogits() {
        // Row 0: z = [1000, 0, -1000], label 1. L = log(e^1000 + 1 + e^-1000) − 0 = 1000 + log(1 + e^-1000 + e^-2000).
        // Row 1: z = [1000, 999, 998], label 0. L = log(1 + e^-1 + e^-2).
        // Row 2: z = [-1000, -1000, -1000], label 2. L = log 3.
        float[] logits = {1000, 0, -1000, 1000, 999, 998, -1000, -1000, -1000};
        int[] labels = {1, 0, 2};
        float[] grad = new float[9];
        double loss = Losses.softmaxCrossEntropy(logits, labels, 3, 3, grad);
        double row1 = Math.log(1 + Math.exp(-1) + Math.exp(-2));
        double expected = (1000 + row1 + Math.log(3)) / 3;
        assertEquals(expected, loss, 1e-12 * expected);
        for (float g : grad) assertTrue(Float.isFinite(g), "finite gradient: " + Arrays.toString(grad));
        double z1 = 1 + Math.exp(-1) + Math.exp(-2);
        double[] expectedGrad = {
                1.0 / 3, -1.0 / 3, 0,
                (1 / z1 - 1) / 3, Math.exp(-1) / z1 / 3, Math.exp(-2) / z1 / 3,
                1.0 / 9, 1.0 / 9, (1.0 / 3 - 1) / 3};
        for (int i = 0; i < 9; i++) assertEquals(expectedGrad[i], grad[i], 1e-7, "dL/dz[" + i + "]");
    }

    @Test
    void meanSquaredErrorAgainstOneHotTargets() {
        int rows = 4, width = 3;
        SplittableRandom random = new SplittableRandom(9);
        float[] out = uniform(random, rows * width, 2);
        int[] labels = {0, 2, 1, 2};
        float[] grad = filled(rows * width, 99f);
        double loss = Losses.meanSquaredError(out, labels, rows, width, grad);
        double expected = 0;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < width; j++) {
                double t = j == labels[r] ? 1 : 0;
                double d = out[r * width + j] - t;
                expected += d * d;
                assertEquals(2 * d / (rows * width), grad[r * width + j], 2 * U * Math.abs(2 * d / (rows * width)) + 1e-30);
            }
        }
        expected /= rows * width;
        assertEquals(expected, loss, 1e-12 * expected);
        assertEquals(loss, Losses.meanSquaredError(out, labels, rows, width, null), "no gradient wanted");
        // By hand: outputs [[1, 0], [0, 0]], labels [0, 1] → errors 0, 0, 0, −1 → L = 1/4, dL/dy[1,1] = −2/4.
        float[] g = new float[4];
        assertEquals(0.25, Losses.meanSquaredError(new float[] {1, 0, 0, 0}, new int[] {0, 1}, 2, 2, g));
        assertArrayEquals(new float[] {0, 0, 0, -0.5f}, g);
    }

    // ---- helpers ----

    /** |computed − exact| ≤ γ_n·Σ|terms| with γ_n = n·u / (1 − n·u), plus the final rounding to float. */
    private static void assertWithinDotBound(double exact, float computed, int n, double magnitude, String what) {
        double gamma = n * U / (1 - n * U);
        double bound = gamma * magnitude + U * Math.abs(exact) + Double.MIN_NORMAL;
        if (!(Math.abs(computed - exact) <= bound)) {
            fail(what + ": expected " + exact + " but got " + computed + " (error " + Math.abs(computed - exact)
                    + " > bound " + bound + ")");
        }
    }

    private static void assertUntouched(float[] a, int from, int to, float value, String what) {
        for (int i = from; i < to; i++) assertEquals(value, a[i], what + " at " + i + " was written");
    }

    private static double[] softmax(float[] x, int from, int width) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < width; j++) max = Math.max(max, x[from + j]);
        double sum = 0;
        double[] p = new double[width];
        for (int j = 0; j < width; j++) sum += p[j] = Math.exp(x[from + j] - max);
        for (int j = 0; j < width; j++) p[j] /= sum;
        return p;
    }

    private static float[] uniform(SplittableRandom random, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((2 * random.nextDouble() - 1) * scale);
        return a;
    }

    /** {@code n} random values at {@code offset} in a larger array whose other elements are sentinels. */
    private static float[] embedded(SplittableRandom random, int offset, int n, int after) {
        float[] a = filled(offset + n + after, SENTINEL);
        System.arraycopy(uniform(random, n, 1), 0, a, offset, n);
        return a;
    }

    private static float[] filled(int n, float value) {
        float[] a = new float[n];
        Arrays.fill(a, value);
        return a;
    }
}
