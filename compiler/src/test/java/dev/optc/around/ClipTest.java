package dev.optc.around;

import static dev.optc.around.LinearOracle.assertClose;
import static dev.optc.around.LinearOracle.assertMatters;
import static dev.optc.around.LinearOracle.fourRows;
import static dev.optc.around.LinearOracle.gradient;
import static dev.optc.around.LinearOracle.norm;
import static dev.optc.around.LinearOracle.setKnownWeights;
import static dev.optc.around.LinearOracle.toDouble;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompilationFailed;
import dev.optc.runtime.data.Dataset;
import dev.optc.runtime.train.CompiledTrainer;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * `clip = value(c)` (g clamped to [−c, c] element by element) and `clip = norm(c)` (g ← g·c/‖g‖ when the global L2
 * norm over all parameters exceeds c), both with sgd. The weights start at known values so that the regimes are
 * known: at W₀ the gradient of {@link LinearOracle#fourRows()} is
 * [[−0.068, −0.158], [0.078, −0.174], [−0.297, 0.145]], norm 0.418. Tolerances in {@link LinearOracle}.
 */
class ClipTest {
    private static final double LR = 0.5;
    private static final int EPOCHS = 8;

    @Test
    void clipByValueClampsEveryElementBeforeTheRule() throws CompilationFailed {
        double c = 0.1;
        CompiledTrainer trainer = LinearOracle.trainer("optimizer = sgd(lr: " + LR + ")", "batch = full", "shuffle = none",
                "epochs = " + EPOCHS, "clip = value(" + c + ")");
        Dataset data = fourRows();
        double[] theta = setKnownWeights(trainer);
        double[] plain = theta.clone();
        int clipped = 0, kept = 0;
        LinearOracle.Run run = LinearOracle.fit(trainer, data);
        for (int step = 1; step <= EPOCHS; step++) {
            double[] g = gradient(theta, data);
            for (int j = 0; j < g.length; j++) {
                assertTrue(Math.abs(Math.abs(g[j]) - c) > 1e-4, "gradient element within float error of the bound");
                if (Math.abs(g[j]) > c) clipped++;
                else kept++;
                g[j] = Math.max(-c, Math.min(c, g[j]));
            }
            theta = LinearOracle.sgd(theta, LR, g);
            plain = LinearOracle.sgd(plain, LR, gradient(plain, data));
            assertClose(theta, run.thetas().get(step - 1), "θ after step " + step);
        }
        assertTrue(clipped > 0 && kept > 0, "both sides of the bound: " + clipped + " clipped, " + kept + " kept");
        assertMatters(theta, plain, "clip by value");
    }

    /** c = 0.1: clipped at every step; c = 1: never; c = 0.3: clipped while ‖g‖ > 0.3 (the first three steps), then not. */
    @ParameterizedTest(name = "norm({0})")
    @CsvSource({"0.1, 8, 0", "1.0, 0, 8", "0.3, 3, 5"})
    void clipByNormScalesTheWholeGradientDownToNormC(double c, int expectClipped, int expectKept) throws CompilationFailed {
        CompiledTrainer trainer = LinearOracle.trainer("optimizer = sgd(lr: " + LR + ")", "batch = full", "shuffle = none",
                "epochs = " + EPOCHS, "clip = norm(" + c + ")");
        Dataset data = fourRows();
        double[] theta = setKnownWeights(trainer);
        double[] plain = theta.clone();
        int clipped = 0, kept = 0;
        LinearOracle.Run run = LinearOracle.fit(trainer, data);
        for (int step = 1; step <= EPOCHS; step++) {
            double[] g = gradient(theta, data);
            double n = norm(g);
            assertTrue(Math.abs(n - c) > 1e-3 * c, "‖g‖ = " + n + " within float error of c at step " + step);
            if (n > c) {
                // if ‖g‖ > c then g ← g·c/‖g‖
                for (int j = 0; j < g.length; j++) g[j] = g[j] * c / n;
                clipped++;
            } else {
                kept++;
            }
            theta = LinearOracle.sgd(theta, LR, g);
            plain = LinearOracle.sgd(plain, LR, gradient(plain, data));
            assertClose(theta, run.thetas().get(step - 1), "θ after step " + step);
        }
        assertEquals(expectClipped, clipped, "steps clipped");
        assertEquals(expectKept, kept, "steps left alone");
        if (clipped > 0) assertMatters(theta, plain, "clip by norm");
    }

    /** Fusion adds λθ after clipping, as PyTorch's optimizers do: g ← clamp(g, −c, c) + λθ, not clamp(g + λθ). */
    @Test
    void decayIsAddedAfterClippingByValue() throws CompilationFailed {
        double c = 0.1, lambda = 0.2;
        CompiledTrainer trainer = LinearOracle.trainer("optimizer = sgd(lr: " + LR + ")", "batch = full", "shuffle = none",
                "epochs = " + EPOCHS, "clip = value(" + c + ")", "decay = " + lambda);
        Dataset data = fourRows();
        double[] theta = setKnownWeights(trainer);
        double[] inside = theta.clone();
        LinearOracle.Run run = LinearOracle.fit(trainer, data);
        for (int step = 1; step <= EPOCHS; step++) {
            double[] g = gradient(theta, data);
            double[] gi = gradient(inside, data);
            for (int j = 0; j < g.length; j++) {
                g[j] = Math.max(-c, Math.min(c, g[j])) + lambda * theta[j];
                gi[j] = Math.max(-c, Math.min(c, gi[j] + lambda * inside[j]));
            }
            theta = LinearOracle.sgd(theta, LR, g);
            inside = LinearOracle.sgd(inside, LR, gi);
            assertClose(theta, run.thetas().get(step - 1), "θ after step " + step);
        }
        assertMatters(theta, inside, "the order of clipping and decay");
    }

    /**
     * Clipping by norm is for exploding gradients, so it must hold when they are large: features of 1e10 give
     * gradient elements of ~1e19, finite in float, whose squares (~1e38 and more) are not. 64 inputs make 192
     * parameters, enough for the Vector API reduction to run when that backend is selected.
     */
    @ParameterizedTest(name = "features of {0}")
    @ValueSource(doubles = {1.0, 1e10})
    void clipByNormHoldsForGradientsWhoseSquaresOverflowFloat(double scale) throws CompilationFailed {
        int inputs = 64, rows = 4;
        double lr = 1.0, c = 0.1;
        CompiledTrainer trainer = LinearOracle.trainer(inputs, "optimizer = sgd(lr: " + lr + ")", "batch = full",
                "shuffle = none", "epochs = 1", "clip = norm(" + c + ")");
        SplittableRandom random = new SplittableRandom(5);
        float[] features = new float[rows * inputs];
        for (int i = 0; i < features.length; i++) features[i] = (float) (scale * (random.nextBoolean() ? 1 : -1) * random.nextDouble(0.5, 1));
        Dataset data = LinearOracle.data(features, new int[] {0, 1, 2, 1});
        double[] theta = toDouble(trainer.flatParameters());
        double[] g = gradient(theta, data);
        double n = norm(g);
        assertTrue(n > 10 * c, "the gradient is clipped: ‖g‖ = " + n);
        double[] expected = new double[theta.length];
        for (int j = 0; j < theta.length; j++) expected[j] = theta[j] - lr * g[j] * c / n;
        LinearOracle.Run run = LinearOracle.fit(trainer, data);
        assertClose(expected, run.last(), "θ after one clipped step, ‖g‖ = " + n);
        assertMatters(expected, theta, "one clipped step");
    }
}
