package dev.optc.layers;

import static dev.optc.layers.LayerRecipes.assertClose;
import static dev.optc.layers.LayerRecipes.assertStep;
import static dev.optc.layers.LayerRecipes.compile;
import static dev.optc.layers.LayerRecipes.distanceFromKinks;
import static dev.optc.layers.LayerRecipes.flatParameters;
import static dev.optc.layers.LayerRecipes.randomData;
import static dev.optc.layers.LayerRecipes.softmaxRows;
import static dev.optc.layers.LayerRecipes.source;
import static dev.optc.layers.LayerRecipes.toDouble;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.optc.api.CompilationFailed;
import dev.optc.api.CompiledRecipe;
import dev.optc.interpret.TensorInterpreter;
import dev.optc.ir.TensorOp;
import dev.optc.ir.TensorProgram;
import dev.optc.passes.EpilogueFusion;
import dev.optc.runtime.TrainListener;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.TrainResult;
import dev.optc.runtime.Trainer;
import dev.optc.runtime.data.Dataset;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The epilogue fusion ({@link EpilogueFusion}) against the reference interpreter on random inputs, three ways:
 * which ops it fuses and which it must leave (a value read twice, softmax); the fused program interpreted in double
 * means exactly what the unfused one means; and the generated trainer, which runs the fused kernels, takes the step
 * the interpreter computes from the unfused program. Widths of 16 to 48 run the vector kernels' whole vectors and
 * their scalar tails; 22 rows leave a row tail after the kernels' groups of four.
 *
 * <p>Tolerances: the two interpretations differ only by the order of double operations (1e-12 relative); the float
 * trainer against the double interpreter as in {@code BatchNormTrainerTest} (1e-5 of each tensor's gradient scale per
 * step; 1e-5·(1 + |value|) for outputs).
 */
class FusedEpiloguesTest {
    private static final double LR = 0.1;
    private static final int ROWS = 22;
    private static final String ONE_FULL_BATCH_STEP = """
            batch   = full
            shuffle = none
            epochs  = 1""";

    /** name, model body (x: 20 → 3), fused bias+activation pairs, fused batch-norm+activation pairs. */
    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("fashion-like: dense → batchnorm → relu twice", """
                        h1 = relu(batchnorm(dense(x, 64, bias: false)))
                        h2 = relu(batchnorm(dense(h1, 37, bias: false)))
                        return dense(h2, 3)""", 0, 2),
                Arguments.of("batchnorm → sigmoid", """
                        h = sigmoid(batchnorm(dense(x, 32, bias: false), momentum: 0.3))
                        return dense(h, 3)""", 0, 1),
                Arguments.of("batchnorm → tanh", """
                        h = tanh(batchnorm(dense(x, 19, bias: false), delta: 1e-3))
                        return dense(h, 3)""", 0, 1),
                Arguments.of("batchnorm → leaky_relu", """
                        h = leaky_relu(batchnorm(dense(x, 48, bias: false)), 0.2)
                        return dense(h, 3)""", 0, 1),
                Arguments.of("bias → relu, bias → sigmoid", """
                        h1 = relu(dense(x, 40))
                        h2 = sigmoid(dense(h1, 33))
                        return dense(h2, 3)""", 2, 0),
                Arguments.of("bias → tanh, bias → leaky_relu", """
                        h1 = tanh(dense(x, 16))
                        h2 = leaky_relu(dense(h1, 17), 0.1)
                        return dense(h2, 3)""", 2, 0),
                Arguments.of("a sigmoid output", """
                        h = relu(dense(x, 24))
                        return sigmoid(dense(h, 3))""", 2, 0),
                Arguments.of("a batch norm read twice stays apart", """
                        b = batchnorm(dense(x, 20, bias: false))
                        h = relu(b) + b
                        return dense(h, 3)""", 0, 0),
                Arguments.of("a product read twice stays apart", """
                        z = dense(x, 20)
                        h = tanh(z) + z
                        return dense(h, 3)""", 0, 0),
                Arguments.of("softmax stays apart", """
                        h = softmax(dense(x, 18))
                        return dense(h, 3)""", 0, 0),
                Arguments.of("residual blocks", """
                        h = tanh(dense(x, 20))
                        h = h + relu(batchnorm(dense(h, 20, bias: false)))
                        h = h + sigmoid(dense(h, 20))
                        return dense(h, 3)""", 2, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void fusesWhereItMayAndChangesNothingElse(String name, String body, int biasActivations, int batchNormActivations)
            throws CompilationFailed {
        String loss = body.contains("sigmoid(dense(h, 3))") ? "mse" : "softmax_cross_entropy";
        CompiledRecipe recipe = compile(source(body, 20, 3, loss, "sgd(lr: " + LR + ")", ONE_FULL_BATCH_STEP));
        TensorProgram program = recipe.program();
        TensorProgram fused = new EpilogueFusion().apply(program);

        assertEquals(biasActivations, count(fused.forward(), TensorOp.BiasActivate.class), name + ": bias+activation");
        assertEquals(biasActivations, count(fused.backward(), TensorOp.ActivateBiasGrad.class), name + ": backward");
        assertEquals(batchNormActivations, count(fused.forward(), TensorOp.BatchNormActivate.class), name + ": bn+activation");
        assertEquals(batchNormActivations, count(fused.backward(), TensorOp.BatchNormActivateGrad.class), name + ": backward");
        int removed = biasActivations + batchNormActivations;
        assertEquals(program.forward().size() - removed, fused.forward().size(), name + ": one op per fused pair");
        assertEquals(program.backward().size() - removed, fused.backward().size(), name + ": one op per fused pair");

        Trainer trainer = recipe.newTrainer(TrainOptions.seed(11));
        float[] theta0 = flatParameters(program, trainer);
        Dataset data = awayFromKinks(program, theta0);
        double[] input = toDouble(data.features());

        // The fused program means the unfused one: loss, gradient and running statistics, in double.
        TensorInterpreter reference = new TensorInterpreter(program, toDouble(theta0), ROWS);
        TensorInterpreter fusedReference = new TensorInterpreter(fused, toDouble(theta0), ROWS);
        double expectedLoss = reference.loss(input, data.labels(), true);
        assertEquals(expectedLoss, fusedReference.loss(input, data.labels(), true), 1e-12 * expectedLoss, name + ": loss");
        assertRelative(reference.grads, fusedReference.grads, name + ": gradient");
        assertRelative(reference.statistics, fusedReference.statistics, name + ": running statistics");

        // The generated trainer runs the fused kernels; the interpreter runs the unfused program.
        TrainResult result = trainer.fit(data, null, TrainListener.silent());
        assertEquals(expectedLoss, result.last().trainLoss(), 1e-5 * expectedLoss, name + ": the loss of the step");
        float[] theta1 = flatParameters(program, trainer);
        assertStep(program, theta0, reference.grads, LR, theta1, 1e-5, name);

        // Inference: running statistics, fused activations.
        TensorInterpreter after = new TensorInterpreter(program, toDouble(theta1), ROWS);
        System.arraycopy(reference.statistics, 0, after.statistics, 0, reference.statistics.length);
        after.setTraining(false);
        double[] expected = after.forward(input).clone();
        if (loss.equals("softmax_cross_entropy")) expected = softmaxRows(expected, ROWS, 3);
        assertClose(expected, trainer.predict(data.features(), ROWS), 1e-5, name + ": predictions after the step");
    }

    private static long count(List<TensorOp> ops, Class<? extends TensorOp> kind) {
        return ops.stream().filter(kind::isInstance).count();
    }

    private static void assertRelative(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double scale = 0;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-12 * (scale + Math.abs(expected[i])), what + " [" + i + "]");
        }
    }

    /** Data on which no ReLU input is within 1e-4 of its kink (float could take the other branch there). */
    private static Dataset awayFromKinks(TensorProgram program, float[] theta) {
        for (long seed = 1; seed <= 200; seed++) {
            Dataset data = randomData(new SplittableRandom(seed), ROWS, 20, 3);
            TensorInterpreter probe = new TensorInterpreter(program, toDouble(theta), ROWS);
            probe.forward(toDouble(data.features()));
            if (distanceFromKinks(program, probe, ROWS) > 1e-4) return data;
        }
        fail("no data away from the kinks in 200 seeds");
        return null;
    }
}
