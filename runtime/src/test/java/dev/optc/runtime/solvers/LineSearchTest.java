package dev.optc.runtime.solvers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The returned steps checked against the conditions they claim, by evaluating f at x + αd again here: sufficient
 * decrease f(x + αd) ≤ f(x) + c₁α∇f(x)ᵀd and strong curvature |∇f(x + αd)ᵀd| ≤ c₂|∇f(x)ᵀd|.
 */
class LineSearchTest {
    private static final double[] INITIAL_STEPS = {1e-6, 1e-3, 1, 100};

    /**
     * On 10-D extended Rosenbrock, at 50 random points, along −∇f and along a random descent direction, from initial
     * steps far too short to far too long (extrapolation and zoom), for c₂ = 0.9 and 0.1: every search succeeds and
     * its step satisfies both conditions.
     */
    @Test
    void strongWolfeStepsSatisfyTheConditions() {
        DifferentiableFunction f = Objectives.extendedRosenbrock(10);
        Random random = new Random(3);
        int searches = 0;
        for (double c2 : new double[] {LineSearch.QUASI_NEWTON_CURVATURE, LineSearch.CONJUGATE_GRADIENT_CURVATURE}) {
            LineSearch search = LineSearch.strongWolfe(LineSearch.SUFFICIENT_DECREASE, c2);
            for (int point = 0; point < 50; point++) {
                double[] x = new double[10];
                for (int i = 0; i < 10; i++) x[i] = 2 * random.nextGaussian();
                double[] gradient = new double[10];
                double value = f.valueAndGradient(x, gradient);
                for (double[] direction : new double[][] {negated(gradient), randomDescent(random, gradient)}) {
                    for (double initial : INITIAL_STEPS) {
                        LineSearch.Step step = search.search(f, x, value, gradient, direction, initial);
                        assertTrue(step.satisfied(), "no step at point " + point + " from " + initial);
                        assertStrongWolfe(f, x, value, gradient, direction, step, LineSearch.SUFFICIENT_DECREASE, c2);
                        assertTrue(step.evaluations() <= LineSearch.MAX_EVALUATIONS);
                        searches++;
                    }
                }
            }
        }
        assertEquals(800, searches);
    }

    /** Backtracking returns the first of α, ½α, ¼α, … with sufficient decrease. */
    @Test
    void armijoReturnsTheFirstSufficientDecrease() {
        DifferentiableFunction f = Objectives.rosenbrock();
        LineSearch search = LineSearch.armijo(LineSearch.SUFFICIENT_DECREASE, 0.5);
        double[] x = Objectives.rosenbrockStart(2);
        double[] gradient = new double[2];
        double value = f.valueAndGradient(x, gradient);
        double[] direction = negated(gradient);
        LineSearch.Step step = search.search(f, x, value, gradient, direction, 1);
        assertTrue(step.satisfied());
        double slope = dot(gradient, direction);
        assertTrue(valueAt(f, x, direction, step.step()) <= value + 1e-4 * step.step() * slope);
        double longer = 2 * step.step();
        assertFalse(valueAt(f, x, direction, longer) <= value + 1e-4 * longer * slope, "a longer step would have done");
        assertEquals(Math.round(-Math.log(step.step()) / Math.log(2)) + 1, step.evaluations());
    }

    /** An ascent direction is refused without evaluating f; the start comes back with step 0. */
    @Test
    void refusesAnAscentDirection() {
        DifferentiableFunction f = Objectives.rosenbrock();
        double[] x = Objectives.rosenbrockStart(2);
        double[] gradient = new double[2];
        double value = f.valueAndGradient(x, gradient);
        LineSearch.Step step = LineSearch.strongWolfe(1e-4, 0.9).search(f, x, value, gradient, gradient.clone(), 1);
        assertEquals(0, step.step());
        assertEquals(0, step.evaluations());
        assertFalse(step.satisfied());
        assertArrayEquals(x, step.x(), 0.0);
        assertEquals(value, step.value());
    }

    /** f = (x − 1)² where |x| < 5 and NaN beyond: a first trial into NaN is shrunk, not taken. */
    @Test
    void shrinksOutOfNaN() {
        DifferentiableFunction f = new DifferentiableFunction() {
            @Override
            public int dimension() {
                return 1;
            }

            @Override
            public double valueAndGradient(double[] x, double[] gradient) {
                if (Math.abs(x[0]) >= 5) {
                    gradient[0] = Double.NaN;
                    return Double.NaN;
                }
                gradient[0] = 2 * (x[0] - 1);
                return (x[0] - 1) * (x[0] - 1);
            }
        };
        double[] x = {0};
        double[] gradient = {-2};
        LineSearch.Step step = LineSearch.strongWolfe(1e-4, 0.9).search(f, x, 1, gradient, new double[] {1}, 1000);
        assertTrue(step.satisfied());
        assertStrongWolfe(f, x, 1, gradient, new double[] {1}, step, 1e-4, 0.9);
    }

    private static void assertStrongWolfe(DifferentiableFunction f, double[] x, double value, double[] gradient,
                                          double[] direction, LineSearch.Step step, double c1, double c2) {
        double alpha = step.step();
        assertTrue(alpha > 0);
        double[] point = new double[x.length];
        for (int i = 0; i < x.length; i++) point[i] = x[i] + alpha * direction[i];
        double[] newGradient = new double[x.length];
        double newValue = f.valueAndGradient(point, newGradient);
        assertArrayEquals(point, step.x(), 0.0);
        assertEquals(newValue, step.value(), 0.0);
        assertArrayEquals(newGradient, step.gradient(), 0.0);
        double slope = dot(gradient, direction);
        assertTrue(newValue <= value + c1 * alpha * slope, "sufficient decrease fails at α = " + alpha);
        assertTrue(Math.abs(dot(newGradient, direction)) <= c2 * Math.abs(slope), "curvature fails at α = " + alpha);
    }

    private static double valueAt(DifferentiableFunction f, double[] x, double[] direction, double alpha) {
        double[] point = new double[x.length];
        for (int i = 0; i < x.length; i++) point[i] = x[i] + alpha * direction[i];
        return f.valueAndGradient(point, new double[x.length]);
    }

    /** A random direction, flipped if need be to point downhill. */
    private static double[] randomDescent(Random random, double[] gradient) {
        double[] direction = new double[gradient.length];
        for (int i = 0; i < direction.length; i++) direction[i] = random.nextGaussian();
        if (dot(direction, gradient) > 0) {
            for (int i = 0; i < direction.length; i++) direction[i] = -direction[i];
        }
        return direction;
    }

    private static double[] negated(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = -v[i];
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) sum += a[i] * b[i];
        return sum;
    }
}
