package dev.optc.runtime.init;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stated distributions checked by their moments on large matrices. Bounds are in standard errors of the estimate,
 * wide enough (4 to 5) that a correct initializer fails about once in a hundred thousand seeds; the seeds are fixed, so
 * a run either always passes or always fails.
 */
class InitializersTest {

    /** W [out, in] with out ≠ in, so a swapped fan-in and fan-out changes every expected variance. */
    private static final int OUT = 256;
    private static final int IN = 1024;

    private static float[] fill(String kind, double parameter, int rows, int cols, long seed) {
        float[] w = new float[rows * cols];
        Initializers.fill(kind, parameter, w, 0, rows, cols, new SplittableRandom(seed));
        return w;
    }

    /**
     * @param variance the stated variance, from the formulas: U(−a, a) has a²/3
     * @param limit    the uniform's bound a, or 0 for a normal
     */
    @ParameterizedTest
    @CsvSource({
            "glorot_uniform, 0.0015625,      0.0684653197",  // a = √(6/(1024+256)), a²/3 = 2/1280
            "he_uniform,     0.001953125,    0.0765465544",  // a = √(6/1024)
            "uniform_fan_in, 0.000325520833, 0.03125",       // a = 1/√1024
            "glorot_normal,  0.0015625,      0",             // 2/(1024+256)
            "he_normal,      0.001953125,    0",             // 2/1024
    })
    void momentsMatchTheStatedDistribution(String kind, double variance, double limit) {
        float[] w = fill(kind, 0, OUT, IN, 42);
        int n = w.length;
        double mean = 0;
        for (float v : w) mean += v;
        mean /= n;
        double sumSquares = 0;
        for (float v : w) sumSquares += (v - mean) * (v - mean);
        double sampleVariance = sumSquares / (n - 1);
        double sd = Math.sqrt(variance);
        assertTrue(Math.abs(mean) < 4 * sd / Math.sqrt(n), kind + ": mean " + mean);
        // Var(s²) ≈ σ⁴(κ − 1)/n with kurtosis κ = 3 for a normal, 9/5 for a uniform.
        double kurtosis = limit > 0 ? 1.8 : 3.0;
        double varianceError = variance * Math.sqrt((kurtosis - 1) / n);
        assertTrue(Math.abs(sampleVariance - variance) < 5 * varianceError,
                kind + ": variance " + sampleVariance + ", stated " + variance + " ± " + varianceError);
        if (limit > 0) {
            float max = 0;
            for (float v : w) max = Math.max(max, Math.abs(v));
            assertTrue(max <= (float) limit, kind + ": |w| up to " + max + " beyond " + limit);
            assertTrue(max > 0.999 * limit, kind + ": |w| only up to " + max + " of " + limit);
        } else {
            // The shape, not only the variance: a uniform of the same variance has 57.7% within one sd, and no tail.
            assertFraction(w, sd, 0.682689492, kind + " within 1 sd");
            assertFraction(w, 3 * sd, 0.997300204, kind + " within 3 sd");
        }
    }

    private static void assertFraction(float[] w, double bound, double expected, String what) {
        int inside = 0;
        for (float v : w) if (Math.abs(v) <= bound) inside++;
        double fraction = (double) inside / w.length;
        double error = Math.sqrt(expected * (1 - expected) / w.length);
        assertTrue(Math.abs(fraction - expected) < 5 * error, what + ": " + fraction + ", expected " + expected);
    }

    @Test
    void glorotUniformDrawsAsItAlwaysHas() {
        // Changing this stream would change every trained model's weights for a given seed.
        float[] w = new float[6];
        Initializers.fill("glorot_uniform", w, 0, 6, 3, 2, new SplittableRandom(7));
        SplittableRandom r = new SplittableRandom(7);
        double limit = Math.sqrt(6.0 / 5);
        for (float v : w) assertEquals((float) ((2 * r.nextDouble() - 1) * limit), v);
    }

    @ParameterizedTest
    @ValueSource(strings = {"glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "uniform_fan_in", "orthogonal"})
    void bothOverloadsAgreeOnFans(String kind) {
        // W [rows, cols]: fan-in is cols, fan-out rows.
        float[] a = new float[12 * 5];
        Initializers.fill(kind, a, 0, a.length, 5, 12, new SplittableRandom(3));
        assertArrayEquals(a, fill(kind, 1.0, 12, 5, 3));
    }

    @ParameterizedTest
    @CsvSource({"512, 512, 1", "300, 120, 2", "120, 300, 0.5"})
    void orthogonalIsOrthonormalTimesGain(int rows, int cols, double gain) {
        float[] w = fill("orthogonal", gain, rows, cols, 11);
        // Gram matrix of the shorter side: WᵀW (cols × cols) for tall or square W, WWᵀ (rows × rows) for wide W.
        boolean wide = rows < cols;
        int k = Math.min(rows, cols);
        int along = Math.max(rows, cols);
        double worst = 0;
        for (int a = 0; a < k; a++) {
            for (int b = a; b < k; b++) {
                double dot = 0;
                for (int i = 0; i < along; i++) {
                    dot += wide ? (double) w[a * cols + i] * w[b * cols + i] : (double) w[i * cols + a] * w[i * cols + b];
                }
                worst = Math.max(worst, Math.abs(dot - (a == b ? gain * gain : 0)));
            }
        }
        assertTrue(worst < 1e-4 * gain * gain, "Gram matrix off gain²·I by " + worst);
    }

    @Test
    void orthogonalIsHaarDistributed() {
        // Over O(3) with Haar measure every entry has mean 0 and variance 1/3, and det = ±1 equally often. Without the
        // sign correction by diag(R), Householder's Q has W[0][0] < 0 always.
        int trials = 4000;
        double[] sum = new double[9];
        double[] squares = new double[9];
        int positiveCorner = 0;
        int positiveDeterminant = 0;
        for (int t = 0; t < trials; t++) {
            float[] w = fill("orthogonal", 1, 3, 3, 1000 + t);
            for (int i = 0; i < 9; i++) {
                sum[i] += w[i];
                squares[i] += w[i] * w[i];
            }
            if (w[0] > 0) positiveCorner++;
            double det = w[0] * (w[4] * w[8] - w[5] * w[7]) - w[1] * (w[3] * w[8] - w[5] * w[6]) + w[2] * (w[3] * w[7] - w[4] * w[6]);
            if (det > 0) positiveDeterminant++;
        }
        double meanError = Math.sqrt(1.0 / 3 / trials);
        for (int i = 0; i < 9; i++) {
            assertTrue(Math.abs(sum[i] / trials) < 5 * meanError, "entry " + i + " mean " + sum[i] / trials);
            // E w⁴ = 1/5 on the sphere S², so Var(w²) = 1/5 − 1/9.
            assertTrue(Math.abs(squares[i] / trials - 1.0 / 3) < 5 * Math.sqrt((0.2 - 1.0 / 9) / trials), "entry " + i + " mean square");
        }
        double halfError = Math.sqrt(0.25 / trials);
        assertTrue(Math.abs(positiveCorner / (double) trials - 0.5) < 5 * halfError, "W[0][0] > 0 in " + positiveCorner);
        assertTrue(Math.abs(positiveDeterminant / (double) trials - 0.5) < 5 * halfError, "det > 0 in " + positiveDeterminant);
    }

    @Test
    void sparseHasExactlyKNonZerosPerRowDrawnFromAUnitNormal() {
        int rows = 200;
        int cols = 300;
        int k = 15;
        float[] w = new float[rows * cols];
        Arrays.fill(w, 7f); // what was there before must not survive
        Initializers.fill("sparse", k, w, 0, rows, cols, new SplittableRandom(5));
        double sum = 0;
        double sumSquares = 0;
        for (int r = 0; r < rows; r++) {
            int nonZero = 0;
            for (int c = 0; c < cols; c++) {
                float v = w[r * cols + c];
                if (v != 0) {
                    nonZero++;
                    sum += v;
                    sumSquares += v * v;
                }
            }
            assertEquals(k, nonZero, "row " + r);
        }
        int n = rows * k;
        assertTrue(Math.abs(sum / n) < 4 / Math.sqrt(n), "mean " + sum / n);
        assertTrue(Math.abs(sumSquares / n - 1) < 5 * Math.sqrt(2.0 / n), "mean square " + sumSquares / n);
    }

    @Test
    void sparsePositionsAreUniform() {
        // Each column is picked with probability k/in in each row: a binomial count per column.
        int rows = 2000;
        int cols = 50;
        int k = 5;
        float[] w = fill("sparse", k, rows, cols, 9);
        double p = (double) k / cols;
        double expected = rows * p;
        double sd = Math.sqrt(rows * p * (1 - p));
        for (int c = 0; c < cols; c++) {
            int hits = 0;
            for (int r = 0; r < rows; r++) if (w[r * cols + c] != 0) hits++;
            assertTrue(Math.abs(hits - expected) < 5 * sd, "column " + c + " hit " + hits + " times, expected " + expected);
        }
    }

    @Test
    void sparseWithKEqualToFanInFillsEveryWeight() {
        for (float v : fill("sparse", 4, 3, 4, 1)) assertTrue(v != 0);
    }

    @Test
    void constantFillsItsSliceExactly() {
        float[] w = new float[5];
        Initializers.fill("constant", 0.1, w, 1, 1, 3, new SplittableRandom(0));
        assertArrayEquals(new float[] {0, 0.1f, 0.1f, 0.1f, 0}, w);
    }

    @ParameterizedTest
    @CsvSource({"glorot_uniform, 0", "glorot_normal, 0", "he_uniform, 0", "he_normal, 0", "uniform_fan_in, 0",
            "orthogonal, 1.5", "sparse, 3"})
    void sameSeedSameWeightsOtherSeedOtherWeightsAndOnlyTheSlice(String kind, double parameter) {
        int rows = 7;
        int cols = 9;
        float[] a = new float[rows * cols + 6];
        float[] b = new float[rows * cols + 6];
        float[] c = new float[rows * cols + 6];
        Arrays.fill(a, -99f);
        Arrays.fill(b, -99f);
        Arrays.fill(c, -99f);
        Initializers.fill(kind, parameter, a, 3, rows, cols, new SplittableRandom(123));
        Initializers.fill(kind, parameter, b, 3, rows, cols, new SplittableRandom(123));
        Initializers.fill(kind, parameter, c, 3, rows, cols, new SplittableRandom(124));
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c), "seed 124 gave seed 123's weights");
        for (int i : new int[] {0, 1, 2, a.length - 3, a.length - 2, a.length - 1}) assertEquals(-99f, a[i], "outside the slice: " + i);
        for (int i = 3; i < 3 + rows * cols; i++) assertTrue(a[i] != -99f, "inside the slice: " + i);
    }

    private static String error(String kind, double parameter, int rows, int cols) {
        float[] w = new float[Math.max(0, rows * cols)];
        return assertThrows(IllegalArgumentException.class,
                () -> Initializers.fill(kind, parameter, w, 0, rows, cols, new SplittableRandom(0))).getMessage();
    }

    @Test
    void badParametersAreClearErrors() {
        assertEquals("sparse: k must be a whole number from 1 to the fan-in 4, got 5.0", error("sparse", 5, 3, 4));
        assertEquals("sparse: k must be a whole number from 1 to the fan-in 4, got 0.0", error("sparse", 0, 3, 4));
        assertEquals("sparse: k must be a whole number from 1 to the fan-in 4, got 2.5", error("sparse", 2.5, 3, 4));
        assertEquals("sparse: k must be a whole number from 1 to the fan-in 4, got NaN", error("sparse", Double.NaN, 3, 4));
        assertEquals("orthogonal: gain must be positive and finite, got 0.0", error("orthogonal", 0, 3, 4));
        assertEquals("orthogonal: gain must be positive and finite, got Infinity", error("orthogonal", Double.POSITIVE_INFINITY, 3, 4));
        assertEquals("orthogonal: gain must be positive and finite, got NaN", error("orthogonal", Double.NaN, 3, 4));
        assertEquals("constant: value must be a finite float, got 1.0E300", error("constant", 1e300, 1, 4));
        assertEquals("unknown initialization xavier; known: glorot_uniform, glorot_normal, he_uniform, he_normal, uniform_fan_in, "
                + "orthogonal, sparse, constant, lsuv", error("xavier", 0, 2, 2));
        assertEquals("he_uniform: negative shape [-1, 3]", error("he_uniform", 0, -1, 3));
    }

    @Test
    void theOldOverloadSaysWhatItCannotDo() {
        float[] w = new float[12];
        SplittableRandom r = new SplittableRandom(0);
        assertEquals("sparse needs its parameter (k): use fill(kind, parameter, ...)",
                assertThrows(IllegalArgumentException.class, () -> Initializers.fill("sparse", w, 0, 12, 4, 3, r)).getMessage());
        assertEquals("orthogonal needs a whole [3, 4] matrix, got 10 values",
                assertThrows(IllegalArgumentException.class, () -> Initializers.fill("orthogonal", w, 0, 10, 4, 3, r)).getMessage());
        assertEquals("slice [8, 20) is outside a buffer of 12",
                assertThrows(IllegalArgumentException.class, () -> Initializers.fill("he_normal", w, 8, 12, 4, 3, r)).getMessage());
        assertEquals("he_normal: fan-in must be positive, got 0",
                assertThrows(IllegalArgumentException.class, () -> Initializers.fill("he_normal", w, 0, 12, 0, 3, r)).getMessage());
    }

    @Test
    void takesParameterNamesTheKindsThatReadIt() {
        for (String kind : Initializers.KINDS) {
            assertEquals(kind.equals("orthogonal") || kind.equals("sparse") || kind.equals("constant"), Initializers.takesParameter(kind), kind);
        }
    }
}
