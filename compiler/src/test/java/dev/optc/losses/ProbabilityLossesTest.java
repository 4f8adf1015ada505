package dev.optc.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompilationFailed;
import dev.optc.api.CompiledRecipe;
import dev.optc.api.Optc;
import dev.optc.codegen.BytecodeVerification;
import dev.optc.interpret.TensorInterpreter;
import dev.optc.ir.TensorProgram;
import dev.optc.runtime.Evaluation;
import dev.optc.runtime.TrainListener;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.Trainer;
import dev.optc.runtime.data.DataException;
import dev.optc.runtime.data.Dataset;
import dev.optc.runtime.kernels.Losses;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The runtime's float kernels of {@code cross_entropy}, {@code binary_cross_entropy} and {@code l1} against their
 * formulas written out here in double, the clamp that keeps log 0 away, and the single-output form of binary
 * cross-entropy (labels 0 and 1) end to end. The interpreter's backward pass for these losses is checked against
 * finite differences in {@code GradientCheckTest}, and the generated trainer against the interpreter in
 * {@code GeneratedTrainerTest}.
 */
class ProbabilityLossesTest {
    private static final int ROWS = 6, WIDTH = 4;
    private static final double EPSILON = 1e-7;

    @Test
    void crossEntropyIsMinusLogOfTheLabelsProbability() {
        SplittableRandom random = new SplittableRandom(1);
        float[] p = probabilities(random);
        int[] labels = labels(random, WIDTH);
        float[] d = new float[p.length];
        double loss = Losses.crossEntropy(p, labels, ROWS, WIDTH, d);
        double expected = 0;
        for (int r = 0; r < ROWS; r++) expected += -Math.log(p[r * WIDTH + labels[r]]) / ROWS;
        assertEquals(expected, loss, 1e-6 * expected);
        for (int r = 0; r < ROWS; r++) {
            for (int j = 0; j < WIDTH; j++) {
                double g = j == labels[r] ? -1 / (ROWS * (double) p[r * WIDTH + j]) : 0;
                assertEquals(g, d[r * WIDTH + j], 1e-6 * Math.abs(g), "∂L/∂p[" + r + "," + j + "]");
            }
        }
    }

    @Test
    void binaryCrossEntropyAveragesOverEveryOutputWithOneHotTargets() {
        SplittableRandom random = new SplittableRandom(2);
        float[] p = probabilities(random);
        int[] labels = labels(random, WIDTH);
        float[] d = new float[p.length];
        double loss = Losses.binaryCrossEntropy(p, labels, ROWS, WIDTH, d);
        double expected = 0;
        int n = ROWS * WIDTH;
        for (int r = 0; r < ROWS; r++) {
            for (int j = 0; j < WIDTH; j++) {
                double t = j == labels[r] ? 1 : 0, q = p[r * WIDTH + j];
                expected += -(t * Math.log(q) + (1 - t) * Math.log(1 - q)) / n;
                double g = (-t / q + (1 - t) / (1 - q)) / n;
                assertEquals(g, d[r * WIDTH + j], 1e-6 * Math.abs(g), "∂L/∂p[" + r + "," + j + "]");
            }
        }
        assertEquals(expected, loss, 1e-6 * expected);
    }

    @Test
    void l1IsTheMeanAbsoluteErrorAgainstOneHotTargets() {
        SplittableRandom random = new SplittableRandom(3);
        float[] y = new float[ROWS * WIDTH];
        for (int i = 0; i < y.length; i++) y[i] = (float) (3 * random.nextDouble() - 1);
        int[] labels = labels(random, WIDTH);
        float[] d = new float[y.length];
        double loss = Losses.meanAbsoluteError(y, labels, ROWS, WIDTH, d);
        double expected = 0;
        int n = ROWS * WIDTH;
        for (int r = 0; r < ROWS; r++) {
            for (int j = 0; j < WIDTH; j++) {
                double diff = y[r * WIDTH + j] - (j == labels[r] ? 1 : 0);
                expected += Math.abs(diff) / n;
                assertEquals(Math.signum(diff) / n, d[r * WIDTH + j], 1e-7 / n, "∂L/∂y[" + r + "," + j + "]");
            }
        }
        assertEquals(expected, loss, 1e-6 * expected);
        // at the target exactly the subgradient is 0, as PyTorch's L1Loss
        float[] atTarget = {0, 1, 0, 0};
        float[] g = new float[4];
        assertEquals(0, Losses.meanAbsoluteError(atTarget, new int[] {1}, 1, 4, g));
        for (float x : g) assertEquals(0f, x);
    }

    /** p = 0 for the label, and p ∈ {0, 1} under BCE: the loss is −log ε (finite), the gradient 0 where clamped. */
    @Test
    void theClampKeepsTheLogAwayFromZero() {
        float[] p = {0f, 1f, 0f};
        float[] d = new float[3];
        double loss = Losses.crossEntropy(p, new int[] {0}, 1, 3, d);
        assertEquals(-Math.log(EPSILON), loss, 1e-9);
        for (float g : d) assertEquals(0f, g);
        // output 0 wants 1 but is 0; output 1 wants 0 but is 1; output 2 wants 0 and is 0
        double bce = Losses.binaryCrossEntropy(p, new int[] {0}, 1, 3, d);
        assertEquals(2 * -Math.log(EPSILON) / 3 - Math.log(1 - EPSILON) / 3, bce, 1e-9);
        for (float g : d) assertEquals(0f, g);
    }

    private static final String ONE_OUTPUT = """
            model Binary(x: 2) -> 1 {
                h = tanh(dense(x, 6))
                return sigmoid(dense(h, 1))
            }
            recipe binary {
                data      = csv("unused.csv")
                model     = Binary
                loss      = binary_cross_entropy
                optimizer = sgd(lr: %s)
                batch     = full
                shuffle   = none
                epochs    = %d
                seed      = 5
            }
            """;

    /**
     * One sigmoid output: the label (0 or 1) is the target. One full-batch SGD step matches the interpreter's gradient;
     * after training, evaluation's accuracy is predict's probabilities thresholded at ½, recomputed here, and a label
     * 2 is refused.
     */
    @Test
    void oneSigmoidOutputTakesLabelsZeroAndOne() throws CompilationFailed {
        int rows = 64;
        SplittableRandom random = new SplittableRandom(9);
        float[] features = new float[rows * 2];
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            features[2 * r] = (float) (2 * random.nextDouble() - 1);
            features[2 * r + 1] = (float) (2 * random.nextDouble() - 1);
            labels[r] = features[2 * r] + 0.5f * features[2 * r + 1] > 0 ? 1 : 0;
        }
        Dataset data = new Dataset("separable", features, labels, rows, 2, 2);

        CompiledRecipe oneStep = Optc.compile(ONE_OUTPUT.formatted("0.5", 1), "binary.opt").first();
        BytecodeVerification.verifyAll(oneStep.generatedClasses());
        TensorProgram program = oneStep.program();
        Trainer trainer = oneStep.newTrainer(TrainOptions.defaults());
        double[] theta0 = flat(program, trainer);
        TensorInterpreter interpreter = new TensorInterpreter(program, theta0.clone(), rows);
        double[] input = new double[features.length];
        for (int i = 0; i < input.length; i++) input[i] = features[i];
        double expectedLoss = interpreter.loss(input, labels, true);
        trainer.fit(data, null, TrainListener.silent());
        double[] theta1 = flat(program, trainer);
        double scale = 0;
        for (double g : interpreter.grads) scale = Math.max(scale, Math.abs(g));
        assertTrue(scale > 1e-3, "a gradient worth checking: " + scale);
        for (int i = 0; i < theta0.length; i++) {
            assertEquals(theta0[i] - 0.5 * interpreter.grads[i], theta1[i], 1e-5 * scale + 1e-6, "θ[" + i + "]");
        }
        assertTrue(expectedLoss > 0.3, "an untrained loss near log 2: " + expectedLoss);

        Trainer trained = Optc.compile(ONE_OUTPUT.formatted("2.0", 200), "binary.opt").first().newTrainer(TrainOptions.defaults());
        trained.fit(data, null, TrainListener.silent());
        float[] probabilities = trained.predict(features, rows);
        assertEquals(rows, probabilities.length);
        int correct = 0;
        for (int r = 0; r < rows; r++) if ((probabilities[r] > 0.5f ? 1 : 0) == labels[r]) correct++;
        Evaluation evaluation = trained.evaluate(data);
        assertEquals((double) correct / rows, evaluation.accuracy(), 1e-12);
        assertTrue(evaluation.accuracy() >= 0.9, "a linearly separable set: " + evaluation.accuracy());

        int[] three = labels.clone();
        three[0] = 2;
        Dataset bad = new Dataset("three classes", features, three, rows, 2, 3);
        assertThrows(DataException.class, () -> trained.evaluate(bad));
    }

    private static double[] flat(TensorProgram program, Trainer trainer) {
        double[] flat = new double[program.parameterCount()];
        for (var p : trainer.parameters()) {
            float[] v = trainer.parameter(p.name());
            for (int i = 0; i < v.length; i++) flat[p.offset() + i] = v[i];
        }
        return flat;
    }

    /** Rows of a softmax of random logits: strictly inside (0, 1), summing to 1. */
    private static float[] probabilities(SplittableRandom random) {
        float[] p = new float[ROWS * WIDTH];
        for (int r = 0; r < ROWS; r++) {
            double sum = 0;
            double[] e = new double[WIDTH];
            for (int j = 0; j < WIDTH; j++) sum += e[j] = Math.exp(4 * random.nextDouble() - 2);
            for (int j = 0; j < WIDTH; j++) p[r * WIDTH + j] = (float) (e[j] / sum);
        }
        return p;
    }

    private static int[] labels(SplittableRandom random, int classes) {
        int[] labels = new int[ROWS];
        for (int r = 0; r < ROWS; r++) labels[r] = random.nextInt(classes);
        return labels;
    }
}
