package dev.optc.monitor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompilationFailed;
import dev.optc.api.CompiledRecipe;
import dev.optc.api.Optc;
import dev.optc.runtime.Curvature;
import dev.optc.runtime.EpochReport;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.TrainResult;
import dev.optc.runtime.data.Dataset;
import dev.optc.runtime.train.CompiledTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `monitor = [curvature]`, the ill-conditioning diagnostic of 8.2.1, against a loss whose Hessian is known exactly,
 * and the promise that measuring it changes nothing about training.
 */
class CurvatureMonitorTest {
    private static final int IN = 4, OUT = 3, ROWS = 40;

    /**
     * y = W x + b (W [3, 4]), mse on one-hot labels: J = (1/(n·3)) Σ_r Σ_o (y_ro − Y_ro)², a quadratic in θ = (W, b).
     * Written out in double here: g_W[o,i] = (2/(n·3)) Σ_r (y_ro − Y_ro) x_ri, g_b[o] = (2/(n·3)) Σ_r (y_ro − Y_ro), and,
     * since J is quadratic, gᵀHg = d²/dt² J(θ + tg) = (2/(n·3)) Σ_r Σ_o (g_W[o]·x_r + g_b[o])², i.e. the Hessian
     * (2/(n·3)) [x;1][x;1]ᵀ of each output, summed over rows. A full batch makes the monitoring batch the n rows.
     *
     * <p>Tolerance: the trainer's gradient is a float sum of 40 terms (relative error ~1e-6); the central difference
     * is exact for a quadratic but for rounding, ~u/∛u ≈ 2.5e-5 of gᵀHg. 1e-5 for gᵀg and 1e-3 for gᵀHg leave room;
     * a missing ½ or 2r, a product along another vector than g, or ε other than the rate are off by far more.
     */
    @Test
    void gTHgFromTheHessianVectorProductMatchesTheExactHessianOfAQuadratic() throws CompilationFailed {
        CompiledRecipe recipe = Optc.compile(source("batch = full\nepochs = 3\nmonitor = [loss, curvature]"), "curvature_test.opt").first();
        CompiledTrainer trainer = (CompiledTrainer) recipe.newTrainer(TrainOptions.seed(3));
        trainer.monitorCurvature(true);
        Dataset data = data(ROWS, new SplittableRandom(11));
        TrainResult result = trainer.fit(data, null, r -> { });
        EpochReport last = result.epochs().getLast();
        Curvature c = last.curvature();
        assertNotNull(c, "the report carries the curvature when it is monitored");

        double[] w = toDouble(trainer.parameter("out.weight")), b = toDouble(trainer.parameter("out.bias"));
        double scale = 2.0 / (ROWS * OUT);
        double[] gW = new double[OUT * IN], gB = new double[OUT];
        for (int r = 0; r < ROWS; r++) {
            for (int o = 0; o < OUT; o++) {
                double y = b[o];
                for (int i = 0; i < IN; i++) y += w[o * IN + i] * data.features()[r * IN + i];
                double residual = y - (data.labels()[r] == o ? 1 : 0);
                for (int i = 0; i < IN; i++) gW[o * IN + i] += scale * residual * data.features()[r * IN + i];
                gB[o] += scale * residual;
            }
        }
        double gTg = 0;
        for (double v : gW) gTg += v * v;
        for (double v : gB) gTg += v * v;
        double gTHg = 0;
        for (int r = 0; r < ROWS; r++) {
            for (int o = 0; o < OUT; o++) {
                double change = gB[o];
                for (int i = 0; i < IN; i++) change += gW[o * IN + i] * data.features()[r * IN + i];
                gTHg += scale * change * change;
            }
        }
        assertTrue(gTg > 1e-4 && gTHg > 1e-5, "a test point away from the minimum: gTg " + gTg + ", gTHg " + gTHg);
        assertEquals(gTg, c.gTg(), 1e-5 * gTg, "gᵀg");
        assertEquals(gTHg, c.gTHg(), 1e-3 * gTHg, "gᵀHg");
        double lr = 0.05;
        assertEquals(lr, c.epsilon(), 0, "ε is the learning rate");
        assertEquals(lr * gTg, c.firstOrder(), 1e-5 * lr * gTg, "εgᵀg");
        assertEquals(0.5 * lr * lr * gTHg, c.secondOrder(), 1e-3 * 0.5 * lr * lr * gTHg, "½ε²gᵀHg");
    }

    /**
     * ε is the learning rate the epoch ended with: under a schedule, the scheduled value; for a rule without an `lr`
     * there is none, and only gᵀg and gᵀHg are reported.
     */
    @Test
    void epsilonIsTheScheduledRateAndAbsentWithoutAnLr() throws CompilationFailed {
        Dataset data = data(ROWS, new SplittableRandom(11));
        CompiledTrainer scheduled = (CompiledTrainer) Optc.compile(source("batch = 10\nepochs = 3\nschedule = linear(to: 0.01, over: 4 epochs)"),
                "scheduled.opt").first().newTrainer(TrainOptions.seed(3));
        scheduled.monitorCurvature(true);
        for (EpochReport r : scheduled.fit(data, null, x -> { }).epochs()) {
            // After epoch e, 4e steps were taken; the last used ε_k at k = 4e − 1 of τ = 16.
            double expected = 0.05 + (0.01 - 0.05) * (4.0 * r.epoch() - 1) / 16;
            assertEquals(expected, r.curvature().epsilon(), 1e-12, "epoch " + r.epoch());
        }
        String noLr = """
                optimizer fixed(step = 0.05) {
                    theta -= step * g
                }
                """ + source("batch = full\nepochs = 1").replace("sgd(lr: 0.05)", "fixed(step: 0.05)");
        CompiledTrainer plain = (CompiledTrainer) Optc.compile(noLr, "fixed.opt").first().newTrainer(TrainOptions.seed(3));
        plain.monitorCurvature(true);
        Curvature c = plain.fit(data, null, x -> { }).epochs().getFirst().curvature();
        assertTrue(Double.isNaN(c.epsilon()) && Double.isNaN(c.firstOrder()) && Double.isNaN(c.secondOrder()), c.toString());
        assertTrue(c.gTg() > 0 && c.gTHg() > 0, c.toString());
    }

    /**
     * Batch norm's running statistics, dropout's masks, the shuffle and θ itself: a run that measures the curvature
     * every epoch (three extra gradients on a 256-row batch, larger than the training batch) ends with the same bytes
     * as one that does not, and reports the same training and validation losses.
     */
    @Test
    void monitoringLeavesTrainingBitIdentical(@TempDir Path dir) throws CompilationFailed, IOException {
        String model = """
                model Net(x: 6) -> 3 {
                    h = relu(batchnorm(dense(x, 16, bias: false)))
                    return dense(dropout(h, 0.3), 3)
                }
                """;
        String recipeText = model + """
                recipe r {
                    data = csv("unused.csv")
                    model = Net
                    loss = softmax_cross_entropy
                    optimizer = momentum(lr: 0.05)
                    batch = 16
                    epochs = 4
                    seed = 5
                }
                """;
        CompiledRecipe recipe = Optc.compile(recipeText, "bitwise.opt").first();
        SplittableRandom random = new SplittableRandom(8);
        float[] x = new float[300 * 6];
        int[] y = new int[300];
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
        for (int r = 0; r < y.length; r++) y[r] = random.nextInt(3);
        Dataset data = new Dataset("random", x, y, 300, 6, 3);

        float[] vx = new float[500 * 6];
        int[] vy = new int[500];
        for (int i = 0; i < vx.length; i++) vx[i] = (float) random.nextGaussian();
        for (int r = 0; r < vy.length; r++) vy[r] = random.nextInt(3);
        Dataset validation = new Dataset("held out", vx, vy, 500, 6, 3);

        CompiledTrainer plain = (CompiledTrainer) recipe.newTrainer(TrainOptions.defaults());
        TrainResult plainResult = plain.fit(data, validation, r -> { });
        CompiledTrainer watched = (CompiledTrainer) recipe.newTrainer(TrainOptions.defaults());
        watched.monitorCurvature(true);
        TrainResult watchedResult = watched.fit(data, validation, r -> { });

        for (int e = 0; e < 4; e++) {
            assertNull(plainResult.epochs().get(e).curvature());
            Curvature c = watchedResult.epochs().get(e).curvature();
            assertTrue(c != null && Double.isFinite(c.gTHg()) && c.gTg() > 0, "epoch " + (e + 1) + ": " + c);
            assertEquals(plainResult.epochs().get(e).trainLoss(), watchedResult.epochs().get(e).trainLoss(), 0, "epoch " + (e + 1));
            // Validation runs in chunks of the trainer's capacity: a monitoring batch that grew it would regroup its sums.
            assertEquals(plainResult.epochs().get(e).validationLoss(), watchedResult.epochs().get(e).validationLoss(), 0, "epoch " + (e + 1));
        }
        Path a = dir.resolve("plain.safetensors"), b = dir.resolve("watched.safetensors");
        plain.save(a);
        watched.save(b);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "weights and running statistics, byte for byte");
        Path ca = dir.resolve("plain.ckpt"), cb = dir.resolve("watched.ckpt");
        plain.saveCheckpoint(ca);
        watched.saveCheckpoint(cb);
        assertArrayEquals(Files.readAllBytes(ca), Files.readAllBytes(cb), "the whole training state, optimizer state included");
    }

    private static String source(String settings) {
        return """
                model Lin(x: 4) -> 3 {
                    return dense(x, 3)
                }
                recipe t {
                    data = csv("unused.csv")
                    model = Lin
                    loss = mse
                    optimizer = sgd(lr: 0.05)
                    seed = 1
                %s
                }
                """.formatted(settings.indent(4));
    }

    private static Dataset data(int rows, SplittableRandom random) {
        float[] x = new float[rows * IN];
        for (int i = 0; i < x.length; i++) x[i] = (float) (2 * random.nextDouble() - 1);
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) labels[r] = random.nextInt(OUT);
        return new Dataset("random", x, labels, rows, IN, OUT);
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
