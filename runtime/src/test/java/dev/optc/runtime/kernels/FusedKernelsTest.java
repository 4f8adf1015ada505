package dev.optc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.optc.runtime.vector.VectorBatchNorm;
import dev.optc.runtime.vector.VectorEpilogues;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused batch-norm and bias+activation kernels: the scalar kernel against formulas written out here in double,
 * and the vector kernel against the scalar one. Widths hit every column tail of 16-lane (and 8-lane) vectors; row
 * counts hit the tail of the groups of four rows.
 *
 * <p>The vector kernels keep the scalar kernels' partial sums lane by lane and the same fused multiply-adds, so with
 * no activation, relu and leaky relu they must agree to the bit; sigmoid and tanh use the Vector API's exp and tanh,
 * within an ulp or two of Math's, so there 1e-6 relative (of the array's scale, for gradients).
 *
 * <p>Against double (u = 2⁻²⁴, sums of at most 128 terms, added four rows at a time: ~32·u ≈ 2e-6 at worst): forward
 * values 1e-5·(1 + |v|); gradients 1e-5 of the array's largest magnitude (batch norm's dx cancels: its terms are of
 * that size, not of its own). The inputs have mean 3 and spread 1, so a variance computed as E[x²] − E[x]² in float
 * (cancelling 10 against 1) would fail. Batch-norm outputs within 1e-5 of relu's kink (float's error there is
 * ~1e-6) are redrawn.
 */
class FusedKernelsTest {
    private static final int[] ACTIVATIONS = {Activations.NONE, Activations.RELU, Activations.LEAKY_RELU,
            Activations.SIGMOID, Activations.TANH};
    private static final float ALPHA = 0.1f, MOMENTUM = 0.1f, EPSILON = 1e-5f;

    static Stream<Arguments> shapes() {
        List<Arguments> all = new ArrayList<>();
        for (int width : new int[] {1, 7, 15, 16, 17, 33, 256}) {
            for (int rows : new int[] {2, 5, 128}) {
                for (int activation : ACTIVATIONS) all.add(Arguments.of(rows, width, activation));
            }
        }
        return all.stream();
    }

    /** One batch-norm layer's arrays: inputs drawn at random, outputs filled by a kernel. */
    private static final class Layer {
        final int rows, width;
        final float[] x, dOut, params, stats;
        float[] out, xhat, mean, invStd, dx, grads;
        static final int GAMMA = 3, BETA_GAP = 5;

        Layer(int rows, int width, long seed) {
            this.rows = rows;
            this.width = width;
            SplittableRandom random = new SplittableRandom(seed);
            x = new float[rows * width];
            for (int i = 0; i < x.length; i++) x[i] = (float) (3 + random.nextGaussian());
            dOut = new float[rows * width];
            for (int i = 0; i < dOut.length; i++) dOut[i] = (float) random.nextGaussian();
            params = new float[GAMMA + 2 * width + BETA_GAP];
            for (int j = 0; j < width; j++) {
                params[GAMMA + j] = (float) random.nextDouble(0.5, 1.5);
                params[beta() + j] = (float) random.nextDouble(-0.5, 0.5);
            }
            stats = new float[2 * width + 1];
            for (int j = 0; j < width; j++) {
                stats[1 + j] = (float) random.nextDouble(-1, 1);
                stats[1 + width + j] = (float) random.nextDouble(0.5, 2);
            }
            // The bias kernels reuse x as z, the gamma block as b.
        }

        int beta() {
            return GAMMA + width + BETA_GAP;
        }

        Layer fresh() {
            out = new float[rows * width];
            xhat = new float[rows * width];
            mean = new float[width];
            invStd = new float[width];
            dx = new float[rows * width];
            grads = new float[params.length];
            return this;
        }

        float[] statsCopy() {
            return stats.clone();
        }
    }

    private static Layer layer(int rows, int width, int activation) {
        for (long seed = rows * 1000L + width; ; seed += 7919) {
            Layer l = new Layer(rows, width, seed);
            if (activation != Activations.RELU && activation != Activations.LEAKY_RELU) return l;
            double[] y = normalized(l);
            boolean clear = true;
            for (double v : y) clear &= Math.abs(v) > 1e-5;
            if (clear) return l;
        }
    }

    /** γ x̂ + β in double, from the formulas of 8.7.1 (biased variance). */
    private static double[] normalized(Layer l) {
        double[] y = new double[l.rows * l.width];
        for (int j = 0; j < l.width; j++) {
            double mean = 0, var = 0;
            for (int r = 0; r < l.rows; r++) mean += l.x[r * l.width + j];
            mean /= l.rows;
            for (int r = 0; r < l.rows; r++) var += Math.pow(l.x[r * l.width + j] - mean, 2);
            var /= l.rows;
            for (int r = 0; r < l.rows; r++) {
                double h = (l.x[r * l.width + j] - mean) / Math.sqrt(var + EPSILON);
                y[r * l.width + j] = l.params[Layer.GAMMA + j] * h + l.params[l.beta() + j];
            }
        }
        return y;
    }

    private static double f(int activation, double v) {
        return switch (activation) {
            case Activations.NONE -> v;
            case Activations.RELU -> v > 0 ? v : 0;
            case Activations.LEAKY_RELU -> v > 0 ? v : ALPHA * v;
            case Activations.SIGMOID -> 1 / (1 + Math.exp(-v));
            case Activations.TANH -> Math.tanh(v);
            default -> throw new IllegalArgumentException();
        };
    }

    /** f' at the pre-activation v (not from the output, as the kernels take it). */
    private static double fPrime(int activation, double v) {
        return switch (activation) {
            case Activations.NONE -> 1;
            case Activations.RELU -> v > 0 ? 1 : 0;
            case Activations.LEAKY_RELU -> v > 0 ? 1 : ALPHA;
            case Activations.SIGMOID -> Math.exp(-v) / Math.pow(1 + Math.exp(-v), 2);
            case Activations.TANH -> 1 / Math.pow(Math.cosh(v), 2);
            default -> throw new IllegalArgumentException();
        };
    }

    private static void scalarBatchNorm(Layer l, int activation) {
        ScalarBatchNorm.forwardTraining(l.x, l.out, l.xhat, l.mean, l.invStd, l.rows, l.width, 0, l.width, l.params,
                Layer.GAMMA, l.beta(), l.stats, 1, 1 + l.width, MOMENTUM, EPSILON, activation, ALPHA);
        ScalarBatchNorm.backward(l.dOut, l.out, l.xhat, l.invStd, l.dx, l.rows, l.width, 0, l.width, l.params,
                Layer.GAMMA, l.grads, l.beta(), false, activation, ALPHA);
    }

    @ParameterizedTest(name = "rows {0}, width {1}, activation {2}")
    @MethodSource("shapes")
    void scalarBatchNormFollowsTheFormulas(int rows, int width, int activation) {
        Layer l = layer(rows, width, activation).fresh();
        float[] stats0 = l.statsCopy();
        scalarBatchNorm(l, activation);
        double[] y = normalized(l);
        double n = rows;
        for (int j = 0; j < width; j++) {
            double mean = 0, var = 0;
            for (int r = 0; r < rows; r++) mean += l.x[r * width + j];
            mean /= n;
            for (int r = 0; r < rows; r++) var += Math.pow(l.x[r * width + j] - mean, 2);
            var /= n;
            close(mean, l.mean[j], "mean");
            close(1 / Math.sqrt(var + EPSILON), l.invStd[j], "1/σ");
            close(0.9 * stats0[1 + j] + 0.1 * mean, l.stats[1 + j], "running mean");
            close(0.9 * stats0[1 + width + j] + 0.1 * var * n / Math.max(1, n - 1), l.stats[1 + width + j], "running variance");
        }
        for (int i = 0; i < y.length; i++) close(f(activation, y[i]), l.out[i], "out");

        // dy = dOut ⊙ f'(y); dβ = Σ dy; dγ = Σ dy·x̂; dx = γ/(N σ) (N dy − dβ − x̂ dγ). Each is checked against the
        // size of its terms (Σ|dy|, Σ|dy·x̂|, ...), since the sums cancel: with 2 rows dx is ~δ/σ² of its terms.
        for (int j = 0; j < width; j++) {
            double gamma = l.params[Layer.GAMMA + j], beta = l.params[l.beta() + j];
            double dGamma = 0, dBeta = 0, absDy = 0, absDyXhat = 0;
            for (int r = 0; r < rows; r++) {
                int i = r * width + j;
                double dy = l.dOut[i] * fPrime(activation, y[i]), xhat = (y[i] - beta) / gamma;
                dBeta += dy;
                dGamma += dy * xhat;
                absDy += Math.abs(dy);
                absDyXhat += Math.abs(dy * xhat);
            }
            assertEquals(dBeta, l.grads[l.beta() + j], 1e-5 * absDy + 1e-30, "dβ [" + j + "]");
            assertEquals(dGamma, l.grads[Layer.GAMMA + j], 1e-5 * absDyXhat + 1e-30, "dγ [" + j + "]");
            double scale = Math.abs(gamma) / Math.sqrt(varianceOf(l, j) + EPSILON) / n;
            for (int r = 0; r < rows; r++) {
                int i = r * width + j;
                double dy = l.dOut[i] * fPrime(activation, y[i]), xhat = (y[i] - beta) / gamma;
                double dx = gamma / Math.sqrt(varianceOf(l, j) + EPSILON) / n * (n * dy - dBeta - xhat * dGamma);
                double terms = scale * (n * Math.abs(dy) + absDy + Math.abs(xhat) * absDyXhat);
                assertEquals(dx, l.dx[i], 1e-5 * terms + 1e-30, "dx [" + r + ", " + j + "]");
            }
        }
    }

    @ParameterizedTest(name = "rows {0}, width {1}, activation {2}")
    @MethodSource("shapes")
    void vectorBatchNormAgreesWithScalar(int rows, int width, int activation) {
        assumeTrue(Backend.vectorUnavailableReason() == null, "the Vector API is not available");
        Layer scalar = layer(rows, width, activation).fresh();
        Layer vector = layer(rows, width, activation).fresh();
        scalarBatchNorm(scalar, activation);
        VectorBatchNorm.forwardTraining(vector.x, vector.out, vector.xhat, vector.mean, vector.invStd, rows, width,
                vector.params, Layer.GAMMA, vector.beta(), vector.stats, 1, 1 + width, MOMENTUM, EPSILON, activation, ALPHA);
        VectorBatchNorm.backward(vector.dOut, vector.out, vector.xhat, vector.invStd, vector.dx, rows, width, vector.params,
                Layer.GAMMA, vector.grads, vector.beta(), false, activation, ALPHA);
        boolean exact = activation != Activations.SIGMOID && activation != Activations.TANH;
        same(scalar.mean, vector.mean, exact, "mean");
        same(scalar.invStd, vector.invStd, exact, "1/σ");
        same(scalar.stats, vector.stats, exact, "running statistics");
        same(scalar.xhat, vector.xhat, exact, "x̂");
        same(scalar.out, vector.out, exact, "out");
        same(scalar.grads, vector.grads, exact, "dγ, dβ");
        same(scalar.dx, vector.dx, exact, "dx");

        // accumulate: dx += the same again
        float[] twice = vector.dx.clone();
        VectorBatchNorm.backward(vector.dOut, vector.out, vector.xhat, vector.invStd, twice, rows, width, vector.params,
                Layer.GAMMA, vector.grads, vector.beta(), true, activation, ALPHA);
        for (int i = 0; i < twice.length; i++) assertEquals(vector.dx[i] + vector.dx[i], twice[i], "dx accumulated");
    }

    @ParameterizedTest(name = "rows {0}, width {1}, activation {2}")
    @MethodSource("shapes")
    void biasActivationAndItsGradient(int rows, int width, int activation) {
        Layer l = layer(rows, width, activation).fresh();
        float[] z = l.x.clone();
        for (int i = 0; i < z.length; i++) z[i] -= 3; // around 0, where the activations bend
        float[] out = new float[z.length], dz = new float[z.length], db = new float[l.params.length];
        Epilogues.biasActivateColumns(z, out, rows, width, 0, width, l.params, Layer.GAMMA, activation, ALPHA);
        Epilogues.activateBiasGradColumns(l.dOut, out, dz, rows, width, 0, width, db, Layer.GAMMA, activation, ALPHA);
        double[] dbExpected = new double[width];
        double[] dzExpected = new double[z.length];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < width; j++) {
                int i = r * width + j;
                double v = (double) z[i] + l.params[Layer.GAMMA + j];
                close(f(activation, v), out[i], "f(z + b)");
                dzExpected[i] = l.dOut[i] * fPrime(activation, v);
                dbExpected[j] += dzExpected[i];
            }
        }
        closeToScale(dzExpected, dz, 0, "dz");
        closeToScale(dbExpected, db, Layer.GAMMA, "db");

        if (Backend.vectorUnavailableReason() != null) return;
        float[] vOut = new float[z.length], vdz = new float[z.length], vdb = new float[l.params.length];
        VectorEpilogues.biasActivate(z, vOut, rows, width, l.params, Layer.GAMMA, activation, ALPHA);
        VectorEpilogues.activateBiasGrad(l.dOut, vOut, vdz, rows, width, vdb, Layer.GAMMA, activation, ALPHA);
        boolean exact = activation != Activations.SIGMOID && activation != Activations.TANH;
        same(out, vOut, exact, "vector f(z + b)");
        same(dz, vdz, exact, "vector dz");
        same(db, vdb, exact, "vector db");
    }

    private static double varianceOf(Layer l, int j) {
        double mean = 0, var = 0;
        for (int r = 0; r < l.rows; r++) mean += l.x[r * l.width + j];
        mean /= l.rows;
        for (int r = 0; r < l.rows; r++) var += Math.pow(l.x[r * l.width + j] - mean, 2);
        return var / l.rows;
    }

    private static void close(double expected, float actual, String what) {
        assertEquals(expected, actual, 1e-5 * (1 + Math.abs(expected)), what);
    }

    /** |actual[offset + i] − expected[i]| ≤ 1e-5 · max|expected| (+ a float's ulp at that scale). */
    private static void closeToScale(double[] expected, float[] actual, int offset, String what) {
        double scale = 0;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[offset + i], 1e-5 * scale + 1e-30, what + " [" + i + "]");
        }
    }

    private static void same(float[] scalar, float[] vector, boolean exact, String what) {
        if (exact) {
            assertArrayEquals(scalar, vector, what + ": the vector kernel must give the scalar kernel's bits");
            return;
        }
        float scale = 0;
        for (float s : scalar) scale = Math.max(scale, Math.abs(s));
        for (int i = 0; i < scalar.length; i++) assertEquals(scalar[i], vector[i], 1e-6f * (scale + Math.abs(scalar[i])) + 1e-30f, what + " [" + i + "]");
    }
}
