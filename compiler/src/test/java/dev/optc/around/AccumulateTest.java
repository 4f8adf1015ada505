package dev.optc.around;

import static dev.optc.around.LinearOracle.assertClose;
import static dev.optc.around.LinearOracle.assertHyper;
import static dev.optc.around.LinearOracle.assertMatters;
import static dev.optc.around.LinearOracle.fiveRows;
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
import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * `accumulate = k`: the gradients of k batches are averaged into one step. With `batch = 1` and `shuffle = none`
 * the groups are consecutive rows, and a step's gradient is the mean of the per-example gradients
 * (1/|G|) Σ_{r∈G} g_r, g_r = (2/3)(x_r Wᵀ − Y_r)ᵀ x_r; a group cut short by the end of the epoch steps with the mean
 * of what it has. Tolerances in {@link LinearOracle}.
 */
class AccumulateTest {
    private static final double LR = 0.5;
    private static final int EPOCHS = 5;

    /** The mean of the per-example gradients over rows [from, to). */
    private static double[] meanOfExamples(double[] theta, Dataset data, int from, int to) {
        double[] mean = new double[theta.length];
        for (int r = from; r < to; r++) {
            double[] g = gradient(theta, data, r, 1);
            for (int j = 0; j < mean.length; j++) mean[j] += g[j] / (to - from);
        }
        return mean;
    }

    @Test
    void accumulatingEveryRowIsOneFullBatchStep() throws CompilationFailed {
        Dataset data = fourRows();
        CompiledTrainer trainer = LinearOracle.trainer("optimizer = sgd(lr: " + LR + ")", "batch = 1", "shuffle = none",
                "epochs = " + EPOCHS, "accumulate = " + data.rows());
        double[] theta = toDouble(trainer.flatParameters());
        double[] perExample = theta.clone(); // batch = 1 without accumulation: one step per row
        LinearOracle.Run run = LinearOracle.fit(trainer, data);
        for (int epoch = 1; epoch <= EPOCHS; epoch++) {
            double[] mean = meanOfExamples(theta, data, 0, data.rows());
            // the mean of the per-example gradients is the full-batch gradient (2/(rows·3)) (XWᵀ − Y)ᵀ X
            assertClose(gradient(theta, data), mean, "mean of the examples' gradients against the full-batch formula");
            theta = LinearOracle.sgd(theta, LR, mean);
            for (int r = 0; r < data.rows(); r++) perExample = LinearOracle.sgd(perExample, LR, gradient(perExample, data, r, 1));
            assertClose(theta, run.thetas().get(epoch - 1), "θ after epoch " + epoch);
            assertEquals(epoch, run.reports().get(epoch - 1).steps(), "one step per epoch");
        }
        assertMatters(theta, perExample, "accumulation");
    }

    /** Adam's t counts steps, not batches: its bias corrections are those of full-batch Adam. */
    @Test
    void adamWithAccumulationIsFullBatchAdam() throws CompilationFailed {
        double lr = 0.05, rho1 = 0.9, rho2 = 0.999, delta = 1e-8;
        Dataset data = fourRows();
        CompiledTrainer trainer = LinearOracle.trainer("optimizer = adam(lr: " + lr + ")", "batch = 1", "shuffle = none",
                "epochs = " + EPOCHS, "accumulate = " + data.rows());
        double[] theta = toDouble(trainer.flatParameters());
        double[] s = new double[theta.length], r = new double[theta.length];
        LinearOracle.Run run = LinearOracle.fit(trainer, data);
        for (int t = 1; t <= EPOCHS; t++) {
            double[] g = meanOfExamples(theta, data, 0, data.rows());
            for (int j = 0; j < theta.length; j++) {
                s[j] = rho1 * s[j] + (1 - rho1) * g[j];
                r[j] = rho2 * r[j] + (1 - rho2) * g[j] * g[j];
                theta[j] -= lr * (s[j] / (1 - Math.pow(rho1, t))) / (delta + Math.sqrt(r[j] / (1 - Math.pow(rho2, t))));
            }
            assertClose(theta, run.thetas().get(t - 1), "θ after step " + t);
        }
    }

    /** Five rows in groups of two: {0, 1}, {2, 3}, then {4} alone, which steps with its own gradient. */
    @Test
    void aLeftoverGroupStepsWithTheMeanOfWhatItHas() throws CompilationFailed {
        Dataset data = fiveRows();
        CompiledTrainer trainer = LinearOracle.trainer("optimizer = sgd(lr: " + LR + ")", "batch = 1", "shuffle = none",
                "epochs = " + EPOCHS, "accumulate = 2");
        double[] theta = toDouble(trainer.flatParameters());
        double[] halved = theta.clone(); // the leftover divided by k = 2 instead of by 1: must differ
        LinearOracle.Run run = LinearOracle.fit(trainer, data);
        for (int epoch = 1; epoch <= EPOCHS; epoch++) {
            for (int from = 0; from < data.rows(); from += 2) {
                int to = Math.min(from + 2, data.rows());
                theta = LinearOracle.sgd(theta, LR, meanOfExamples(theta, data, from, to));
                double[] g = meanOfExamples(halved, data, from, to);
                halved = LinearOracle.sgd(halved, to - from == 1 ? LR / 2 : LR, g);
            }
            assertClose(theta, run.thetas().get(epoch - 1), "θ after epoch " + epoch);
            assertEquals(3L * epoch, run.reports().get(epoch - 1).steps(), "three steps per epoch");
        }
        assertMatters(theta, halved, "the leftover's divisor");
    }

    /** Steps per epoch are groups, not batches: with 5 rows in groups of 2 an epoch is 3 steps, so `over: 2 epochs` is τ = 6. */
    @Test
    void aSpanInEpochsCountsGroups() throws CompilationFailed {
        Dataset data = fiveRows();
        int epochs = 3;
        CompiledTrainer trainer = LinearOracle.trainer("optimizer = sgd(lr: " + LR + ")", "batch = 1", "shuffle = none",
                "epochs = " + epochs, "accumulate = 2", "schedule = linear(to: 0.01, over: 2 epochs)");
        LongToDoubleFunction lr = k -> {
            double p = Math.min(1.0, k / 6.0);
            return (1 - p) * LR + p * 0.01;
        };
        double[] theta = toDouble(trainer.flatParameters());
        LinearOracle.Run run = LinearOracle.fit(trainer, data, "lr");
        long k = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            for (int from = 0; from < data.rows(); from += 2, k++) {
                theta = LinearOracle.sgd(theta, lr.applyAsDouble(k), meanOfExamples(theta, data, from, Math.min(from + 2, data.rows())));
            }
            assertHyper(lr.applyAsDouble(3L * epoch - 1), run.hyper("lr", epoch), "lr at the last step of epoch " + epoch);
            assertClose(theta, run.thetas().get(epoch - 1), "θ after epoch " + epoch);
        }
    }

    /** Clipping by norm applies to the accumulated step's gradient, as to a full batch's. */
    @Test
    void clipByNormClipsTheAccumulatedGradient() throws CompilationFailed {
        double c = 0.1;
        Dataset data = fourRows();
        CompiledTrainer trainer = LinearOracle.trainer("optimizer = sgd(lr: " + LR + ")", "batch = 1", "shuffle = none",
                "epochs = " + EPOCHS, "accumulate = " + data.rows(), "clip = norm(" + c + ")");
        double[] theta = setKnownWeights(trainer);
        LinearOracle.Run run = LinearOracle.fit(trainer, data);
        for (int epoch = 1; epoch <= EPOCHS; epoch++) {
            double[] g = meanOfExamples(theta, data, 0, data.rows());
            double n = norm(g);
            assertTrue(n > 2 * c, "clipped at every step: ‖g‖ = " + n);
            for (int j = 0; j < g.length; j++) g[j] = g[j] * c / n;
            theta = LinearOracle.sgd(theta, LR, g);
            assertClose(theta, run.thetas().get(epoch - 1), "θ after epoch " + epoch);
        }
    }
}
