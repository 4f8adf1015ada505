package dev.optc.stages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.optc.api.CompiledRecipe;
import dev.optc.api.CompiledStages;
import dev.optc.api.Optc;
import dev.optc.interpret.TensorInterpreter;
import dev.optc.ir.ParameterSlice;
import dev.optc.ir.TensorOp;
import dev.optc.ir.TensorProgram;
import dev.optc.runtime.TrainListener;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.data.Dataset;
import dev.optc.runtime.train.CompiledTrainer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Yu et al.'s greedy stages (`raw_input: true`): each new hidden layer reads [x | the previous stage's posteriors].
 * The concatenation's backward pass is checked against finite differences of the interpreter, and the generated
 * trainer's step against the interpreter's gradient.
 */
class RawInputStagesTest {
    private static final String SOURCE = """
            model Deep(x: 6) -> 3 {
                h1 = tanh(dense(x, 5))
                h2 = tanh(dense(h1, 4))
                h3 = tanh(dense(h2, 7))
                return dense(h3, 3)
            }
            recipe yu {
                data      = csv("unused.csv")
                model     = Deep
                loss      = softmax_cross_entropy
                optimizer = sgd(lr: 0.1)
                batch     = full
                shuffle   = none
                stages    = [greedy_layerwise(epochs: 1, raw_input: true), finetune(epochs: 1)]
            }
            """;

    static CompiledStages stages() throws Exception {
        CompiledRecipe recipe = Optc.compile(SOURCE, "yu.opt").recipe("yu");
        return recipe.stages();
    }

    @Test
    void eachStageReadsTheRawInputBesideThePreviousStagesPosteriors() throws Exception {
        List<CompiledStages.CompiledStage> stages = stages().stages();
        assertEquals(4, stages.size());
        TensorProgram second = stages.get(1).trainer().program();
        assertEquals(List.of("h1", "out_greedy1"), stages.get(1).stage().frozen());
        assertEquals(List.of("h2", "out_greedy2"), stages.get(1).stage().trainable());
        ParameterSlice h2 = second.parameters().stream().filter(p -> p.name().equals("h2.weight")).findFirst().orElseThrow();
        assertArrayEquals(new int[] {4, 6 + 3}, h2.shape(), "h2 reads the 6 inputs and the 3 posteriors of stage 1");
        long concatenations = second.forward().stream().filter(op -> op instanceof TensorOp.Concat).count();
        assertEquals(1, concatenations);
        TensorProgram finetune = stages.get(3).trainer().program();
        assertEquals(List.of("h1", "out_greedy1", "h2", "out_greedy2", "h3", "out"), stages.get(3).stage().trainable());
        assertEquals(2, finetune.forward().stream().filter(op -> op instanceof TensorOp.Concat).count());
        // Frozen lower stages: no gradient flows below stage 2's concatenation into stage 1.
        assertTrue(second.backward().stream().noneMatch(op -> op instanceof TensorOp.LinearGradWeight g
                && (g.weight().name().startsWith("h1.") || g.weight().name().startsWith("out_greedy1."))));
    }

    @Test
    void theConcatenationsGradientMatchesFiniteDifferences() throws Exception {
        TensorProgram program = stages().stages().get(3).trainer().program();
        int rows = 5;
        SplittableRandom random = new SplittableRandom(11);
        double[] params = new double[program.parameterCount()];
        for (int i = 0; i < params.length; i++) params[i] = random.nextGaussian() * 0.6;
        double[] input = new double[rows * 6];
        for (int i = 0; i < input.length; i++) input[i] = random.nextGaussian();
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) labels[r] = random.nextInt(3);
        TensorInterpreter interpreter = new TensorInterpreter(program, params, rows);
        interpreter.loss(input, labels, true);
        double[] analytic = interpreter.grads.clone();
        double h = 1e-5;
        for (ParameterSlice slice : program.parameters()) {
            double largest = 0;
            for (int e = 0; e < slice.size(); e++) {
                int i = slice.offset() + e;
                double theta = params[i];
                interpreter.params[i] = theta + h;
                double plus = interpreter.loss(input, labels, false);
                interpreter.params[i] = theta - h;
                double minus = interpreter.loss(input, labels, false);
                interpreter.params[i] = theta;
                double numeric = (plus - minus) / (2 * h);
                // Central differences in double: error ≈ h²·L‴ + ε/h ≈ 1e-10 for these smooth (tanh, softmax) losses.
                if (Math.abs(numeric - analytic[i]) > 1e-7 * Math.max(1, Math.abs(numeric))) {
                    fail(slice.name() + "[" + e + "]: analytic " + analytic[i] + ", finite difference " + numeric);
                }
                largest = Math.max(largest, Math.abs(analytic[i]));
            }
            assertTrue(largest > 1e-5, slice.name() + " gets a gradient through the concatenations");
        }
    }

    @Test
    void theGeneratedTrainerStepsAlongTheInterpretersGradient() throws Exception {
        CompiledStages.CompiledStage finetune = stages().stages().get(3);
        TensorProgram program = finetune.trainer().program();
        CompiledTrainer trainer = (CompiledTrainer) finetune.trainer().newTrainer(TrainOptions.seed(3));
        int rows = 12;
        Dataset data = StagesTest.data(rows, 8);
        float[] theta0 = trainer.flatParameters().clone();
        trainer.fit(data, null, TrainListener.silent()); // one full-batch step of sgd(lr: 0.1)
        double[] start = new double[theta0.length];
        for (int i = 0; i < start.length; i++) start[i] = theta0[i];
        double[] input = new double[data.features().length];
        for (int i = 0; i < input.length; i++) input[i] = data.features()[i];
        TensorInterpreter interpreter = new TensorInterpreter(program, start, rows);
        interpreter.loss(input, data.labels(), true);
        float[] theta1 = trainer.flatParameters();
        for (int i = 0; i < theta1.length; i++) {
            double expected = start[i] - 0.1 * interpreter.grads[i];
            assertEquals(expected, theta1[i], 1e-5 * Math.max(1, Math.abs(expected)), "θ[" + i + "] after one step");
        }
    }
}
