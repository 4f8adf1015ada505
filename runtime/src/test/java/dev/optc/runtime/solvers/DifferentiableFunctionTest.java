package dev.optc.runtime.solvers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The default Hessian–vector product against Rosenbrock's Hessian written out by hand. */
class DifferentiableFunctionTest {
    /**
     * At 20 random points and directions: the central difference is within ε^{2/3} ≈ 4e-11 relative of the
     * gradient's scale in theory; asserted 1e-7 relative to ‖H‖‖v‖ (entries of H reach ~10⁴ here).
     */
    @Test
    void centralDifferenceMatchesTheHessian() {
        DifferentiableFunction f = Objectives.rosenbrock();
        Random random = new Random(5);
        for (int trial = 0; trial < 20; trial++) {
            double[] x = {2 * random.nextGaussian(), 2 * random.nextGaussian()};
            double[] v = {random.nextGaussian(), random.nextGaussian()};
            double[][] h = Objectives.rosenbrockHessian(x);
            double[] product = new double[2];
            f.hessianVectorProduct(x, v, product);
            double scale = (Math.abs(h[0][0]) + Math.abs(h[0][1]) + Math.abs(h[1][1])) * Math.hypot(v[0], v[1]);
            for (int i = 0; i < 2; i++) {
                double expected = h[i][0] * v[0] + h[i][1] * v[1];
                assertEquals(expected, product[i], 1e-7 * scale, "trial " + trial + ", row " + i);
            }
        }
    }

    @Test
    void zeroDirectionGivesZero() {
        double[] product = {7, 7};
        Objectives.rosenbrock().hessianVectorProduct(new double[] {1, 2}, new double[2], product);
        assertEquals(0, product[0]);
        assertEquals(0, product[1]);
    }
}
