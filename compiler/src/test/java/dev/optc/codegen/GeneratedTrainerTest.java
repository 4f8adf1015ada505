package dev.optc.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.optc.api.CompilationFailed;
import dev.optc.api.CompiledRecipe;
import dev.optc.api.Optc;
import dev.optc.check.ModelGraph.ActivationKind;
import dev.optc.interpret.TensorInterpreter;
import dev.optc.ir.ParameterSlice;
import dev.optc.ir.TensorOp;
import dev.optc.ir.TensorProgram;
import dev.optc.runtime.ParameterSpec;
import dev.optc.runtime.TrainListener;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.TrainResult;
import dev.optc.runtime.Trainer;
import dev.optc.runtime.data.Dataset;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generated float trainers against the double-precision reference interpreter, which shares no code with the
 * runtime's kernels: the same parameters (read from the trainer) and the same batch go through both.
 *
 * <p>Tolerances. The trainer computes in float (u = 2⁻²⁴ ≈ 6e-8); dot products of up to 128 terms carry a relative
 * error of about u·√n typically and n·u ≈ 8e-6 at worst, with respect to the magnitude of their terms.
 * <ul>
 *   <li>Outputs (probabilities, or raw outputs for mse): |trainer − interpreter| ≤ 1e-5·(1 + |interpreter|).</li>
 *   <li>One SGD step: |θ₁ − (θ₀ − lr·g)| ≤ 1e-5·lr·max|g over the tensor| + ulp(θ₁). The float gradient of an
 *       element is accurate relative to its tensor's gradient scale (its terms' magnitude), not to its own value, which
 *       may be a cancellation near zero; the ulp is the rounding of the stored parameter. A gradient wrong by more
 *       than 1e-5 of its tensor's scale fails.</li>
 * </ul>
 * ReLU pre-activations within 1e-4 of 0 could take the other branch in float than in double; the data are drawn from
 * successive seeds until none is that close (float errors in them are ~1e-6).
 */
class GeneratedTrainerTest {
    private static final double LR = 0.1;
    private static final double OUTPUT_TOLERANCE = 1e-5;
    private static final double STEP_TOLERANCE = 1e-5;
    private static final double KINK_MARGIN = 1e-4;

    /** name, model body (input x: 4, 3 outputs unless the name says otherwise), loss. */
    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("dense", "return dense(x, 3)", "softmax_cross_entropy"),
                Arguments.of("dense without bias", """
                        h = tanh(dense(x, 5, bias: false))
                        return dense(h, 3, bias: false)""", "softmax_cross_entropy"),
                Arguments.of("relu", """
                        h = relu(dense(x, 6))
                        return dense(h, 3)""", "softmax_cross_entropy"),
                Arguments.of("leaky_relu", """
                        h = leaky_relu(dense(x, 6), 0.1)
                        return dense(h, 3)""", "softmax_cross_entropy"),
                Arguments.of("sigmoid", """
                        h = sigmoid(dense(x, 6))
                        return dense(h, 3)""", "softmax_cross_entropy"),
                Arguments.of("tanh", """
                        h = tanh(dense(x, 6))
                        return dense(h, 3)""", "softmax_cross_entropy"),
                Arguments.of("softmax as a hidden layer", """
                        h = softmax(dense(x, 6))
                        return dense(h, 3)""", "softmax_cross_entropy"),
                Arguments.of("mse", """
                        h = relu(dense(x, 6))
                        return dense(h, 3)""", "mse"),
                Arguments.of("mse on a sigmoid output", """
                        h = tanh(dense(x, 5))
                        return sigmoid(dense(h, 3))""", "mse"),
                Arguments.of("cross_entropy on a softmax output", """
                        h = tanh(dense(x, 5))
                        return softmax(dense(h, 3))""", "cross_entropy"),
                Arguments.of("binary_cross_entropy on sigmoid outputs", """
                        h = tanh(dense(x, 5))
                        return sigmoid(dense(h, 3))""", "binary_cross_entropy"),
                Arguments.of("l1 on a linear output", """
                        h = tanh(dense(x, 5))
                        return dense(h, 3)""", "l1"),
                Arguments.of("residual", """
                        h = tanh(dense(x, 5))
                        h = h + relu(dense(h, 5))
                        return dense(h, 3)""", "softmax_cross_entropy"),
                Arguments.of("two residual blocks", """
                        h = sigmoid(dense(x, 5))
                        h = h + relu(dense(h, 5))
                        h = h + tanh(dense(h, 5, bias: false))
                        return dense(h, 3)""", "mse"),
                Arguments.of("h + h", """
                        h = tanh(dense(x, 4))
                        return dense(h + h, 3)""", "softmax_cross_entropy"),
                Arguments.of("one buffer into two dense layers", """
                        h = sigmoid(dense(x, 5))
                        a = dense(h, 3)
                        b = dense(h, 3, bias: false)
                        return a + b""", "softmax_cross_entropy"),
                Arguments.of("deep chain", """
                        h1 = tanh(dense(x, 5))
                        h2 = sigmoid(dense(h1, 4))
                        h3 = leaky_relu(dense(h2, 6), 0.1)
                        h4 = relu(dense(h3, 5))
                        h5 = softmax(dense(h4, 4))
                        h6 = tanh(dense(h5, 4))
                        return dense(h6, 3)""", "softmax_cross_entropy"),
                Arguments.of("the input used twice", """
                        a = tanh(dense(x, 4))
                        b = relu(dense(x, 4, bias: false))
                        h = a + b + x
                        return dense(h, 3) + dense(sigmoid(x), 3)""", "softmax_cross_entropy"),
                Arguments.of("digits mlp 64-128-64-10", DIGITS, "softmax_cross_entropy"));
    }

    private static final String DIGITS = """
            h1 = relu(dense(x, 128))
            h2 = relu(dense(h1, 64))
            return dense(h2, 10)""";

    static String source(String body, String loss, String optimizer, String training) {
        int inputs = body.equals(DIGITS) ? 64 : 4;
        int outputs = body.equals(DIGITS) ? 10 : 3;
        return "model M(x: " + inputs + ") -> " + outputs + " {\n" + body.indent(4) + "}\n"
                + """
                recipe gen {
                    data      = csv("unused.csv")
                    model     = M
                    loss      = %s
                    optimizer = %s
                    seed      = 7
                %s}
                """.formatted(loss, optimizer, training.indent(4));
    }

    static CompiledRecipe compile(String source) throws CompilationFailed {
        return Optc.compile(source, "generated_trainer_test.opt").first();
    }

    private static final String ONE_FULL_BATCH_STEP = """
            batch   = full
            shuffle = none
            epochs  = 1""";

    @ParameterizedTest(name = "{0} ({2})")
    @MethodSource("models")
    void trainerMatchesTheInterpreter(String name, String body, String loss) throws CompilationFailed {
        CompiledRecipe recipe = compile(source(body, loss, "sgd(lr: " + LR + ")", ONE_FULL_BATCH_STEP));
        BytecodeVerification.verifyAll(recipe.generatedClasses());
        TensorProgram program = recipe.program();
        Trainer trainer = recipe.newTrainer(TrainOptions.seed(11));
        assertLayoutAgrees(program, trainer);
        float[] theta0 = flatParameters(program, trainer);

        int rows = body.equals(DIGITS) ? 48 : 16;
        Dataset data = awayFromKinks(program, theta0, rows);
        double[] input = toDouble(data.features());
        TensorInterpreter interpreter = new TensorInterpreter(program, toDouble(theta0), rows);

        // (a) the forward pass, through predict
        float[] predicted = trainer.predict(data.features(), rows);
        double[] expected = interpreter.forward(input).clone();
        int width = program.output().width();
        if (loss.equals("softmax_cross_entropy")) expected = softmaxRows(expected, rows, width);
        assertEquals(rows * width, predicted.length);
        for (int i = 0; i < predicted.length; i++) {
            assertEquals(expected[i], predicted[i], OUTPUT_TOLERANCE * (1 + Math.abs(expected[i])),
                    name + ": output " + i / width + "," + i % width);
        }

        // (b) one SGD step on one full batch: θ₁ = θ₀ − lr·∇L(θ₀)
        double expectedLoss = interpreter.loss(input, data.labels(), true);
        double[] gradient = interpreter.grads.clone();
        TrainResult result = trainer.fit(data, null, TrainListener.silent());
        assertEquals(1, result.last().steps(), "a full batch for one epoch is one step");
        assertEquals(expectedLoss, result.last().trainLoss(), 1e-5 * expectedLoss, name + ": the loss of the step");
        assertStep(program, theta0, gradient, LR, flatParameters(program, trainer), name);
    }

    /** An update rule that uses every element-wise construct the code generators know. */
    private static final String EVERY_CONSTRUCT = """
            optimizer every_construct(lr = 0.01, beta = 0.5, floor = 1e-8) {
                state m = 0, k = lr, flag = 1
                lookahead theta - beta * m
                let a = abs(g) + sign(g) * min(g, 0.5) - max(g, -0.5)
                m = beta * m + (1 - beta) * clamp(g, -1, 1) / (1 - beta ^ t)
                k = (g > 0 && m >= 0) || !(g <= 0) ? k * 1.01 : k / exp(log(2))
                flag = g == 0 || g != g ? 0 : flag
                theta -= lr * sqrt(abs(m) + floor) * sign(m) + k * g ^ 2 * a * flag
            }
            """;

    static Stream<String> optimizers() {
        return Stream.of("sgd(lr: 0.1)", "momentum", "nesterov", "adagrad", "rmsprop", "rmsprop_nesterov", "adam", "adadelta",
                "delta_bar_delta", "adamw", "amsgrad", "nadam", "lion", "every_construct");
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void everyGeneratedClassVerifiesWithEachOptimizer(String optimizer) throws CompilationFailed {
        // The update kernels differ per optimizer: state arrays, lets, lookahead, t-dependent scalars, selects.
        String body = """
                h = tanh(dense(x, 5))
                h = h + relu(dense(h, 5))
                return dense(h, 3)""";
        CompiledRecipe recipe = compile(EVERY_CONSTRUCT + source(body, "softmax_cross_entropy", optimizer, "batch = 8"));
        BytecodeVerification.verifyAll(recipe.generatedClasses());
        // Loading and one short run must not throw either (a class can verify and still fail to link).
        Trainer trainer = recipe.newTrainer(TrainOptions.seed(2).withEpochs(2));
        trainer.fit(randomData(new SplittableRandom(4), 20, 4, 3), null, TrainListener.silent());
        for (ParameterSpec p : trainer.parameters()) {
            for (float v : trainer.parameter(p.name())) assertTrue(Float.isFinite(v), optimizer + ": " + p.name() + " " + v);
        }
    }

    @Test
    void sameSeedSameBitsDifferentSeedDifferentBits() throws CompilationFailed {
        String source = source("""
                h = tanh(dense(x, 6))
                h = h + relu(dense(h, 6))
                return dense(h, 3)""", "softmax_cross_entropy", "sgd(lr: 0.05)", """
                batch   = 8
                shuffle = every_epoch
                epochs  = 3""");
        CompiledRecipe recipe = compile(source);
        Dataset data = randomData(new SplittableRandom(21), 45, 4, 3); // 45 = 5 full batches and a partial one

        Trainer a = recipe.newTrainer(TrainOptions.seed(5));
        Trainer b = recipe.newTrainer(TrainOptions.seed(5));
        Trainer other = recipe.newTrainer(TrainOptions.seed(6));
        // The same recipe compiled again: code generation is deterministic too.
        CompiledRecipe again = compile(source);
        for (int i = 0; i < recipe.generatedClasses().size(); i++) {
            assertArrayEquals(recipe.generatedClasses().get(i).bytes(), again.generatedClasses().get(i).bytes(),
                    "the bytes of " + recipe.generatedClasses().get(i).name());
        }
        Trainer c = again.newTrainer(TrainOptions.seed(5));

        float[] initialA = flatParameters(recipe.program(), a);
        assertFalse(Arrays.equals(initialA, flatParameters(recipe.program(), other)), "another seed, other initial weights");

        TrainResult ra = a.fit(data, null, TrainListener.silent());
        TrainResult rb = b.fit(data, null, TrainListener.silent());
        TrainResult rc = c.fit(data, null, TrainListener.silent());
        other.fit(data, null, TrainListener.silent());
        assertEquals(18, ra.last().steps(), "3 epochs of 6 batches");

        float[] finalA = flatParameters(recipe.program(), a);
        assertFalse(Arrays.equals(initialA, finalA), "training moved the weights");
        assertTrue(Arrays.equals(finalA, flatParameters(recipe.program(), b)), "same seed, same bits");
        assertTrue(Arrays.equals(finalA, flatParameters(recipe.program(), c)), "same seed, recompiled, same bits");
        assertFalse(Arrays.equals(finalA, flatParameters(recipe.program(), other)), "another seed, other bits");
        for (int e = 0; e < 3; e++) {
            assertEquals(Double.doubleToLongBits(ra.epochs().get(e).trainLoss()),
                    Double.doubleToLongBits(rb.epochs().get(e).trainLoss()), "epoch " + (e + 1) + " loss");
            assertEquals(Double.doubleToLongBits(ra.epochs().get(e).trainLoss()),
                    Double.doubleToLongBits(rc.epochs().get(e).trainLoss()), "epoch " + (e + 1) + " loss, recompiled");
        }
    }

    @Test
    void predictAndEvaluateWorkInBatchSizedChunks() throws CompilationFailed {
        // 45 rows through a trainer whose batch is 8: five full chunks and a tail of 5, each at its own offset.
        CompiledRecipe recipe = compile(source("""
                h = sigmoid(dense(x, 6))
                return dense(h, 3)""", "softmax_cross_entropy", "sgd(lr: 0.1)", "batch = 8"));
        TensorProgram program = recipe.program();
        Trainer trainer = recipe.newTrainer(TrainOptions.seed(9));
        int rows = 45, width = program.output().width();
        Dataset data = randomData(new SplittableRandom(10), rows, 4, 3);
        TensorInterpreter interpreter = new TensorInterpreter(program, toDouble(flatParameters(program, trainer)), rows);
        double[] logits = interpreter.forward(toDouble(data.features())).clone();
        double[] expected = softmaxRows(logits, rows, width);

        float[] predicted = trainer.predict(data.features(), rows);
        for (int i = 0; i < predicted.length; i++) {
            assertEquals(expected[i], predicted[i], OUTPUT_TOLERANCE * (1 + expected[i]), "row " + i / width + ", class " + i % width);
        }

        int correct = 0;
        for (int r = 0; r < rows; r++) {
            int best = 0, second = -1;
            for (int j = 1; j < width; j++) if (logits[r * width + j] > logits[r * width + best]) best = j;
            for (int j = 0; j < width; j++) if (j != best && (second < 0 || logits[r * width + j] > logits[r * width + second])) second = j;
            // A near tie could go either way in float; this data has none.
            assertTrue(logits[r * width + best] - logits[r * width + second] > 1e-5, "row " + r + " is a near tie");
            if (best == data.labels()[r]) correct++;
        }
        double expectedLoss = interpreter.loss(toDouble(data.features()), data.labels(), false);
        var evaluation = trainer.evaluate(data);
        assertEquals(rows, evaluation.rows());
        assertEquals(expectedLoss, evaluation.loss(), 1e-5 * expectedLoss);
        assertEquals((double) correct / rows, evaluation.accuracy());
    }

    @Test
    void changingTheLearningRateBetweenFitsChangesTheStep() throws CompilationFailed {
        CompiledRecipe recipe = compile(source("""
                h = tanh(dense(x, 5))
                return dense(h, 3)""", "softmax_cross_entropy", "sgd(lr: " + LR + ")", ONE_FULL_BATCH_STEP));
        TensorProgram program = recipe.program();
        Dataset data = randomData(new SplittableRandom(8), 12, 4, 3);
        double[] input = toDouble(data.features());

        Trainer changed = recipe.newTrainer(TrainOptions.seed(3));
        Trainer kept = recipe.newTrainer(TrainOptions.seed(3));
        assertEquals(List.of("lr"), changed.hyperparameterNames());
        assertEquals(LR, changed.hyperparameter("lr"));

        changed.fit(data, null, TrainListener.silent());
        kept.fit(data, null, TrainListener.silent());
        float[] theta1 = flatParameters(program, changed);
        assertArrayEquals(theta1, flatParameters(program, kept), "the same first step");

        double newLr = 0.025;
        changed.setHyperparameter("lr", newLr);
        assertEquals(newLr, changed.hyperparameter("lr"));
        assertEquals(LR, kept.hyperparameter("lr"), "each trainer has its own hyperparameters");
        changed.fit(data, null, TrainListener.silent());
        kept.fit(data, null, TrainListener.silent());

        TensorInterpreter interpreter = new TensorInterpreter(program, toDouble(theta1), data.rows());
        interpreter.loss(input, data.labels(), true);
        double[] gradient = interpreter.grads.clone();
        float[] theta2Changed = flatParameters(program, changed);
        float[] theta2Kept = flatParameters(program, kept);
        assertStep(program, theta1, gradient, newLr, theta2Changed, "after lr = " + newLr);
        assertStep(program, theta1, gradient, LR, theta2Kept, "with lr unchanged");
        // And the steps themselves are in the ratio of the learning rates.
        double changedNorm = 0, keptNorm = 0;
        for (int i = 0; i < theta1.length; i++) {
            changedNorm += Math.abs((double) theta2Changed[i] - theta1[i]);
            keptNorm += Math.abs((double) theta2Kept[i] - theta1[i]);
        }
        assertEquals(newLr / LR, changedNorm / keptNorm, 1e-3);

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> changed.setHyperparameter("learning_rate", 1.0));
        assertTrue(unknown.getMessage().contains("learning_rate"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> changed.hyperparameter("momentum"));
        assertThrows(IllegalArgumentException.class, () -> changed.setHyperparameter("LR", 1.0), "names are case-sensitive");
        assertEquals(newLr, changed.hyperparameter("lr"), "a rejected name changes nothing");
    }

    @Test
    void everyHyperparameterOfAnOptimizerCanBeReadAndSet() throws CompilationFailed {
        CompiledRecipe recipe = compile(source("return dense(x, 3)", "mse", "adam(lr: 0.01, rho2: 0.99)", "batch = 4"));
        Trainer trainer = recipe.newTrainer(TrainOptions.seed(1));
        assertEquals(List.of("lr", "rho1", "rho2", "delta"), trainer.hyperparameterNames());
        assertEquals(0.01, trainer.hyperparameter("lr"));
        assertEquals(0.9, trainer.hyperparameter("rho1"));
        assertEquals(0.99, trainer.hyperparameter("rho2"));
        assertEquals(1e-8, trainer.hyperparameter("delta"));
        double value = 0.5;
        for (String name : trainer.hyperparameterNames()) {
            trainer.setHyperparameter(name, value);
            assertEquals(value, trainer.hyperparameter(name), name);
            value /= 2;
        }
        assertEquals(0.25, trainer.hyperparameter("rho1"), "setting one leaves the others");
        assertThrows(IllegalArgumentException.class, () -> trainer.setHyperparameter("alpha", 0.9));
    }

    // ---- oracle comparisons ----

    private static void assertStep(TensorProgram program, float[] before, double[] gradient, double lr, float[] after,
                                   String what) {
        double worst = 0;
        String worstAt = "";
        for (ParameterSlice slice : program.parameters()) {
            double scale = 0;
            for (int e = 0; e < slice.size(); e++) scale = Math.max(scale, Math.abs(gradient[slice.offset() + e]));
            assertTrue(lr * scale > 100 * Math.ulp(1f), what + ": " + slice.name() + " barely moves; the check would be empty");
            for (int e = 0; e < slice.size(); e++) {
                int i = slice.offset() + e;
                double expected = before[i] - lr * gradient[i];
                double allowed = STEP_TOLERANCE * lr * scale + Math.ulp((float) expected);
                double ratio = Math.abs(after[i] - expected) / allowed;
                if (ratio > worst) {
                    worst = ratio;
                    worstAt = slice.name() + "[" + e + "]: θ₀ " + before[i] + ", g " + gradient[i] + ", expected "
                            + expected + ", trainer " + after[i];
                }
            }
        }
        if (worst > 1) fail(what + ": step off by " + worst + " times the tolerance at " + worstAt);
    }

    private static void assertLayoutAgrees(TensorProgram program, Trainer trainer) {
        List<ParameterSpec> specs = trainer.parameters();
        assertEquals(program.parameters().size(), specs.size());
        for (int i = 0; i < specs.size(); i++) {
            ParameterSlice slice = program.parameters().get(i);
            ParameterSpec spec = specs.get(i);
            assertEquals(slice.name(), spec.name());
            assertEquals(slice.offset(), spec.offset(), slice.name());
            assertArrayEquals(slice.shape(), spec.shape(), slice.name());
        }
    }

    /** The trainer's parameters in the program's flat layout, read through the public API only. */
    private static float[] flatParameters(TensorProgram program, Trainer trainer) {
        float[] flat = new float[program.parameterCount()];
        for (ParameterSpec p : trainer.parameters()) {
            float[] values = trainer.parameter(p.name());
            assertEquals(p.size(), values.length, p.name());
            System.arraycopy(values, 0, flat, p.offset(), values.length);
        }
        return flat;
    }

    // ---- data ----

    /** Random features in [0, 1) and labels, from the first seed whose ReLU pre-activations keep clear of 0. */
    private static Dataset awayFromKinks(TensorProgram program, float[] theta, int rows) {
        int classes = program.output().width();
        for (long seed = 1; seed <= 200; seed++) {
            Dataset data = randomData(new SplittableRandom(seed), rows, program.input().width(), classes);
            TensorInterpreter interpreter = new TensorInterpreter(program, toDouble(theta), rows);
            interpreter.forward(toDouble(data.features()));
            double closest = Double.POSITIVE_INFINITY;
            for (TensorOp op : program.forward()) {
                if (op instanceof TensorOp.Activate a && (a.kind() == ActivationKind.RELU || a.kind() == ActivationKind.LEAKY_RELU)) {
                    for (double z : interpreter.buffer(a.x())) closest = Math.min(closest, Math.abs(z));
                }
            }
            if (closest > KINK_MARGIN) return data;
        }
        throw new AssertionError("no data seed in 1..200 keeps the ReLU pre-activations away from 0");
    }

    private static Dataset randomData(SplittableRandom random, int rows, int width, int classes) {
        float[] features = new float[rows * width];
        for (int i = 0; i < features.length; i++) features[i] = (float) random.nextDouble();
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) labels[r] = random.nextInt(classes);
        return new Dataset("random", features, labels, rows, width, classes);
    }

    private static double[] softmaxRows(double[] z, int rows, int width) {
        double[] p = new double[z.length];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < width; j++) max = Math.max(max, z[r * width + j]);
            for (int j = 0; j < width; j++) sum += p[r * width + j] = Math.exp(z[r * width + j] - max);
            for (int j = 0; j < width; j++) p[r * width + j] /= sum;
        }
        return p;
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
