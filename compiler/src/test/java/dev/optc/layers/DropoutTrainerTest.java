package dev.optc.layers;

import static dev.optc.layers.LayerRecipes.compile;
import static dev.optc.layers.LayerRecipes.flatParameters;
import static dev.optc.layers.LayerRecipes.randomData;
import static dev.optc.layers.LayerRecipes.softmaxRows;
import static dev.optc.layers.LayerRecipes.source;
import static dev.optc.layers.LayerRecipes.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompilationFailed;
import dev.optc.api.CompiledRecipe;
import dev.optc.interpret.TensorInterpreter;
import dev.optc.ir.TensorProgram;
import dev.optc.runtime.Evaluation;
import dev.optc.runtime.ParameterSpec;
import dev.optc.runtime.TrainListener;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.TrainResult;
import dev.optc.runtime.Trainer;
import dev.optc.runtime.data.Dataset;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Dropout in generated trainers. Its mask is random, so the trainer cannot be compared with the interpreter step for
 * step; instead the mask is read off the step the trainer took, and that step is checked against the formula
 * written out here for that mask, the scale 1/(1 − p) included.
 */
class DropoutTrainerTest {
    private static final int INPUTS = 8;
    private static final int UNITS = 4000;
    private static final double LR = 0.1;

    /**
     * x [1, 8] → W₁ [4000, 8] → dropout(p) → W₂ [1, 4000] → z, loss (z − 1)² (mse, label 0 of one output). With the
     * mask m (0, or 1/(1 − p) for a kept unit) and h = W₁x:
     * z = Σ W₂[j]·m[j]·h[j], dL/dz = 2(z − 1), ΔW₂[j] = −lr·2(z − 1)·m[j]·h[j], ΔW₁[j, k] = −lr·2(z − 1)·W₂[j]·m[j]·x[k].
     * A unit is dropped exactly when neither of its weights moved. The fraction dropped is within 4 standard errors
     * √(p(1 − p)/4000) of p. The steps agree within 1e-4 of each tensor's largest step (z is a float sum of 4000
     * terms, whose rounding error is ~√4000·u ≈ 4e-6 of their magnitude) plus one ulp; scaling by 1 or by 1/p instead
     * of 1/(1 − p) changes z and every kept step by far more.
     */
    @ParameterizedTest(name = "p = {0}")
    @ValueSource(doubles = {0.1, 0.5, 0.8})
    void aFractionPOfUnitsIsDroppedAndTheRestScaled(double p) throws CompilationFailed {
        CompiledRecipe recipe = compile(source("""
                h = dense(x, %d, bias: false)
                return dense(dropout(h, %s), 1, bias: false)""".formatted(UNITS, p), INPUTS, 1, "mse", "sgd(lr: " + LR + ")",
                "batch = full\nshuffle = none\nepochs = 1"));
        Trainer trainer = recipe.newTrainer(TrainOptions.seed(23));
        float[] w1 = trainer.parameter("h.weight"), w2 = trainer.parameter("out.weight");
        assertEquals(UNITS * INPUTS, w1.length);
        assertEquals(UNITS, w2.length);
        Dataset data = randomData(new SplittableRandom(2), 1, INPUTS, 1);
        float[] x = data.features();

        TrainResult result = trainer.fit(data, null, TrainListener.silent());
        float[] w1After = trainer.parameter("h.weight"), w2After = trainer.parameter("out.weight");

        double[] h = new double[UNITS], m = new double[UNITS];
        int dropped = 0;
        for (int j = 0; j < UNITS; j++) {
            for (int k = 0; k < INPUTS; k++) h[j] += (double) w1[j * INPUTS + k] * x[k];
            boolean kept = w2After[j] != w2[j];
            for (int k = 0; k < INPUTS; k++) kept |= w1After[j * INPUTS + k] != w1[j * INPUTS + k];
            m[j] = kept ? 1 / (1 - p) : 0;
            if (!kept) dropped++;
        }
        double fraction = (double) dropped / UNITS;
        double standardError = Math.sqrt(p * (1 - p) / UNITS);
        assertEquals(p, fraction, 4 * standardError, "the fraction of dropped units");

        double z = 0;
        for (int j = 0; j < UNITS; j++) z += w2[j] * m[j] * h[j];
        double dz = 2 * (z - 1);
        assertTrue(Math.abs(dz) > 1e-2, "the step is not degenerate: dL/dz = " + dz);
        assertEquals((z - 1) * (z - 1), result.last().trainLoss(), 1e-4 * (z - 1) * (z - 1), "the loss with this mask");

        double[] expectedW2 = new double[UNITS], expectedW1 = new double[UNITS * INPUTS];
        for (int j = 0; j < UNITS; j++) {
            expectedW2[j] = w2[j] - LR * dz * m[j] * h[j];
            for (int k = 0; k < INPUTS; k++) expectedW1[j * INPUTS + k] = w1[j * INPUTS + k] - LR * dz * w2[j] * m[j] * x[k];
        }
        assertSteps(w2, expectedW2, w2After, "out.weight");
        assertSteps(w1, expectedW1, w1After, "h.weight");
    }

    private static void assertSteps(float[] before, double[] expected, float[] after, String what) {
        double largest = 0;
        for (int i = 0; i < before.length; i++) largest = Math.max(largest, Math.abs(expected[i] - before[i]));
        for (int i = 0; i < before.length; i++) {
            assertEquals(expected[i], after[i], 1e-4 * largest + Math.ulp(after[i]), what + "[" + i + "]");
        }
    }

    private static final String WITH_DROPOUT = """
            h = relu(dense(x, 16))
            h2 = tanh(dense(dropout(h, 0.5), 8))
            return dense(dropout(h2, 0.2), 3)""";
    private static final String WITHOUT_DROPOUT = """
            h = relu(dense(x, 16))
            h2 = tanh(dense(h, 8))
            return dense(h2, 3)""";
    private static final String TRAINING = "batch = 8\nshuffle = every_epoch\nepochs = 3";

    /**
     * After training with dropout, predict and evaluate are deterministic, and they are those of the same network
     * without dropout layers given the same weights (bit for bit: inference copies the activations unchanged), and of
     * the interpreter in inference mode (within float rounding, 1e-5).
     */
    @Test
    void predictAndEvaluateAreThoseOfTheNetworkWithoutDropout() throws CompilationFailed {
        CompiledRecipe dropoutRecipe = compile(source(WITH_DROPOUT, 4, 3, "softmax_cross_entropy", "sgd(lr: 0.1)", TRAINING));
        CompiledRecipe plainRecipe = compile(source(WITHOUT_DROPOUT, 4, 3, "softmax_cross_entropy", "sgd(lr: 0.1)", TRAINING));
        Trainer withDropout = dropoutRecipe.newTrainer(TrainOptions.seed(8));
        Trainer plain = plainRecipe.newTrainer(TrainOptions.seed(8));
        assertArrayEquals(flatParameters(plainRecipe.program(), plain), flatParameters(dropoutRecipe.program(), withDropout),
                "dropout has no parameters: the same seed gives the same initial weights");
        Dataset data = randomData(new SplittableRandom(30), 40, 4, 3);
        withDropout.fit(data, null, TrainListener.silent());
        for (ParameterSpec p : withDropout.parameters()) plain.setParameter(p.name(), withDropout.parameter(p.name()));

        float[] first = withDropout.predict(data.features(), data.rows());
        Evaluation evaluation = withDropout.evaluate(data);
        float[] second = withDropout.predict(data.features(), data.rows());
        assertArrayEquals(first, second, "predict is deterministic");
        Evaluation again = withDropout.evaluate(data);
        assertEquals(evaluation.loss(), again.loss(), "evaluate is deterministic");
        assertEquals(evaluation.accuracy(), again.accuracy());

        assertArrayEquals(plain.predict(data.features(), data.rows()), first, "predict equals the network without dropout");
        Evaluation plainEvaluation = plain.evaluate(data);
        assertEquals(plainEvaluation.loss(), evaluation.loss(), "evaluate equals the network without dropout");
        assertEquals(plainEvaluation.accuracy(), evaluation.accuracy());

        TensorProgram program = dropoutRecipe.program();
        TensorInterpreter inference = new TensorInterpreter(program, toDouble(flatParameters(program, withDropout)), data.rows());
        inference.setTraining(false);
        double[] expected = softmaxRows(inference.forward(toDouble(data.features())).clone(), data.rows(), 3);
        LayerRecipes.assertClose(expected, first, 1e-5, "predict against the interpreter in inference mode");
        double expectedLoss = inference.loss(toDouble(data.features()), data.labels(), false);
        assertEquals(expectedLoss, evaluation.loss(), 1e-5 * expectedLoss, "evaluate's loss against the interpreter");
    }

    /** Masks come from a generator seeded by the recipe's seed: the same seed retraces the same trajectory. */
    @Test
    void theSameSeedGivesTheSameTrajectory() throws CompilationFailed {
        CompiledRecipe recipe = compile(source(WITH_DROPOUT, 4, 3, "softmax_cross_entropy", "sgd(lr: 0.1)", TRAINING));
        TensorProgram program = recipe.program();
        Dataset data = randomData(new SplittableRandom(31), 45, 4, 3);
        Trainer a = recipe.newTrainer(TrainOptions.seed(5));
        Trainer b = recipe.newTrainer(TrainOptions.seed(5));
        Trainer other = recipe.newTrainer(TrainOptions.seed(6));
        TrainResult ra = a.fit(data, null, TrainListener.silent());
        TrainResult rb = b.fit(data, null, TrainListener.silent());
        other.fit(data, null, TrainListener.silent());
        float[] finalA = flatParameters(program, a);
        assertArrayEquals(finalA, flatParameters(program, b), "same seed, same bits");
        for (int e = 0; e < ra.epochs().size(); e++) {
            assertEquals(Double.doubleToLongBits(ra.epochs().get(e).trainLoss()), Double.doubleToLongBits(rb.epochs().get(e).trainLoss()),
                    "epoch " + (e + 1) + " loss");
        }
        assertFalse(java.util.Arrays.equals(finalA, flatParameters(program, other)), "another seed, other bits");

        // The masks matter: without dropout, the same seed and data give another trajectory.
        CompiledRecipe plainRecipe = compile(source(WITHOUT_DROPOUT, 4, 3, "softmax_cross_entropy", "sgd(lr: 0.1)", TRAINING));
        Trainer plain = plainRecipe.newTrainer(TrainOptions.seed(5));
        plain.fit(data, null, TrainListener.silent());
        assertFalse(java.util.Arrays.equals(finalA, flatParameters(plainRecipe.program(), plain)), "dropout changed the trajectory");
    }
}
