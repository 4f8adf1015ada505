package dev.optc.objectives;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.optc.api.CompilationFailed;
import dev.optc.api.CompiledRecipe;
import dev.optc.codegen.BytecodeVerification;
import dev.optc.interpret.ObjectiveInterpreter;
import dev.optc.ir.ObjectiveProgram;
import dev.optc.ir.ParameterSlice;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.train.CompiledObjective;
import dev.optc.runtime.train.Minimization;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generated float minimizers against the double objective interpreter at random points: J through {@code valueAt}
 * (the generated {@code value()}), and J, ∇J and the step through one sgd step of {@code minimize} (the generated
 * {@code computeGradients()}, then the fused update): θ₁ = θ₀ − lr·∇J(θ₀).
 *
 * <p>Tolerances. The point is a float vector, so both sides start from the same numbers; the minimizer then rounds
 * every intermediate tensor to float (u = 2⁻²⁴ ≈ 6e-8), and its sums and products accumulate in double. Each case
 * chains at most ~10 operations, so J is within ~10u ≈ 6e-7 of the magnitude of its terms; with cancellation in
 * (a − b)² that magnitude can exceed |J|, so J must agree within 1e-5·(1 + |J|). A gradient element is compared
 * with its tensor's largest gradient: within 1e-5 of it (plus 1e-6 for a tensor whose gradient is zero). The step
 * is within lr times that, plus the ulp of the stored parameter.
 */
class GeneratedMinimizerTest {
    private static final double TOLERANCE = 1e-5;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.optc.objectives.ObjectiveCases#cases")
    void valueGradientAndStepMatchTheInterpreter(String name, String objective, boolean positive) throws CompilationFailed {
        CompiledRecipe recipe = ObjectiveCases.compile(objective, 1);
        BytecodeVerification.verifyAll(recipe.generatedClasses());
        ObjectiveProgram program = recipe.objectiveProgram();
        ObjectiveInterpreter interpreter = new ObjectiveInterpreter(program);
        for (long seed = 11; seed <= 13; seed++) {
            double[] theta0 = ObjectiveCases.randomPoint(program.parameterCount(), positive, seed);
            double expected = interpreter.valueAndGradient(theta0);
            double[] gradient = interpreter.grads.clone();
            String at = name + " at seed " + seed;

            CompiledObjective minimizer = recipe.newMinimizer(TrainOptions.seed(1).withSteps(1));
            float[] start = toFloat(theta0);
            System.arraycopy(start, 0, minimizer.flatParameters(), 0, start.length);
            assertEquals(expected, minimizer.valueAt(start), TOLERANCE * (1 + Math.abs(expected)), at + ": value()");

            List<Double> reported = new ArrayList<>();
            Minimization m = minimizer.minimize((t, j) -> reported.add(j));
            assertEquals(1, m.values().length);
            assertEquals(expected, m.values()[0], TOLERANCE * (1 + Math.abs(expected)), at + ": computeGradients()'s J");
            assertEquals(List.of(m.values()[0]), reported, "the listener hears step 1's value");
            assertEquals(1, minimizer.step());
            assertGradient(program, gradient, minimizer.flatGradients(), at);
            assertStep(program, start, gradient, minimizer.flatParameters(), at);
            assertArrayEquals(start, m.trajectory()[0], "the trajectory starts at θ₀");
            assertArrayEquals(minimizer.flatParameters(), m.trajectory()[1], "and ends at θ₁");
            assertArrayEquals(minimizer.flatParameters(), m.parameters());
        }
    }

    private static void assertGradient(ObjectiveProgram program, double[] expected, float[] actual, String what) {
        for (ParameterSlice slice : program.parameters()) {
            double scale = scale(slice, expected);
            for (int e = 0; e < slice.size(); e++) {
                int i = slice.offset() + e;
                assertEquals(expected[i], actual[i], TOLERANCE * scale + 1e-6, what + ": ∂J/∂" + slice.name() + "[" + e + "]");
            }
        }
    }

    private static void assertStep(ObjectiveProgram program, float[] before, double[] gradient, float[] after, String what) {
        double lr = ObjectiveCases.LR;
        double worst = 0;
        String worstAt = "";
        for (ParameterSlice slice : program.parameters()) {
            double scale = scale(slice, gradient);
            for (int e = 0; e < slice.size(); e++) {
                int i = slice.offset() + e;
                double expected = before[i] - lr * gradient[i];
                double allowed = lr * (TOLERANCE * scale + 1e-6) + Math.ulp((float) expected);
                double ratio = Math.abs(after[i] - expected) / allowed;
                if (ratio > worst) {
                    worst = ratio;
                    worstAt = slice.name() + "[" + e + "]: θ₀ " + before[i] + ", g " + gradient[i] + ", expected " + expected
                            + ", minimizer " + after[i];
                }
            }
        }
        if (worst > 1) fail(what + ": step off by " + worst + " times the tolerance at " + worstAt);
    }

    private static double scale(ParameterSlice slice, double[] gradient) {
        double scale = 0;
        for (int e = 0; e < slice.size(); e++) scale = Math.max(scale, Math.abs(gradient[slice.offset() + e]));
        return scale;
    }

    /** The minimizer starts at the declared initial values: one per element, or one number for a whole tensor. */
    @Test
    void theMinimizerStartsAtTheDeclaredValues() throws CompilationFailed {
        CompiledRecipe recipe = ObjectiveCases.compile("""
                objective f(x: 3 = [3, -2, 0.5], W: [2, 3] = 0.25, v: 2) {
                    return sum((W @ x - v) ^ 2)
                }""", 1);
        ObjectiveInterpreter interpreter = new ObjectiveInterpreter(recipe.objectiveProgram());
        double[] declared = interpreter.initialParameters();
        assertArrayEquals(new double[] {3, -2, 0.5, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0, 0}, declared);
        CompiledObjective minimizer = recipe.newMinimizer(TrainOptions.seed(1));
        assertArrayEquals(toFloat(declared), minimizer.flatParameters());
        assertArrayEquals(new float[] {3, -2, 0.5f}, minimizer.parameter("x"));
        assertArrayEquals(new float[] {0, 0}, minimizer.parameter("v"));
    }

    /**
     * Ten sgd steps on the sparse-coding objective, replayed in double (θ ← θ − lr·∇J): the trajectories agree within
     * 1e-4·(1 + |θ|), float rounding compounded over the steps, and every step's J within 1e-4·(1 + |J|).
     */
    @Test
    void tenStepsFollowTheInterpretersTrajectory() throws CompilationFailed {
        CompiledRecipe recipe = ObjectiveCases.compile("""
                objective f(X: [4, 3], H: [2, 3], W: [2, 4], lambda = 0.1) {
                    return lambda * sum(abs(H)) + sum((X - transpose(W) @ H) ^ 2)
                }""", 10);
        ObjectiveProgram program = recipe.objectiveProgram();
        ObjectiveInterpreter interpreter = new ObjectiveInterpreter(program);
        double[] theta = ObjectiveCases.randomPoint(program.parameterCount(), false, 5);
        CompiledObjective minimizer = recipe.newMinimizer(TrainOptions.seed(1));
        System.arraycopy(toFloat(theta), 0, minimizer.flatParameters(), 0, theta.length);
        Minimization m = minimizer.minimize((t, j) -> { });
        assertEquals(10, m.values().length);
        for (int k = 0; k < 10; k++) {
            for (int i = 0; i < theta.length; i++) {
                assertEquals(theta[i], m.trajectory()[k][i], 1e-4 * (1 + Math.abs(theta[i])), "θ_" + k + "[" + i + "]");
            }
            double j = interpreter.valueAndGradient(theta);
            assertEquals(j, m.values()[k], 1e-4 * (1 + Math.abs(j)), "J(θ_" + k + ")");
            for (int i = 0; i < theta.length; i++) theta[i] -= ObjectiveCases.LR * interpreter.grads[i];
        }
        assertTrue(m.values()[9] < m.values()[0], "sgd descends: " + m.values()[0] + " → " + m.values()[9]);
        assertEquals(interpreter.value(theta), m.finalValue(), 1e-4 * (1 + Math.abs(m.finalValue())), "J at the end");
    }

    static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }
}
