package dev.optc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.optc.runtime.parallel.Workers;
import dev.optc.runtime.vector.VectorGemm;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The three products of {@link Gemm} — through the dispatch, the scalar reference and the blocked vector GEMM —
 * against naive triple loops in double.
 *
 * <p>Tolerance. The inputs are floats, so the double oracle sees exactly what the kernels see, and its own error
 * (k·2⁻⁵³ relative) is negligible. A float dot product of n terms, summed in any order, with or without FMA, is within
 * γ_n·Σ|a_k b_k| of the exact one, γ_n = n·u / (1 − n·u), u = 2⁻²⁴ (Higham, Accuracy and Stability of Numerical
 * Algorithms, 2nd ed., 3.1). The vector GEMM computes each element as one FMA chain over k, the scalar one as a
 * chain of products and adds; accumulating into dx adds one more term, the old value. So each kernel is checked
 * against that bound, and vector against scalar within twice it (both are within it of the same exact value). The
 * bound is proven, so these tests cannot fail by bad luck, yet a wrong index or a lost term is far outside it.
 *
 * <p>Shapes are rows × in × out: the tiny ones, one past each tile and vector edge, more than one block of k, rows and
 * columns, and the MLP of the digits sample.
 */
class GemmTest {
    private static final double U = Math.ulp(1.0f) / 2; // 2^-24
    /** Marks array elements a kernel must not touch. */
    private static final float SENTINEL = -12345.5f;
    private static final int W_OFFSET = 37, DW_OFFSET = 53, TAIL = 5;
    private static final int THREADS = Workers.threads();

    enum Product { FORWARD, BACKWARD_INPUT, BACKWARD_INPUT_ACCUMULATE, BACKWARD_WEIGHTS }

    enum Implementation { DISPATCH, SCALAR, VECTOR }

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(1, 1, 1),
                Arguments.of(3, 5, 7),
                Arguments.of(12, 16, 32),     // forward: exactly one 12 × 32 tile
                Arguments.of(13, 17, 33),     // forward: one row and one column past it
                Arguments.of(25, 300, 50),    // forward: k in two blocks
                Arguments.of(5, 20, 2100),    // forward: two column blocks; dx: k in nine blocks; dW: nine row blocks
                Arguments.of(127, 129, 131),
                Arguments.of(256, 784, 128),
                Arguments.of(128, 784, 256),  // the MLP: 784 → 256 → 128 → 10, batch 128
                Arguments.of(128, 256, 128),
                Arguments.of(128, 128, 10));
    }

    static Stream<Arguments> cases() {
        return shapes().flatMap(shape -> Stream.of(Product.values())
                .map(product -> Arguments.of(product, shape.get()[0], shape.get()[1], shape.get()[2])));
    }

    /** The cases big enough to be split across threads. */
    static Stream<Arguments> parallelCases() {
        return cases().filter(c -> {
            Object[] a = c.get();
            return (long) (int) a[1] * (int) a[2] * (int) a[3] >= VectorGemm.PARALLEL_MIN;
        });
    }

    @AfterEach
    void restoreThreads() {
        Workers.setThreads(THREADS);
    }

    @ParameterizedTest(name = "{0} rows={1} in={2} out={3}")
    @MethodSource("cases")
    void eachImplementationIsWithinTheDotProductBound(Product product, int rows, int in, int out) {
        Inputs inputs = new Inputs(product, rows, in, out);
        Oracle oracle = new Oracle(inputs);
        for (Implementation implementation : Implementation.values()) {
            if (implementation == Implementation.VECTOR && !vectorAvailable()) continue;
            float[] result = inputs.run(implementation);
            oracle.check(result, implementation.toString());
            inputs.assertOnlyOutputWritten(result, implementation.toString());
        }
    }

    @ParameterizedTest(name = "{0} rows={1} in={2} out={3}")
    @MethodSource("cases")
    void vectorAgreesWithScalar(Product product, int rows, int in, int out) {
        assumeTrue(vectorAvailable(), Backend::vectorUnavailableReason);
        Inputs inputs = new Inputs(product, rows, in, out);
        Oracle oracle = new Oracle(inputs);
        float[] scalar = inputs.run(Implementation.SCALAR);
        float[] vector = inputs.run(Implementation.VECTOR);
        for (int e = 0; e < oracle.exact.length; e++) {
            int at = inputs.outputOffset() + e;
            double bound = 2 * gamma(oracle.terms) * oracle.magnitude[e];
            if (!(Math.abs((double) vector[at] - scalar[at]) <= bound)) {
                fail("element " + e + ": vector " + vector[at] + ", scalar " + scalar[at] + ", allowed ±" + bound);
            }
        }
    }

    /**
     * The same call gives the same bits every time, on one thread and on two; and since every element is one fixed
     * chain of operations wherever it is computed, the thread count does not change them either.
     */
    @ParameterizedTest(name = "{0} rows={1} in={2} out={3}")
    @MethodSource("parallelCases")
    void vectorIsBitIdenticalRunToRunAndAcrossThreadCounts(Product product, int rows, int in, int out) {
        assumeTrue(vectorAvailable(), Backend::vectorUnavailableReason);
        Inputs inputs = new Inputs(product, rows, in, out);
        Workers.setThreads(1);
        float[] one = inputs.run(Implementation.VECTOR);
        assertArrayEquals(one, inputs.run(Implementation.VECTOR), "1 thread, second call");
        Workers.setThreads(2);
        float[] two = inputs.run(Implementation.VECTOR);
        assertArrayEquals(two, inputs.run(Implementation.VECTOR), "2 threads, second call");
        assertArrayEquals(one, two, "1 thread against 2");
    }

    private static boolean vectorAvailable() {
        return Backend.vectorUnavailableReason() == null && VectorGemm.supported();
    }

    private static double gamma(int n) {
        return n * U / (1 - n * U);
    }

    /** Random operands of one product, in arrays with offsets and sentinels around the output. */
    private static final class Inputs {
        final Product product;
        final int rows, in, out;
        final float[] x, w, dy, dxBefore;

        Inputs(Product product, int rows, int in, int out) {
            this.product = product;
            this.rows = rows;
            this.in = in;
            this.out = out;
            SplittableRandom random = new SplittableRandom(rows * 1_000_003L + in * 1009L + out * 31L + product.ordinal());
            x = uniform(random, 0, rows * in, 1);
            w = uniform(random, W_OFFSET, out * in, 0.1); // sentinels around W, so a stray read shows
            dy = uniform(random, 0, rows * out, 1);
            dy[0] = 0f; // the scalar kernels skip zero coefficients; every kernel must still sum right
            dxBefore = uniform(random, 0, rows * in, 1);
        }

        /** The output array after the product, sentinels and all. */
        float[] run(Implementation implementation) {
            float[] x = this.x.clone(), w = this.w.clone(), dy = this.dy.clone();
            float[] result;
            switch (product) {
                case FORWARD -> {
                    result = filled(rows * out + TAIL, 99f); // stale values must be overwritten
                    Arrays.fill(result, rows * out, result.length, SENTINEL);
                    switch (implementation) {
                        case DISPATCH -> Gemm.forward(x, rows, in, w, W_OFFSET, out, result);
                        case SCALAR -> ScalarGemm.forward(x, rows, in, w, W_OFFSET, out, result);
                        case VECTOR -> VectorGemm.forward(x, rows, in, w, W_OFFSET, out, result);
                    }
                }
                case BACKWARD_INPUT, BACKWARD_INPUT_ACCUMULATE -> {
                    boolean accumulate = product == Product.BACKWARD_INPUT_ACCUMULATE;
                    result = Arrays.copyOf(dxBefore, rows * in + TAIL);
                    Arrays.fill(result, rows * in, result.length, SENTINEL);
                    switch (implementation) {
                        case DISPATCH -> Gemm.backwardInput(dy, rows, out, w, W_OFFSET, in, result, accumulate);
                        case SCALAR -> ScalarGemm.backwardInput(dy, rows, out, w, W_OFFSET, in, result, accumulate);
                        case VECTOR -> VectorGemm.backwardInput(dy, rows, out, w, W_OFFSET, in, result, accumulate);
                    }
                }
                case BACKWARD_WEIGHTS -> {
                    // Stale gradients in the slice must be overwritten, the rest of the flat buffer kept.
                    result = filled(DW_OFFSET + out * in + TAIL, SENTINEL);
                    Arrays.fill(result, DW_OFFSET, DW_OFFSET + out * in, 42f);
                    switch (implementation) {
                        case DISPATCH -> Gemm.backwardWeights(dy, rows, out, x, in, result, DW_OFFSET);
                        case SCALAR -> ScalarGemm.backwardWeights(dy, rows, out, x, in, result, DW_OFFSET);
                        case VECTOR -> VectorGemm.backwardWeights(dy, rows, out, x, in, result, DW_OFFSET);
                    }
                }
                default -> throw new AssertionError(product);
            }
            assertArrayEquals(this.x, x, "x is read only");
            assertArrayEquals(this.w, w, "w is read only");
            assertArrayEquals(this.dy, dy, "dy is read only");
            return result;
        }

        int outputOffset() {
            return product == Product.BACKWARD_WEIGHTS ? DW_OFFSET : 0;
        }

        int outputLength() {
            return switch (product) {
                case FORWARD -> rows * out;
                case BACKWARD_INPUT, BACKWARD_INPUT_ACCUMULATE -> rows * in;
                case BACKWARD_WEIGHTS -> out * in;
            };
        }

        void assertOnlyOutputWritten(float[] result, String what) {
            int from = outputOffset(), to = from + outputLength();
            for (int i = 0; i < result.length; i++) {
                if ((i < from || i >= to) && result[i] != SENTINEL) {
                    fail(what + ": element " + i + " outside the output [" + from + ", " + to + ") was written");
                }
            }
        }
    }

    /** The exact products in double, with Σ|terms| per element and the number of terms. */
    private static final class Oracle {
        final double[] exact, magnitude;
        final int terms;
        private final int offset;

        Oracle(Inputs p) {
            offset = p.outputOffset();
            exact = new double[p.outputLength()];
            magnitude = new double[exact.length];
            switch (p.product) {
                case FORWARD -> {
                    terms = p.in;
                    for (int r = 0; r < p.rows; r++) {
                        for (int o = 0; o < p.out; o++) {
                            double s = 0, m = 0;
                            for (int k = 0; k < p.in; k++) {
                                double t = (double) p.x[r * p.in + k] * p.w[W_OFFSET + o * p.in + k];
                                s += t;
                                m += Math.abs(t);
                            }
                            exact[r * p.out + o] = s;
                            magnitude[r * p.out + o] = m;
                        }
                    }
                }
                case BACKWARD_INPUT, BACKWARD_INPUT_ACCUMULATE -> {
                    boolean accumulate = p.product == Product.BACKWARD_INPUT_ACCUMULATE;
                    terms = p.out + (accumulate ? 1 : 0);
                    for (int r = 0; r < p.rows; r++) {
                        double[] s = new double[p.in], m = new double[p.in];
                        if (accumulate) {
                            for (int k = 0; k < p.in; k++) {
                                s[k] = p.dxBefore[r * p.in + k];
                                m[k] = Math.abs(s[k]);
                            }
                        }
                        for (int o = 0; o < p.out; o++) {
                            double d = p.dy[r * p.out + o];
                            for (int k = 0; k < p.in; k++) {
                                double t = d * p.w[W_OFFSET + o * p.in + k];
                                s[k] += t;
                                m[k] += Math.abs(t);
                            }
                        }
                        System.arraycopy(s, 0, exact, r * p.in, p.in);
                        System.arraycopy(m, 0, magnitude, r * p.in, p.in);
                    }
                }
                case BACKWARD_WEIGHTS -> {
                    terms = p.rows;
                    for (int r = 0; r < p.rows; r++) {
                        for (int o = 0; o < p.out; o++) {
                            double d = p.dy[r * p.out + o];
                            for (int k = 0; k < p.in; k++) {
                                double t = d * p.x[r * p.in + k];
                                exact[o * p.in + k] += t;
                                magnitude[o * p.in + k] += Math.abs(t);
                            }
                        }
                    }
                }
                default -> throw new AssertionError(p.product);
            }
        }

        void check(float[] result, String what) {
            double g = gamma(terms);
            for (int e = 0; e < exact.length; e++) {
                float got = result[offset + e];
                double bound = g * magnitude[e];
                if (!(Math.abs(got - exact[e]) <= bound)) {
                    fail(what + ": element " + e + " is " + got + ", exact " + exact[e] + ", allowed ±" + bound
                            + " (γ_" + terms + "·Σ|terms|)");
                }
            }
        }
    }

    /** {@code count} values in [−scale, scale) at {@code offset}, sentinels before them and {@link #TAIL} after. */
    private static float[] uniform(SplittableRandom random, int offset, int count, double scale) {
        float[] a = filled(offset + count + TAIL, SENTINEL);
        for (int i = offset; i < offset + count; i++) a[i] = (float) (scale * random.nextDouble(-1, 1));
        return a;
    }

    private static float[] filled(int length, float value) {
        float[] a = new float[length];
        Arrays.fill(a, value);
        return a;
    }
}
