package dev.optc.objectives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.optc.api.CompilationFailed;
import dev.optc.interpret.ObjectiveInterpreter;
import dev.optc.ir.ObjectiveProgram;
import dev.optc.ir.ParameterSlice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The objective interpreter's gradients (the backward ops {@code ObjectiveAutodiff} derived) against finite
 * differences of its own value, in double, for every parameter element, at three random points per objective.
 *
 * <p>The quotient is the five-point stencil [8(J(θ+h) − J(θ−h)) − (J(θ+2h) − J(θ−2h))]/12h with h = 1e-4: its
 * truncation error h⁴/30·J⁽⁵⁾ is below 1e-14 for these objectives (parameters in [0.5, 1.5] in magnitude, so no
 * derivative of log, sqrt, / or ^ blows up), and its rounding error about 1.5·ε·|J|/h ≈ 3e-12·|J| (|J| reaches ~1e3
 * for Rosenbrock, whose gradients are ~1e3 too). So the gradient must agree within 1e-6 relative plus 1e-10·(1 + |J|)
 * absolute. abs is kept ≥ 0.5 from its kink, far beyond the 2h the stencil reaches.
 */
class ObjectiveGradientCheckTest {
    private static final double H = 1e-4;
    private static final double RELATIVE = 1e-6;
    private static final double ABSOLUTE = 1e-10;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.optc.objectives.ObjectiveCases#cases")
    void gradientMatchesFiniteDifferences(String name, String objective, boolean positive) throws CompilationFailed {
        ObjectiveProgram program = ObjectiveCases.compile(objective, 1).objectiveProgram();
        ObjectiveInterpreter interpreter = new ObjectiveInterpreter(program);
        for (long seed = 1; seed <= 3; seed++) {
            double[] theta = ObjectiveCases.randomPoint(program.parameterCount(), positive, seed);
            double value = interpreter.valueAndGradient(theta);
            assertTrue(Double.isFinite(value), name + ": J = " + value);
            double[] analytic = interpreter.grads.clone();
            double worst = 0;
            String worstAt = "";
            for (ParameterSlice slice : program.parameters()) {
                for (int e = 0; e < slice.size(); e++) {
                    int i = slice.offset() + e;
                    double numeric = differenceQuotient(interpreter, theta, i);
                    double allowed = RELATIVE * Math.max(Math.abs(analytic[i]), Math.abs(numeric)) + ABSOLUTE * (1 + Math.abs(value));
                    double ratio = Math.abs(analytic[i] - numeric) / allowed;
                    if (ratio > worst) {
                        worst = ratio;
                        worstAt = slice.name() + "[" + e + "]: analytic " + analytic[i] + ", finite difference " + numeric;
                    }
                }
            }
            if (worst > 1) fail(name + " at seed " + seed + ": gradient off by " + worst + " times the tolerance at " + worstAt);
            assertEquals(value, interpreter.value(theta), "the check left θ as it was");
        }
    }

    private static double differenceQuotient(ObjectiveInterpreter interpreter, double[] theta, int i) {
        double saved = theta[i];
        theta[i] = saved + H;
        double plus1 = interpreter.value(theta);
        theta[i] = saved - H;
        double minus1 = interpreter.value(theta);
        theta[i] = saved + 2 * H;
        double plus2 = interpreter.value(theta);
        theta[i] = saved - 2 * H;
        double minus2 = interpreter.value(theta);
        theta[i] = saved;
        return (8 * (plus1 - minus1) - (plus2 - minus2)) / (12 * H);
    }

    /**
     * J(x, p) = Σ x_i ^ p at x = (0, 2), p = 2: ∂J/∂p = Σ x_i^p·ln x_i, where the x = 0 term is 0 (0^p = 0 for every
     * p > 0, so it does not vary with p); ∂J/∂p = 4 ln 2. The formula x^p·ln x evaluates 0·(−∞) = NaN there, in the
     * interpreter and in the runtime's TensorOps.binaryGradient alike (PyTorch masks the x = 0 case to 0).
     */
    @Test
    void aParameterExponentOverAZeroBaseHasAFiniteGradient() throws CompilationFailed {
        ObjectiveProgram program = ObjectiveCases.compile("""
                objective f(x: 2 = [0, 2], p: 1 = 2) {
                    return sum(x ^ p[0])
                }""", 1).objectiveProgram();
        ObjectiveInterpreter interpreter = new ObjectiveInterpreter(program);
        double[] theta = interpreter.initialParameters();
        assertEquals(4.0, interpreter.valueAndGradient(theta), 1e-12);
        assertEquals(4 * Math.log(2), interpreter.grads[2], 1e-12, "∂J/∂p");
        assertEquals(differenceQuotient(interpreter, theta, 2), interpreter.grads[2], 1e-9);
    }

    /** Hand-computed values: the interpreter's value and gradient mean what the formulas say. */
    @Test
    void valueAndGradientOnAHandComputedPoint() throws CompilationFailed {
        // J = (x0 − x1)² + α(x0² + x1²) at x = (3, −2), α = 0.01: 25 + 0.13 = 25.13;
        // ∂J/∂x0 = 2(x0 − x1) + 2αx0 = 10.06, ∂J/∂x1 = −2(x0 − x1) + 2αx1 = −10.04.
        ObjectiveProgram program = ObjectiveCases.compile("""
                objective f(x: 2 = [3, -2], alpha = 0.01) {
                    return (x[0] - x[1]) ^ 2 + alpha * (x[0] ^ 2 + x[1] ^ 2)
                }""", 1).objectiveProgram();
        ObjectiveInterpreter interpreter = new ObjectiveInterpreter(program);
        double[] theta = interpreter.initialParameters();
        assertEquals(3.0, theta[0]);
        assertEquals(-2.0, theta[1]);
        assertEquals(25.13, interpreter.valueAndGradient(theta), 1e-12);
        assertEquals(10.06, interpreter.grads[0], 1e-12);
        assertEquals(-10.04, interpreter.grads[1], 1e-12);

        // W [2, 3] @ v [3] with W = 1 everywhere and v = (1, 2, 3): W@v = (6, 6); J = sum((W@v)²) = 72;
        // ∂J/∂W[i, j] = 2·(W@v)_i·v_j = 12·v_j, ∂J/∂v_j = Σ_i 2·(W@v)_i·W[i, j] = 24.
        program = ObjectiveCases.compile("""
                objective f(W: [2, 3] = 1, v: 3 = [1, 2, 3]) {
                    return sum((W @ v) ^ 2)
                }""", 1).objectiveProgram();
        interpreter = new ObjectiveInterpreter(program);
        assertEquals(72.0, interpreter.valueAndGradient(interpreter.initialParameters()), 1e-12);
        double[] expected = {12, 24, 36, 12, 24, 36, 24, 24, 24};
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], interpreter.grads[i], 1e-12, "∂J/∂θ[" + i + "]");
    }
}
