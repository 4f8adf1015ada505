package dev.optc.strategies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompilationFailed;
import dev.optc.api.CompiledRecipe;
import dev.optc.api.Optc;
import dev.optc.codegen.BytecodeVerification;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.train.CompiledObjective;
import dev.optc.runtime.train.Minimization;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * `alternate` (8.7.2) on the coupled function f(x) = (x₁ − x₂)² + α(x₁² + x₂²), α = 0.01, with x₁ and x₂ as two
 * blocks (samples/strategies/coordinate_descent.opt), against oracles written out here.
 */
class BlockCoordinateDescentTest {
    private static final double ALPHA = 0.01;
    private static final Path SAMPLES = Path.of("../samples");

    private static CompiledRecipe recipe(String file, String name) throws IOException, CompilationFailed {
        CompiledRecipe recipe = Optc.compile(SAMPLES.resolve(file)).recipe(name);
        BytecodeVerification.verifyAll(recipe.generatedClasses());
        return recipe;
    }

    private static double f(double x1, double x2) {
        return (x1 - x2) * (x1 - x2) + ALPHA * (x1 * x1 + x2 * x2);
    }

    /**
     * The test. Minimizing over x₁ with x₂ fixed gives x₁ = x₂/(1 + α), and likewise for x₂, so after s sweeps
     * from (3, −2) the point is (−2(1 + α)^−(2s−1), −2(1 + α)^−2s): after 50, f = 0.0111, far from 0. Newton on both
     * together (the sample recipe `coupled_newton`) is at 0 after one step.
     *
     * <p>Tolerances: each block's Newton step uses the float gradient and a central-difference Hessian, accurate to
     * about ε_float^(2/3) ≈ 3e-5 relative (DifferentiableFunction), and one step is all a block takes; so the points
     * agree with the closed form to ~1e-4 relative, and f to ~2e-4.
     */
    @Test
    void coordinateDescentIsFarFromZeroAfter50SweepsWhileNewtonIsThereInOneStep() throws Exception {
        CompiledObjective minimizer = recipe("strategies/coordinate_descent.opt", "coordinate_descent").newMinimizer(TrainOptions.defaults());
        assertEquals(2, minimizer.blocks().size());
        Minimization m = minimizer.minimize((t, j) -> { });
        assertEquals(50, m.values().length, "one value per sweep");
        for (int s = 1; s <= 50; s++) {
            double x1 = -2 * Math.pow(1 + ALPHA, -(2 * s - 1)), x2 = -2 * Math.pow(1 + ALPHA, -2 * s);
            assertEquals(f(x1, x2), m.values()[s - 1], 2e-4 * f(x1, x2), "f after sweep " + s);
        }
        float[] x = m.parameters();
        assertEquals(-2 * Math.pow(1 + ALPHA, -99), x[0], 1e-4);
        assertEquals(-2 * Math.pow(1 + ALPHA, -100), x[1], 1e-4);
        assertTrue(m.finalValue() > 1e-2, "still far from 0: " + m.finalValue());

        CompiledObjective newton = recipe("objectives/coupled.opt", "coupled_newton").newMinimizer(TrainOptions.defaults().withSteps(1));
        Minimization one = newton.minimize((t, j) -> { });
        assertEquals(1, newton.step());
        // at 0 up to the float difference Hessian: from f = 25.13 at (3, −2) to below 1e-6 (measured 5.5e-8), while
        // coordinate descent is still above 1e-2 after 50 sweeps
        assertTrue(one.finalValue() < 1e-6, "Newton after one step: " + one.finalValue());
    }

    /**
     * Update-rule blocks: in each sweep, five SGD steps on x₁ alone (x₂ untouched), then five on x₂ alone, with
     * ∂f/∂x₁ = 2(x₁ − x₂) + 2αx₁ — replayed here in double for the whole run.
     */
    @Test
    void eachBlockStepsOnlyItsOwnTensors() throws Exception {
        CompiledObjective minimizer = recipe("strategies/coordinate_descent.opt", "coordinate_descent_sgd").newMinimizer(TrainOptions.defaults());
        Minimization m = minimizer.minimize((t, j) -> { });
        double x1 = 3, x2 = -2, lr = 0.2;
        for (int s = 1; s <= 50; s++) {
            double before2 = x2;
            for (int k = 0; k < 5; k++) x1 -= lr * (2 * (x1 - x2) + 2 * ALPHA * x1);
            assertEquals(before2, x2, "x₂ is fixed during x₁'s block");
            for (int k = 0; k < 5; k++) x2 -= lr * (2 * (x2 - x1) + 2 * ALPHA * x2);
            assertEquals(x1, m.trajectory()[s][0], 1e-5, "x₁ after sweep " + s);
            assertEquals(x2, m.trajectory()[s][1], 1e-5, "x₂ after sweep " + s);
            assertEquals(f(x1, x2), m.values()[s - 1], 1e-5 * (1 + f(x1, x2)), "f after sweep " + s);
        }
    }

    /** Each block's rule counts its own steps: Adam's bias correction 1 − ρ^t restarts from t = 1 in neither block. */
    @Test
    void anAdamBlockCountsItsOwnSteps() throws CompilationFailed {
        String source = """
                objective pair(x1: 1 = 3, x2: 1 = -2, alpha = 0.01) {
                    return (x1[0] - x2[0]) ^ 2 + alpha * (x1[0] ^ 2 + x2[0] ^ 2)
                }
                recipe r {
                    objective = pair
                    alternate = [block(x1, optimizer: adam(lr: 0.1), steps: 3), block(x2, optimizer: newton())]
                    steps     = 2
                }
                """;
        CompiledObjective minimizer = Optc.compile(source, "adam_block.opt").first().newMinimizer(TrainOptions.defaults());
        Minimization m = minimizer.minimize((t, j) -> { });
        // oracle: Adam on x₁ with its own t = 1..6 across the two sweeps; x₂ = x₁/(1 + α) after each x₁ block (Newton's
        // step, to the ~3e-5 relative of its difference Hessian in float: see the first test)
        double x1 = 3, x2 = -2, s = 0, r = 0;
        int t = 0;
        for (int sweep = 1; sweep <= 2; sweep++) {
            for (int k = 0; k < 3; k++) {
                t++;
                double g = 2 * (x1 - x2) + 2 * ALPHA * x1;
                s = 0.9 * s + 0.1 * g;
                r = 0.999 * r + 0.001 * g * g;
                x1 -= 0.1 * (s / (1 - Math.pow(0.9, t))) / (1e-8 + Math.sqrt(r / (1 - Math.pow(0.999, t))));
            }
            x2 = x1 / (1 + ALPHA);
            assertEquals(x1, m.trajectory()[sweep][0], 1e-4 * (1 + Math.abs(x1)), "x₁ after sweep " + sweep);
            assertEquals(x2, m.trajectory()[sweep][1], 1e-4 * (1 + Math.abs(x2)), "x₂ after sweep " + sweep);
            x2 = m.trajectory()[sweep][1]; // continue from the minimizer's x₂, so the Hessian's error does not compound
        }
    }
}
