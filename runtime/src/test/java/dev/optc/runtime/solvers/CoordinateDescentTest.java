package dev.optc.runtime.solvers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CoordinateDescentTest {
    private static final double ALPHA = 0.01;

    /**
     * Deep Learning §8.7.2: f(x) = (x₁ − x₂)² + α(x₁² + x₂²), α = 0.01, from (3, −2). Minimizing over x₁ with x₂
     * fixed gives x₁ = x₂/(1 + α), and likewise for x₂, so every coordinate step shrinks the point by 1/(1 + α)
     * only: after s sweeps x = (−2(1 + α)^{−(2s−1)}, −2(1 + α)^{−2s}) — the oracle. After 50 sweeps (100 coordinate
     * steps) that is (−0.7468, −0.7394), and f = 0.011099 (≈ 2α·0.74²: the first term is nearly 0, the decay term is
     * what is left), far above 1e-3 and above 1e-2; Newton reaches 0 in one step ({@link NewtonTest}).
     */
    @Test
    void zigZagsSlowlyOnTheCoupledQuadratic() {
        Minimizer.Result result = new CoordinateDescent(1).minimize(Objectives.coupled(ALPHA, false), new double[] {3, -2},
                SolverSettings.of(1e-12, 100));
        assertEquals(100, result.iterations());
        assertFalse(result.converged());
        List<double[]> path = result.trajectory();
        for (int step = 1; step <= 100; step++) {
            double[] p = path.get(step);
            double[] q = path.get(step - 1);
            // coordinate steps: x₁ moves on odd steps, x₂ on even ones, each to the other over (1 + α)
            int moved = (step - 1) % 2;
            assertEquals(q[1 - moved], p[1 - moved], 0.0, "the other coordinate moved at step " + step);
            assertEquals(p[1 - moved] / (1 + ALPHA), p[moved], 1e-10, "not the exact coordinate minimum at step " + step);
        }
        double x1 = -2 * Math.pow(1 + ALPHA, -99);
        double x2 = -2 * Math.pow(1 + ALPHA, -100);
        assertEquals(x1, result.x()[0], 1e-8);
        assertEquals(x2, result.x()[1], 1e-8);
        double closedFormValue = (x1 - x2) * (x1 - x2) + ALPHA * (x1 * x1 + x2 * x2);
        assertEquals(closedFormValue, result.value(), 1e-9);
        assertTrue(result.value() > 1e-2, "f = " + result.value());
    }

    /** One block holding both coordinates is a Newton step on the whole quadratic: the minimum in one visit. */
    @Test
    void aSingleBlockIsNewton() {
        Minimizer.Result result = new CoordinateDescent(new int[][] {{0, 1}}).minimize(Objectives.coupled(ALPHA, true),
                new double[] {3, -2}, SolverSettings.of(1e-9, 10));
        assertEquals(1, result.iterations());
        assertTrue(Objectives.normInf(result.x()) <= 1e-12);
    }

    /**
     * On Rosenbrock the coordinate steps are safeguarded Newton steps; it still reaches the minimum, slowly, along the
     * curved valley: measured 10,247 coordinate steps to ‖∇f‖∞ ≤ 1e-6 from (−1.5, 2) (BFGS needs 38 iterations).
     */
    @Test
    void descendsOnRosenbrock() {
        Minimizer.Result result = new CoordinateDescent(1).minimize(Objectives.rosenbrock(), Objectives.rosenbrockStart(2),
                SolverSettings.of(1e-6, 200_000).withoutTrajectory());
        assertTrue(result.converged(), "stopped at " + java.util.Arrays.toString(result.x()));
        assertTrue(Objectives.distanceToOnes(result.x()) <= 1e-4);
        assertTrue(result.iterations() <= 20_000, result.iterations() + " coordinate steps");
    }

    @Test
    void blocksMustPartitionTheCoordinates() {
        DifferentiableFunction f = Objectives.extendedRosenbrock(4);
        assertThrows(IllegalArgumentException.class,
                () -> new CoordinateDescent(new int[][] {{0, 1}, {1, 2}, {3}}).minimize(f, new double[4]));
        assertThrows(IllegalArgumentException.class,
                () -> new CoordinateDescent(new int[][] {{0, 1}, {3}}).minimize(f, new double[4]));
    }
}
