package dev.optc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.optc.runtime.vector.VectorReductions;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Σ x² against a plain double loop. The inputs are floats, so the oracle sees exactly the kernel's inputs and each
 * square (x² of a float is exact in double) is summed in double, with a relative error of n·2⁻⁵³ ≈ 1e-10 at most
 * for n = 10⁶. The scalar kernel sums in double too; the vector kernel keeps float lane sums over blocks of 4096
 * elements, each lane summing at most 4096/(4·lanes) ≤ 256 positive terms, so its relative error is at most
 * 256·2⁻²⁴ ≈ 1.5e-5 in the worst case and ~√256·2⁻²⁴ ≈ 1e-6 with random rounding errors; over a whole buffer those
 * average further (measured with 16 lanes: 1.2e-7 at most, at n = 4096). So 1e-6 relative holds for both with
 * this data, and a lost or doubled element fails for every size up to 4097 (one x² is ~1e-4 of the sum there); at
 * n = 10⁶ one element is only ~1e-6 of the sum, so that size checks accuracy and whole blocks rather than single ones.
 * Sizes hit every tail: 0, 1, below, at and above multiples of 16 and 64 (4 accumulators of up to 16 lanes), the
 * 4096 block, and a large prime.
 */
class ReductionsTest {
    private static final double RELATIVE = 1e-6;

    static IntStream sizes() {
        return IntStream.of(0, 1, 15, 16, 17, 63, 64, 65, 4095, 4096, 4097, 1000003);
    }

    private static float[] data(int n) {
        SplittableRandom random = new SplittableRandom(n * 31L + 7);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) random.nextDouble(-1, 1);
        return x;
    }

    private static double oracle(float[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += (double) x[i] * (double) x[i];
        return s;
    }

    @ParameterizedTest(name = "n = {0}")
    @MethodSource("sizes")
    void scalarSumOfSquares(int n) {
        float[] x = data(n);
        double expected = oracle(x, 0, n);
        assertEquals(expected, Reductions.scalarSumOfSquares(x, 0, n), RELATIVE * expected, "n = " + n);
    }

    /** A sub-range: nothing outside [from, to) counts. */
    @ParameterizedTest(name = "n = {0}")
    @MethodSource("sizes")
    void scalarSumOfSquaresOfARange(int n) {
        float[] x = data(n + 10);
        double expected = oracle(x, 3, n + 3);
        assertEquals(expected, Reductions.scalarSumOfSquares(x, 3, n + 3), RELATIVE * expected, "n = " + n);
    }

    @ParameterizedTest(name = "n = {0}")
    @MethodSource("sizes")
    void vectorSumOfSquares(int n) {
        assumeTrue(Backend.vectorUnavailableReason() == null, Backend.vectorUnavailableReason());
        float[] x = data(n);
        double expected = oracle(x, 0, n);
        assertEquals(expected, VectorReductions.sumOfSquares(x), RELATIVE * expected, "n = " + n);
    }

    /** The selected backend's entry point, which clipping by norm calls. */
    @ParameterizedTest(name = "n = {0}")
    @MethodSource("sizes")
    void selectedSumOfSquares(int n) {
        float[] x = data(n);
        double expected = oracle(x, 0, n);
        assertEquals(expected, Reductions.sumOfSquares(x), RELATIVE * expected, "n = " + n + " on " + Backend.selected());
    }

    /**
     * "Σ x², in double": values whose squares overflow float (|x| > ~1.8e19, as exploding gradients are) or underflow
     * it (|x| < ~1e-23) are still summed correctly in double. Sizes from 64 up take the vector path.
     */
    @ParameterizedTest(name = "scale {0}")
    @ValueSource(doubles = {1e20, 1e30})
    void squaresOutsideTheFloatRange(double scale) {
        for (int n : new int[] {64, 4097}) {
            float[] x = data(n);
            for (int i = 0; i < n; i++) x[i] = (float) (x[i] * scale);
            double expected = oracle(x, 0, n);
            assertEquals(expected, Reductions.scalarSumOfSquares(x, 0, n), RELATIVE * expected, "scalar, n = " + n);
            if (Backend.vectorUnavailableReason() == null) {
                assertEquals(expected, VectorReductions.sumOfSquares(x), RELATIVE * expected, "vector, n = " + n);
            }
        }
    }
}
