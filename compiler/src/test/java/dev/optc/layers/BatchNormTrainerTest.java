package dev.optc.layers;

import static dev.optc.layers.LayerRecipes.assertClose;
import static dev.optc.layers.LayerRecipes.assertStep;
import static dev.optc.layers.LayerRecipes.compile;
import static dev.optc.layers.LayerRecipes.flatParameters;
import static dev.optc.layers.LayerRecipes.randomData;
import static dev.optc.layers.LayerRecipes.savedStatistics;
import static dev.optc.layers.LayerRecipes.softmaxRows;
import static dev.optc.layers.LayerRecipes.source;
import static dev.optc.layers.LayerRecipes.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompilationFailed;
import dev.optc.api.CompiledRecipe;
import dev.optc.api.Optc;
import dev.optc.diagnostics.Diagnostic;
import dev.optc.diagnostics.Severity;
import dev.optc.interpret.TensorInterpreter;
import dev.optc.ir.TensorProgram;
import dev.optc.runtime.TrainListener;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.TrainResult;
import dev.optc.runtime.Trainer;
import dev.optc.runtime.checkpoint.LongTensor;
import dev.optc.runtime.checkpoint.Safetensors;
import dev.optc.runtime.checkpoint.Tensor;
import dev.optc.runtime.data.Dataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generated trainers with batch norm and maxout against the double-precision interpreter: the training-mode forward
 * and backward through one SGD step on a full batch, the running statistics (read back from a checkpoint), and
 * inference (running statistics) through {@code predict}.
 *
 * <p>Tolerances, from float's unit roundoff u = 2⁻²⁴ ≈ 6e-8 and sums of at most 128 terms (n·u ≈ 8e-6 at worst):
 * <ul>
 *   <li>one step: |θ₁ − (θ₀ − lr·g)| ≤ 1e-5·lr·max|g over the tensor| + ulp(θ₁), as for the other layers: batch
 *       norm's dx = γ/(N·σ)·(N·dy − Σdy − x̂·Σdy·x̂) cancels, but its terms are of the size of the tensor's gradient;</li>
 *   <li>outputs and running statistics: 1e-5·(1 + |value|); a biased variance where the unbiased one belongs is off by
 *       a factor N/(N − 1), which is 1/15 of the value at N = 16;</li>
 *   <li>after several steps replayed in double: 1e-4·(1 + |value|), since the float and double trajectories drift
 *       apart by about the per-step error times the number of steps.</li>
 * </ul>
 * ReLU pre-activations within 1e-4 of 0, or maxout groups whose two largest inputs are that close, could take the
 * other branch in float; data are drawn from successive seeds until none is that close.
 */
class BatchNormTrainerTest {
    private static final double LR = 0.1;
    private static final double STEP_TOLERANCE = 1e-5;
    private static final double OUTPUT_TOLERANCE = 1e-5;
    private static final double DRIFT_TOLERANCE = 1e-4;
    private static final double KINK_MARGIN = 1e-4;
    private static final String ONE_FULL_BATCH_STEP = """
            batch   = full
            shuffle = none
            epochs  = 1""";

    @TempDir
    Path dir;

    /** name, model body, inputs, outputs, loss, rows. */
    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("dense → batchnorm → relu", """
                        h = relu(batchnorm(dense(x, 8, bias: false)))
                        return dense(h, 3)""", 4, 3, "softmax_cross_entropy", 16),
                Arguments.of("batchnorm on the input, momentum 1", "return dense(batchnorm(x, momentum: 1), 3)",
                        4, 3, "softmax_cross_entropy", 16),
                Arguments.of("two batchnorms and a residual add", """
                        h = tanh(batchnorm(dense(x, 6, bias: false), momentum: 0.3))
                        h = h + relu(batchnorm(dense(h, 6, bias: false), delta: 1e-3))
                        return dense(h, 3)""", 4, 3, "softmax_cross_entropy", 12),
                Arguments.of("batchnorm as the output layer", "return batchnorm(dense(x, 3, bias: false))", 4, 3, "mse", 10),
                Arguments.of("maxout(2)", """
                        h = maxout(dense(x, 8), 2)
                        return dense(h, 3)""", 4, 3, "softmax_cross_entropy", 16),
                Arguments.of("maxout(3) in a residual block", """
                        h = tanh(dense(x, 5))
                        h = h + maxout(dense(h, 15), 3)
                        return dense(h, 3)""", 4, 3, "mse", 16),
                Arguments.of("maxout on the input", "return dense(maxout(x, 2), 3)", 4, 3, "softmax_cross_entropy", 8),
                Arguments.of("batchnorm → maxout", """
                        h = maxout(batchnorm(dense(x, 12, bias: false)), 4)
                        return dense(h, 3)""", 4, 3, "softmax_cross_entropy", 16),
                Arguments.of("digits-sized 64-128-bn-maxout(4)-10", """
                        h1 = relu(batchnorm(dense(x, 128, bias: false)))
                        h2 = maxout(dense(h1, 128), 4)
                        return dense(h2, 10)""", 64, 10, "softmax_cross_entropy", 48));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void oneStepAndPredictionsMatchTheInterpreter(String name, String body, int inputs, int outputs, String loss, int rows)
            throws CompilationFailed, IOException {
        CompiledRecipe recipe = compile(source(body, inputs, outputs, loss, "sgd(lr: " + LR + ")", ONE_FULL_BATCH_STEP));
        TensorProgram program = recipe.program();
        Trainer trainer = recipe.newTrainer(TrainOptions.seed(11));
        float[] theta0 = flatParameters(program, trainer);
        Dataset data = awayFromKinks(program, theta0, rows);
        double[] input = toDouble(data.features());

        // Inference before any step: the running statistics are still 0 and 1.
        float[] initialStatistics = savedStatistics(program, trainer, dir);
        TensorInterpreter before = new TensorInterpreter(program, toDouble(theta0), rows);
        assertArrayEquals(before.statistics, toDouble(initialStatistics), "running means start at 0, variances at 1");
        before.setTraining(false);
        assertClose(expectedPredictions(program, before, input, rows), trainer.predict(data.features(), rows),
                OUTPUT_TOLERANCE, name + ": predict before training");

        // One SGD step on the full batch: θ₁ = θ₀ − lr·∇L(θ₀), batch statistics in the forward pass.
        TensorInterpreter training = new TensorInterpreter(program, toDouble(theta0), rows);
        double expectedLoss = training.loss(input, data.labels(), true);
        TrainResult result = trainer.fit(data, null, TrainListener.silent());
        assertEquals(1, result.last().steps());
        assertEquals(expectedLoss, result.last().trainLoss(), 1e-5 * expectedLoss, name + ": the loss of the step");
        float[] theta1 = flatParameters(program, trainer);
        assertStep(program, theta0, training.grads, LR, theta1, STEP_TOLERANCE, name);

        // The running statistics moved once, by the momentum, towards the batch's mean and unbiased variance.
        float[] statistics = savedStatistics(program, trainer, dir);
        assertClose(training.statistics, statistics, OUTPUT_TOLERANCE, name + ": running statistics after one step");

        // Inference after the step, with the trainer's own weights and statistics.
        TensorInterpreter after = new TensorInterpreter(program, toDouble(theta1), rows);
        System.arraycopy(toDouble(statistics), 0, after.statistics, 0, statistics.length);
        after.setTraining(false);
        assertClose(expectedPredictions(program, after, input, rows), trainer.predict(data.features(), rows),
                OUTPUT_TOLERANCE, name + ": predict after one step");
        assertArrayEquals(statistics, savedStatistics(program, trainer, dir), "predict leaves the running statistics alone");
    }

    /**
     * Several steps in mini-batches, replayed in double by the interpreter (same batches, θ ← θ − lr·g in double):
     * the weights, the running statistics and the inference-mode predictions of both agree, and evaluate's loss is
     * the interpreter's inference-mode loss. A checkpoint loaded into a fresh trainer predicts the same bits.
     */
    @Test
    void severalStepsAgreeWithTheInterpreterReplayingThem() throws CompilationFailed, IOException {
        String body = """
                h1 = tanh(batchnorm(dense(x, 8, bias: false)))
                h2 = tanh(batchnorm(dense(h1, 6, bias: false), momentum: 0.2))
                h3 = maxout(dense(h2, 6), 2)
                return dense(h3, 3)""";
        int batch = 8, rows = 24, epochs = 2;
        CompiledRecipe recipe = compile(source(body, 4, 3, "softmax_cross_entropy", "sgd(lr: " + LR + ")",
                "batch = " + batch + "\nshuffle = none\nepochs = " + epochs));
        TensorProgram program = recipe.program();
        Trainer trainer = recipe.newTrainer(TrainOptions.seed(3));
        double[] theta = toDouble(flatParameters(program, trainer));
        Dataset data = randomData(new SplittableRandom(5), rows, 4, 3);

        TensorInterpreter replay = new TensorInterpreter(program, theta, batch);
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int from = 0; from < rows; from += batch) {
                double[] x = new double[batch * 4];
                for (int i = 0; i < x.length; i++) x[i] = data.features()[from * 4 + i];
                replay.loss(x, Arrays.copyOfRange(data.labels(), from, from + batch), true);
                assertTrue(LayerRecipes.distanceFromKinks(program, replay, batch) > KINK_MARGIN, "a maxout near-tie in the replay");
                for (int i = 0; i < theta.length; i++) theta[i] -= LR * replay.grads[i];
            }
        }
        TrainResult result = trainer.fit(data, null, TrainListener.silent());
        assertEquals(epochs * rows / batch, result.last().steps());

        assertClose(theta, flatParameters(program, trainer), DRIFT_TOLERANCE, "weights after " + result.last().steps() + " steps");
        float[] statistics = savedStatistics(program, trainer, dir);
        assertClose(replay.statistics, statistics, DRIFT_TOLERANCE, "running statistics after " + result.last().steps() + " steps");

        TensorInterpreter inference = new TensorInterpreter(program, theta, rows);
        System.arraycopy(replay.statistics, 0, inference.statistics, 0, replay.statistics.length);
        inference.setTraining(false);
        double[] input = toDouble(data.features());
        float[] predicted = trainer.predict(data.features(), rows);
        assertClose(expectedPredictions(program, inference, input, rows), predicted, DRIFT_TOLERANCE, "predict");
        double expectedLoss = inference.loss(input, data.labels(), false);
        assertEquals(expectedLoss, trainer.evaluate(data).loss(), DRIFT_TOLERANCE * expectedLoss, "evaluate's loss");

        Path checkpoint = dir.resolve("trained.safetensors");
        trainer.save(checkpoint);
        Trainer fresh = recipe.newTrainer(TrainOptions.seed(99));
        assertFalse(Arrays.equals(predicted, fresh.predict(data.features(), rows)), "another seed predicts otherwise");
        fresh.load(checkpoint);
        assertArrayEquals(predicted, fresh.predict(data.features(), rows), "the loaded weights and statistics predict the same bits");
    }

    /**
     * Batch norm on the input: the batch statistics do not depend on the weights, so the running estimates after k
     * steps follow from the data alone (PyTorch's BatchNorm1d): µ̂ ← (1 − m)µ̂ + m·mean, σ̂² ← (1 − m)σ̂² + m·s²
     * with s² the unbiased variance Σ(x − mean)²/(N − 1), from µ̂ = 0, σ̂² = 1. 20 rows in batches of 8 give batches
     * of 8, 8 and 4 rows, twice.
     */
    @Test
    void runningStatisticsFollowTheMomentumFormula() throws CompilationFailed, IOException {
        double m = 0.3;
        int width = 4, rows = 20, batch = 8, epochs = 2;
        CompiledRecipe recipe = compile(source("""
                h = batchnorm(x, momentum: %s, name: "norm0")
                return dense(h, 3)""".formatted(m), width, 3, "softmax_cross_entropy", "sgd(lr: 0.1)",
                "batch = " + batch + "\nshuffle = none\nepochs = " + epochs));
        Trainer trainer = recipe.newTrainer(TrainOptions.seed(4));
        Dataset data = randomData(new SplittableRandom(17), rows, width, 3);
        trainer.fit(data, null, TrainListener.silent());

        double[] runningMean = new double[width], runningVar = new double[width];
        Arrays.fill(runningVar, 1);
        long batches = 0;
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int from = 0; from < rows; from += batch) {
                int n = Math.min(batch, rows - from);
                batches++;
                for (int j = 0; j < width; j++) {
                    double mean = 0, squares = 0;
                    for (int r = from; r < from + n; r++) mean += data.features()[r * width + j];
                    mean /= n;
                    for (int r = from; r < from + n; r++) {
                        double d = data.features()[r * width + j] - mean;
                        squares += d * d;
                    }
                    runningMean[j] = (1 - m) * runningMean[j] + m * mean;
                    runningVar[j] = (1 - m) * runningVar[j] + m * squares / (n - 1);
                }
            }
        }
        Path file = dir.resolve("bn.safetensors");
        trainer.save(file);
        Map<String, Tensor> tensors = Safetensors.read(file).tensors();
        for (String suffix : List.of("weight", "bias", "running_mean", "running_var")) {
            Tensor t = tensors.get("norm0." + suffix);
            assertTrue(t != null, "the checkpoint has norm0." + suffix + "; it has " + tensors.keySet());
            assertArrayEquals(new int[] {width}, t.shape(), "norm0." + suffix);
        }
        // PyTorch's load_state_dict(strict=True) also wants the int64 count of training batches.
        assertEquals(LongTensor.scalar(batches), Safetensors.read(file).integers().get("norm0.num_batches_tracked"),
                "norm0.num_batches_tracked counts the training batches");
        assertClose(runningMean, tensors.get("norm0.running_mean").data(), OUTPUT_TOLERANCE, "running mean");
        assertClose(runningVar, tensors.get("norm0.running_var").data(), OUTPUT_TOLERANCE, "running variance");
        // γ and β are trained like any parameter: they left 1 and 0.
        assertFalse(Arrays.equals(new float[] {1, 1, 1, 1}, tensors.get("norm0.weight").data()), "γ moved");
        assertFalse(Arrays.equals(new float[width], tensors.get("norm0.bias").data()), "β moved");
    }

    @Test
    void aDenseBiasFeedingBatchnormIsWarnedAbout() throws CompilationFailed {
        String redundant = source("""
                h = relu(batchnorm(dense(x, 8)))
                return dense(h, 3)""", 4, 3, "softmax_cross_entropy", "sgd(lr: 0.1)", "");
        List<Diagnostic> warnings = Optc.compile(redundant, "w002.opt").warnings();
        assertTrue(warnings.stream().anyMatch(d -> d.code().equals("W002") && d.severity() == Severity.WARNING), warnings.toString());
        Diagnostic w002 = warnings.stream().filter(d -> d.code().equals("W002")).findFirst().orElseThrow();
        assertEquals(2, w002.span().line(), "it points at the dense layer's line");
        assertTrue(w002.span().text().startsWith("dense("), w002.span().text());

        String clean = source("""
                h = relu(batchnorm(dense(x, 8, bias: false)))
                return dense(h, 3)""", 4, 3, "softmax_cross_entropy", "sgd(lr: 0.1)", "");
        assertTrue(Optc.compile(clean, "no_w002.opt").warnings().stream().noneMatch(d -> d.code().equals("W002")));
        // A dense with a bias is fine before anything but batch norm.
        String elsewhere = source("""
                h = batchnorm(relu(dense(x, 8)))
                return dense(h, 3)""", 4, 3, "softmax_cross_entropy", "sgd(lr: 0.1)", "");
        assertTrue(Optc.compile(elsewhere, "relu_between.opt").warnings().stream().noneMatch(d -> d.code().equals("W002")));
    }

    // ---- the oracle's side ----

    /** What predict returns according to the interpreter: probabilities for softmax cross-entropy, else raw outputs. */
    private static double[] expectedPredictions(TensorProgram program, TensorInterpreter interpreter, double[] input, int rows) {
        double[] out = interpreter.forward(input).clone();
        return program.loss() == TensorProgram.Loss.SOFTMAX_CROSS_ENTROPY ? softmaxRows(out, rows, program.output().width()) : out;
    }

    /** Random data from the first seed whose training-mode forward keeps {@link #KINK_MARGIN} from every kink. */
    private static Dataset awayFromKinks(TensorProgram program, float[] theta, int rows) {
        for (long seed = 1; seed <= 200; seed++) {
            Dataset data = randomData(new SplittableRandom(seed), rows, program.input().width(), program.output().width());
            TensorInterpreter interpreter = new TensorInterpreter(program, toDouble(theta), rows);
            interpreter.forward(toDouble(data.features()));
            if (LayerRecipes.distanceFromKinks(program, interpreter, rows) > KINK_MARGIN) return data;
        }
        throw new AssertionError("no data seed in 1..200 keeps the ReLU and maxout inputs away from their kinks");
    }
}
