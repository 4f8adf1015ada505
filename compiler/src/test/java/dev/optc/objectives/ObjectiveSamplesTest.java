package dev.optc.objectives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompilationFailed;
import dev.optc.api.CompiledRecipe;
import dev.optc.api.Optc;
import dev.optc.codegen.BytecodeVerification;
import dev.optc.interpret.ObjectiveInterpreter;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.train.CompiledObjective;
import dev.optc.runtime.train.Minimization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The objective samples run: every recipe of samples/objectives/*.opt and samples/optimizers/quadratic.opt (update
 * rules and full-batch solvers alike) compiles to verified classes, starts where the interpreter says J(θ₀) is, and
 * ends lower. And plain gradient descent on the
 * ill-conditioned quadratic follows the seed's closed form exactly.
 */
class ObjectiveSamplesTest {

    /** The repository's samples folder, from the compiler module (where Maven runs tests) or the repository root. */
    static Path samples() {
        for (Path candidate : List.of(Path.of("../samples"), Path.of("samples"))) {
            if (Files.isDirectory(candidate.resolve("objectives"))) return candidate.normalize();
        }
        throw new AssertionError("samples/objectives not found from " + Path.of("").toAbsolutePath());
    }

    static List<Path> files() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(samples().resolve("objectives"))) {
            list.filter(p -> p.toString().endsWith(".opt")).sorted().forEach(files::add);
        }
        files.add(samples().resolve("optimizers/quadratic.opt"));
        assertTrue(files.size() >= 3, files.toString());
        return files;
    }

    /**
     * J at the start within 1e-5·(1 + |J|) of the interpreter's value at the declared point, J at the end (the
     * reported final value) within 1e-5·(1 + |J|) of the interpreter's at the final parameters, and below the start.
     */
    @TestFactory
    Stream<DynamicTest> everyRecipeRunsAndLowersItsObjective() throws IOException, CompilationFailed {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : files()) {
            for (CompiledRecipe recipe : Optc.compile(file).recipes()) {
                assertTrue(recipe.minimizesObjective(), recipe.name());
                tests.add(DynamicTest.dynamicTest(file.getFileName() + ": " + recipe.name(), () -> {
                    BytecodeVerification.verifyAll(recipe.generatedClasses());
                    ObjectiveInterpreter interpreter = new ObjectiveInterpreter(recipe.objectiveProgram());
                    CompiledObjective minimizer = recipe.newMinimizer(TrainOptions.seed(1));
                    // J where the minimizer starts: the declared values, or the draws of `uniform(a)` by the seed
                    double[] theta0 = new double[minimizer.flatParameters().length];
                    for (int i = 0; i < theta0.length; i++) theta0[i] = minimizer.flatParameters()[i];
                    double start = interpreter.value(theta0);
                    Minimization m = minimizer.minimize((t, j) -> { });
                    // An update rule reports J at the start of each of its steps; a full-batch solver (newton, cg,
                    // bfgs, ...) J at its start and after each iteration, and may stop early once converged.
                    int steps = recipe.recipe().steps();
                    assertTrue(m.values().length >= 1 && m.values().length <= steps + 1,
                            m.values().length + " values for at most " + steps + " steps");
                    assertEquals(start, m.values()[0], 1e-5 * (1 + Math.abs(start)), "J(θ₀)");
                    double[] end = new double[m.parameters().length];
                    for (int i = 0; i < end.length; i++) end[i] = m.parameters()[i];
                    double expectedEnd = interpreter.value(end);
                    assertEquals(expectedEnd, m.finalValue(), 1e-5 * (1 + Math.abs(expectedEnd)), "J at the end");
                    assertTrue(Double.isFinite(m.finalValue()) && m.finalValue() < m.values()[0],
                            recipe.name() + ": J went from " + m.values()[0] + " to " + m.finalValue());
                }));
            }
        }
        assertFalse(tests.isEmpty());
        return tests.stream();
    }

    /**
     * 8.2.1/8.3 of the seed: for J = ½(θ₀² + 100θ₁²), H = diag(1, 100) and the gradient is Hθ, so sgd multiplies
     * each coordinate by (1 − ε·h_i) per step: θ_k,i = (1 − ε·h_i)^k·θ₀,i, here (1 − 0.019)^k·(−8) and (−0.9)^k·1.
     *
     * <p>Tolerance: a float step computes g = h·θ and θ − ε·g with a few roundings, each a relative error of
     * u = 2⁻²⁴ in a term at most 1.9/0.9 times the result, so each step adds at most ~10u relative error, and
     * k steps ~10k·u (1.2e-4 after 200 steps); ε rounded to float (relative 3e-8) moves (1 − εh)^k by k·εh·3e-8/0.9,
     * below 1.3e-5. So |θ_k − formula| ≤ (1e-6 + 10k·u)·|formula|. Without the exact rule (say ε·h·θ computed with
     * h = 99, or one extra step) the error is 1e-2 relative or more.
     */
    @Test
    void sgdOnTheIllConditionedQuadraticFollowsTheClosedForm() throws IOException, CompilationFailed {
        CompiledRecipe recipe = Optc.compile(samples().resolve("optimizers/quadratic.opt")).recipe("quadratic_sgd");
        double epsilon = recipe.updateKernel().hyperparameters().get(0).value();
        assertEquals(0.019, epsilon, "the sample's learning rate");
        int steps = recipe.recipe().steps();
        Minimization m = recipe.newMinimizer(TrainOptions.seed(1)).minimize((t, j) -> { });
        double u = Math.ulp(1.0f) / 2;
        double[] h = {1, 100}, theta0 = {-8, 1};
        for (int k = 0; k <= steps; k++) {
            for (int i = 0; i < 2; i++) {
                double formula = Math.pow(1 - epsilon * h[i], k) * theta0[i];
                assertEquals(formula, m.trajectory()[k][i], (1e-6 + 10 * k * u) * Math.abs(formula), "θ_" + k + "[" + i + "]");
            }
            if (k < steps) {
                double[] t = {m.trajectory()[k][0], m.trajectory()[k][1]};
                double j = 0.5 * (t[0] * t[0] + 100 * t[1] * t[1]);
                assertEquals(j, m.values()[k], 1e-6 * j, "J(θ_" + k + ")");
            }
        }
        // The slow direction dominates at the end: θ₁ has shrunk by 0.9^200 ≈ 7e-10, θ₀ only by 0.981^200 ≈ 0.02.
        assertTrue(Math.abs(m.trajectory()[steps][1]) < 1e-8 && Math.abs(m.trajectory()[steps][0]) > 0.1);
    }
}
