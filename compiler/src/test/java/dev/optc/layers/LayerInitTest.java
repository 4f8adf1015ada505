package dev.optc.layers;

import static dev.optc.layers.LayerRecipes.compile;
import static dev.optc.layers.LayerRecipes.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompilationFailed;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.Trainer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Per-layer initialization options, read back from a fresh trainer: `bias: c`, `init: orthogonal(gain: g)`,
 * `init: sparse(k: n)`, the element-wise initializers' distributions, and the recipe's `init` as the default that a
 * layer's `init:` overrides.
 */
class LayerInitTest {

    private static Trainer trainer(String body, int inputs, String training) throws CompilationFailed {
        return compile(source(body, inputs, 3, "softmax_cross_entropy", "sgd(lr: 0.1)", training)).newTrainer(TrainOptions.seed(13));
    }

    @Test
    void aConstantBiasIsThatValueExactly() throws CompilationFailed {
        Trainer t = trainer("""
                h = relu(dense(x, 32, bias: 0.1))
                h2 = tanh(dense(h, 8, bias: -1/4))
                h3 = batchnorm(dense(h2, 5, bias: false))
                return dense(h3, 3)""", 4, "");
        for (float v : t.parameter("h.bias")) assertEquals(0.1f, v, "bias: 0.1");
        for (float v : t.parameter("h2.bias")) assertEquals(-0.25f, v, "bias: -1/4");
        for (float v : t.parameter("out.bias")) assertEquals(0f, v, "the default bias");
        assertTrue(t.parameters().stream().noneMatch(p -> p.name().equals("h3.bias")), "bias: false has no tensor");
        for (float v : t.parameter("h3_bn.weight")) assertEquals(1f, v, "batch norm's γ starts at 1");
        for (float v : t.parameter("h3_bn.bias")) assertEquals(0f, v, "batch norm's β starts at 0");
    }

    /**
     * g·Q with orthonormal rows (a wide W, out < in) or columns (a tall one): WWᵀ = g²I or WᵀW = g²I. Each float
     * weight carries a relative rounding error of at most u = 2⁻²⁴, so an entry of WWᵀ is within 2u·‖w_i‖‖w_j‖ = 2u·g²
     * of the exact product (≈ 5e-7 for g = 2); the tolerance is 2e-6.
     */
    @Test
    void orthogonalWithGainTwoGivesWWTransposeFourI() throws CompilationFailed {
        Trainer t = trainer("""
                h = dense(x, 16, init: orthogonal(gain: 2))
                h2 = dense(h, 48, init: orthogonal(gain: 2))
                h3 = dense(h2, 8, init: orthogonal)
                return dense(h3, 3)""", 64, "");
        assertGram(t.parameter("h.weight"), 16, 64, true, 4, "wide h.weight [16, 64]: WWᵀ");
        assertGram(t.parameter("h2.weight"), 48, 16, false, 4, "tall h2.weight [48, 16]: WᵀW");
        assertGram(t.parameter("h3.weight"), 8, 48, true, 1, "orthogonal without a gain");
    }

    /** W [rows, cols]: rows·rowsᵀ (wide) or colsᵀ·cols (tall) against expected·I. */
    private static void assertGram(float[] w, int rows, int cols, boolean byRows, double expected, String what) {
        int n = byRows ? rows : cols, len = byRows ? cols : rows;
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                double dot = 0;
                for (int k = 0; k < len; k++) {
                    dot += byRows ? (double) w[a * cols + k] * w[b * cols + k] : (double) w[k * cols + a] * w[k * cols + b];
                }
                assertEquals(a == b ? expected : 0, dot, 2e-6, what + " [" + a + ", " + b + "]");
            }
        }
    }

    @Test
    void sparseGivesExactlyKNonZerosPerRow() throws CompilationFailed {
        Trainer t = trainer("""
                h = dense(x, 20, init: sparse(k: 3))
                h2 = dense(h, 10, init: sparse(5))
                return dense(h2, 3)""", 64, "");
        assertNonZerosPerRow(t.parameter("h.weight"), 20, 64, 3, "sparse(k: 3)");
        assertNonZerosPerRow(t.parameter("h2.weight"), 10, 20, 5, "sparse(5)");
    }

    /** The recipe's `init` is every layer's default; a layer's own `init:` wins. */
    @Test
    void aLayersInitOverridesTheRecipes() throws CompilationFailed {
        Trainer t = trainer("""
                h = dense(x, 16)
                h2 = dense(h, 8, init: orthogonal(gain: 2))
                return dense(h2, 3)""", 32, "init = sparse(k: 2)");
        assertNonZerosPerRow(t.parameter("h.weight"), 16, 32, 2, "h from the recipe's init");
        assertNonZerosPerRow(t.parameter("out.weight"), 3, 8, 2, "out from the recipe's init");
        assertGram(t.parameter("h2.weight"), 8, 16, true, 4, "h2's own init");
    }

    private static void assertNonZerosPerRow(float[] w, int rows, int cols, int k, String what) {
        assertEquals(rows * cols, w.length, what);
        for (int r = 0; r < rows; r++) {
            int nonZero = 0;
            for (int c = 0; c < cols; c++) if (w[r * cols + c] != 0f) nonZero++;
            assertEquals(k, nonZero, what + ": row " + r);
        }
    }

    /** initializer, its variance for fan-in 128 and fan-out 256, its bound (infinite for a normal). */
    static Stream<Arguments> elementwise() {
        double m = 128, n = 256;
        return Stream.of(
                Arguments.of("he_normal", 2 / m, Double.POSITIVE_INFINITY),
                Arguments.of("he_uniform", 2 / m, Math.sqrt(6 / m)),
                Arguments.of("glorot_normal", 2 / (m + n), Double.POSITIVE_INFINITY),
                Arguments.of("glorot_uniform", 2 / (m + n), Math.sqrt(6 / (m + n))),
                Arguments.of("uniform_fan_in", 1 / (3 * m), 1 / Math.sqrt(m)));
    }

    /**
     * N = 32768 weights of a [256, 128] layer: the sample mean is within 4σ/√N of 0 and the mean square within 4
     * standard errors of the variance: σ²·√(2/N) for a normal (E x⁴ = 3σ⁴), σ²·√(0.8/N) for a uniform (E x⁴ = 9σ⁴/5).
     * A wrong fan (in for out, or their sum) moves the variance by a factor ≥ 1.5, far outside that.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("elementwise")
    void elementwiseInitializersHaveTheirVariance(String init, double variance, double bound) throws CompilationFailed {
        Trainer t = trainer("""
                h = dense(x, 256, init: %s)
                return dense(h, 3)""".formatted(init), 128, "");
        float[] w = t.parameter("h.weight");
        int count = w.length;
        double sum = 0, squares = 0;
        for (float v : w) {
            assertTrue(Math.abs(v) <= bound, init + ": " + v + " beyond " + bound);
            sum += v;
            squares += (double) v * v;
        }
        assertEquals(0, sum / count, 4 * Math.sqrt(variance / count), init + ": mean");
        double relativeError = Double.isInfinite(bound) ? Math.sqrt(2.0 / count) : Math.sqrt(0.8 / count);
        assertEquals(variance, squares / count, 4 * relativeError * variance, init + ": mean square");
    }
}
