package dev.optc.objectives;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompilationFailed;
import dev.optc.api.CompiledRecipe;
import dev.optc.api.Optc;
import dev.optc.codegen.BytecodeVerification;
import dev.optc.interpret.ObjectiveInterpreter;
import dev.optc.ir.ObjectiveProgram;
import dev.optc.ir.ParameterSlice;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.data.DataException;
import dev.optc.runtime.train.CompiledObjective;
import dev.optc.runtime.train.Minimization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Objectives over data: the sparse-coding cost J(H, W) = λΣ|H| + Σ(X − WᵀH)² on a small CSV written here (7 examples
 * of 5 features). The compiler binds n = 7 from the file; X is the examples as columns; J is checked against the formula
 * written out below on the file's own numbers, the interpreter's gradient against finite differences in double, and the
 * generated float minimizer against the interpreter (J, ∇J and one SGD step).
 */
class DataObjectiveTest {
    private static final int FEATURES = 5, EXAMPLES = 7, ATOMS = 3;
    private static final double LAMBDA = 0.3, LR = 0.01;

    private static double[][] rows;

    private static Path writeCsv(Path dir, int examples) throws IOException {
        SplittableRandom random = new SplittableRandom(4);
        rows = new double[examples][FEATURES];
        StringBuilder csv = new StringBuilder("a,b,c,d,e,label\n");
        for (int r = 0; r < examples; r++) {
            for (int f = 0; f < FEATURES; f++) {
                rows[r][f] = Math.round(random.nextDouble() * 16);
                csv.append((int) rows[r][f]).append(',');
            }
            csv.append(r % 2).append('\n');
        }
        Path file = dir.resolve("patches.csv");
        Files.writeString(file, csv);
        return file;
    }

    private static CompiledRecipe compile(Path csv, String optimizer) throws CompilationFailed {
        String source = """
                objective sparse_coding(X: data, H: [%d, n] = uniform(1), W: [%d, %d] = uniform(1), lambda = %s) {
                    return lambda * sum(abs(H)) + sum((X - transpose(W) @ H) ^ 2)
                }
                recipe r {
                    objective = sparse_coding(X: csv("%s", scale: 1/16))
                    optimizer = %s
                    steps     = 1
                }
                """.formatted(ATOMS, ATOMS, FEATURES, LAMBDA, csv.toString().replace("\\", "/"), optimizer);
        CompiledRecipe recipe = Optc.compile(source, "data_objective.opt").first();
        BytecodeVerification.verifyAll(recipe.generatedClasses());
        return recipe;
    }

    /** λΣ|H| + Σ(X − WᵀH)², X[f, e] = rows[e][f] / 16, H [ATOMS, n] and W [ATOMS, FEATURES] at their offsets. */
    private static double formula(ObjectiveProgram program, double[] theta) {
        ParameterSlice h = slice(program, "H"), w = slice(program, "W");
        double l1 = 0, squares = 0;
        for (int i = 0; i < h.size(); i++) l1 += Math.abs(theta[h.offset() + i]);
        for (int f = 0; f < FEATURES; f++) {
            for (int e = 0; e < EXAMPLES; e++) {
                double reconstruction = 0;
                for (int k = 0; k < ATOMS; k++) reconstruction += theta[w.offset() + k * FEATURES + f] * theta[h.offset() + k * EXAMPLES + e];
                double d = rows[e][f] / 16 - reconstruction;
                squares += d * d;
            }
        }
        return LAMBDA * l1 + squares;
    }

    private static ParameterSlice slice(ObjectiveProgram program, String name) {
        return program.parameters().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theDataBindsNAndTheCostIsTheFormula(@TempDir Path dir) throws Exception {
        ObjectiveProgram program = compile(writeCsv(dir, EXAMPLES), "sgd(lr: 0.01)").objectiveProgram();
        assertArrayEquals(new int[] {ATOMS, EXAMPLES}, slice(program, "H").shape(), "n bound to the file's examples");
        assertEquals(1, program.data().size());
        assertArrayEquals(new int[] {FEATURES, EXAMPLES}, program.data().get(0).tensor().shape(), "X is [features, examples]");
        ObjectiveInterpreter interpreter = new ObjectiveInterpreter(program);
        for (long seed = 1; seed <= 3; seed++) {
            double[] theta = ObjectiveCases.randomPoint(program.parameterCount(), false, seed);
            double expected = formula(program, theta);
            assertEquals(expected, interpreter.value(theta), 1e-12 * expected);
        }
    }

    /** Five-point finite differences, h = 1e-4, as ObjectiveGradientCheckTest; |H| ≥ 0.5 keeps abs off its kink. */
    @Test
    void theGradientMatchesFiniteDifferences(@TempDir Path dir) throws Exception {
        ObjectiveProgram program = compile(writeCsv(dir, EXAMPLES), "sgd(lr: 0.01)").objectiveProgram();
        ObjectiveInterpreter interpreter = new ObjectiveInterpreter(program);
        double h = 1e-4;
        for (long seed = 1; seed <= 3; seed++) {
            double[] theta = ObjectiveCases.randomPoint(program.parameterCount(), false, seed);
            double value = interpreter.valueAndGradient(theta);
            double[] analytic = interpreter.grads.clone();
            for (int i = 0; i < theta.length; i++) {
                double saved = theta[i];
                double[] at = new double[4];
                double[] steps = {h, -h, 2 * h, -2 * h};
                for (int s = 0; s < 4; s++) {
                    theta[i] = saved + steps[s];
                    at[s] = formula(program, theta);
                }
                theta[i] = saved;
                double numeric = (8 * (at[0] - at[1]) - (at[2] - at[3])) / (12 * h);
                assertEquals(numeric, analytic[i], 1e-6 * Math.abs(numeric) + 1e-10 * (1 + value), "∂J/∂θ[" + i + "] at seed " + seed);
            }
        }
    }

    @Test
    void theMinimizerMatchesTheInterpreter(@TempDir Path dir) throws Exception {
        CompiledRecipe recipe = compile(writeCsv(dir, EXAMPLES), "sgd(lr: " + LR + ")");
        ObjectiveProgram program = recipe.objectiveProgram();
        ObjectiveInterpreter interpreter = new ObjectiveInterpreter(program);
        double[] theta0 = ObjectiveCases.randomPoint(program.parameterCount(), false, 21);
        double expected = interpreter.valueAndGradient(theta0);
        CompiledObjective minimizer = recipe.newMinimizer(TrainOptions.seed(1));
        float[] start = new float[theta0.length];
        for (int i = 0; i < start.length; i++) start[i] = (float) theta0[i];
        System.arraycopy(start, 0, minimizer.flatParameters(), 0, start.length);
        assertEquals(expected, minimizer.valueAt(start), 1e-5 * expected);
        Minimization m = minimizer.minimize((t, j) -> { });
        assertEquals(expected, m.values()[0], 1e-5 * expected);
        double scale = 0;
        for (double g : interpreter.grads) scale = Math.max(scale, Math.abs(g));
        for (int i = 0; i < start.length; i++) {
            assertEquals(interpreter.grads[i], minimizer.flatGradients()[i], 1e-5 * scale, "∂J/∂θ[" + i + "]");
            assertEquals(start[i] - LR * interpreter.grads[i], minimizer.flatParameters()[i], 1e-5 * LR * scale + 1e-6, "θ₁[" + i + "]");
        }
    }

    /** uniform(a) draws by the seed: the same seed the same start, another seed another; all inside (−1, 1). */
    @Test
    void uniformInitialValuesFollowTheSeed(@TempDir Path dir) throws Exception {
        CompiledRecipe recipe = compile(writeCsv(dir, EXAMPLES), "sgd(lr: 0.01)");
        float[] a = recipe.newMinimizer(TrainOptions.seed(3)).flatParameters().clone();
        float[] b = recipe.newMinimizer(TrainOptions.seed(3)).flatParameters().clone();
        float[] c = recipe.newMinimizer(TrainOptions.seed(4)).flatParameters().clone();
        assertArrayEquals(a, b);
        assertTrue(!java.util.Arrays.equals(a, c));
        for (float x : a) assertTrue(Math.abs(x) < 1 && x != 0, "drawn from U(−1, 1): " + x);
    }

    /** The code is specialised to the file's shape: the same recipe against a file of other size is refused. */
    @Test
    void aFileOfAnotherShapeAtRunTimeIsRefused(@TempDir Path dir) throws Exception {
        Path csv = writeCsv(dir, EXAMPLES);
        CompiledRecipe recipe = compile(csv, "sgd(lr: 0.01)");
        writeCsv(dir, EXAMPLES + 2);
        DataException e = assertThrows(DataException.class, () -> recipe.newMinimizer(TrainOptions.seed(1)));
        assertTrue(e.getMessage().contains("compiled for 7"), e.getMessage());
    }
}
