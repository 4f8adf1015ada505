package dev.optc.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompilationFailed;
import dev.optc.api.CompiledRecipe;
import dev.optc.api.Optc;
import dev.optc.codegen.BytecodeVerification;
import dev.optc.interpret.TensorInterpreter;
import dev.optc.ir.TensorOp;
import dev.optc.ir.TensorProgram;
import dev.optc.runtime.TrainListener;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.data.CsvData;
import dev.optc.runtime.data.Dataset;
import dev.optc.runtime.init.Lsuv;
import dev.optc.runtime.train.CompiledTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code init = lsuv} on the digits data: after LSUV every dense layer's output (x·Wᵀ + b, before its activation)
 * has variance 1 within the tolerance on the batch, measured by the reference interpreter in double on the trainer's
 * weights; orthogonal weights alone are far from that (the check can fail); the same seed gives the same weights.
 */
class LsuvTest {
    private static final Path DIGITS = Path.of("../samples/data/digits.csv");

    private static final String SOURCE = """
            model M(x: 64) -> 10 {
                h1 = relu(dense(x, 48))
                h2 = tanh(dense(h1, 32))
                h3 = relu(dense(h2, 24, bias: 0.1))
                return dense(h3, 10)
            }
            recipe r {
                data      = csv("unused.csv")
                model     = M
                init      = %s
                loss      = softmax_cross_entropy
                optimizer = sgd(lr: 0.05)
                batch     = 64
                epochs    = 1
                seed      = %d
            }
            """;

    private static CompiledRecipe compile(String init, long seed) throws CompilationFailed {
        CompiledRecipe recipe = Optc.compile(SOURCE.formatted(init, seed), "lsuv.opt").first();
        BytecodeVerification.verifyAll(recipe.generatedClasses());
        return recipe;
    }

    private static Dataset batch(int rows) {
        Dataset all = CsvData.load(DIGITS, null, 1f / 16);
        int[] first = new int[rows];
        for (int i = 0; i < rows; i++) first[i] = 7 * i; // spread over the file
        return all.subset(first, "batch");
    }

    /** The variance of every dense layer's output on the batch, by the interpreter, in model order. */
    private static List<Double> variances(TensorProgram program, float[] params, Dataset batch) {
        double[] theta = new double[params.length];
        for (int i = 0; i < theta.length; i++) theta[i] = params[i];
        TensorInterpreter interpreter = new TensorInterpreter(program, theta, batch.rows());
        interpreter.setTraining(false);
        double[] input = new double[batch.features().length];
        for (int i = 0; i < input.length; i++) input[i] = batch.features()[i];
        interpreter.forward(input);
        List<Double> variances = new ArrayList<>();
        for (TensorOp op : program.forward()) {
            if (!(op instanceof TensorOp.Linear l)) continue;
            double[] y = interpreter.buffer(l.y());
            int n = batch.rows() * l.y().width();
            double mean = 0, squares = 0;
            for (int i = 0; i < n; i++) mean += y[i] / n;
            for (int i = 0; i < n; i++) squares += (y[i] - mean) * (y[i] - mean) / n;
            variances.add(squares);
        }
        return variances;
    }

    private static float[] flat(CompiledTrainer trainer, int count) {
        float[] flat = new float[count];
        for (var p : trainer.parameters()) System.arraycopy(trainer.parameter(p.name()), 0, flat, p.offset(), p.size());
        return flat;
    }

    @Test
    void everyDenseLayerHasUnitOutputVarianceOnTheBatch() throws CompilationFailed {
        CompiledRecipe recipe = compile("lsuv", 3);
        TensorProgram program = recipe.program();
        Dataset batch = batch(64);
        CompiledTrainer trainer = (CompiledTrainer) recipe.newTrainer(TrainOptions.defaults());
        List<Double> before = variances(program, flat(trainer, program.parameterCount()), batch);
        assertTrue(before.stream().anyMatch(v -> Math.abs(v - 1) > 3 * Lsuv.TOLERANCE),
                "orthogonal weights alone are not at unit variance on inputs scaled by 1/16: " + before);

        List<Lsuv.Layer> layers = trainer.initializeLsuv(batch);
        assertEquals(List.of("h1.weight", "h2.weight", "h3.weight", "out.weight"), layers.stream().map(Lsuv.Layer::weight).toList());
        List<Double> after = variances(program, flat(trainer, program.parameterCount()), batch);
        assertEquals(4, after.size());
        for (int k = 0; k < after.size(); k++) {
            assertTrue(Math.abs(after.get(k) - 1) < Lsuv.TOLERANCE, "layer " + k + ": variance " + after.get(k) + " (" + after + ")");
            assertTrue(layers.get(k).passes() <= Lsuv.MAX_ITERATIONS, layers.get(k).toString());
            // the runtime measured in float what the interpreter measures in double
            assertEquals(after.get(k), layers.get(k).variance(), 1e-4 * after.get(k));
        }
        // the biases are left as they were: LSUV rescales weights only
        assertArrayEquals(new float[] {0.1f, 0.1f, 0.1f}, java.util.Arrays.copyOf(trainer.parameter("h3.bias"), 3));
    }

    /** The same seed gives bit-identical weights after LSUV inside fit; another seed other weights. */
    @Test
    void theSameSeedGivesTheSameWeights() throws CompilationFailed {
        Dataset data = CsvData.load(DIGITS, null, 1f / 16);
        float[][] runs = new float[3][];
        long[] seeds = {5, 5, 6};
        for (int i = 0; i < 3; i++) {
            CompiledRecipe recipe = compile("lsuv", seeds[i]);
            CompiledTrainer trainer = (CompiledTrainer) recipe.newTrainer(TrainOptions.defaults());
            trainer.fit(data, null, TrainListener.silent());
            runs[i] = flat(trainer, recipe.program().parameterCount());
        }
        assertArrayEquals(runs[0], runs[1]);
        assertFalse(java.util.Arrays.equals(runs[0], runs[2]));
    }

    /** fit starts with LSUV: the weights of a run differ from an orthogonal start trained the same way. */
    @Test
    void fitRunsLsuvBeforeTheFirstStep() throws CompilationFailed {
        Dataset data = CsvData.load(DIGITS, null, 1f / 16);
        CompiledTrainer lsuv = (CompiledTrainer) compile("lsuv", 5).newTrainer(TrainOptions.defaults().withEpochs(1));
        CompiledTrainer orthogonal = (CompiledTrainer) compile("orthogonal", 5).newTrainer(TrainOptions.defaults().withEpochs(1));
        int n = lsuv.parameters().stream().mapToInt(p -> p.size()).sum();
        assertArrayEquals(flat(orthogonal, n), flat(lsuv, n), "the same orthogonal start");
        var result = lsuv.fit(data, null, TrainListener.silent());
        assertTrue(result.last().trainLoss() < Math.log(10), "it trains: " + result.last().trainLoss());
    }
}
