package dev.optc.runtime.solvers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NewtonTest {
    private static final int N = 10;

    /** A = MᵀM + I with M standard normal (seeded): symmetric positive definite, eigenvalues from 1 to about 40. */
    private static double[][] randomSpd(Random random) {
        double[][] m = new double[N][N];
        for (double[] row : m) for (int j = 0; j < N; j++) row[j] = random.nextGaussian();
        double[][] a = new double[N][N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                double sum = i == j ? 1 : 0;
                for (int k = 0; k < N; k++) sum += m[k][i] * m[k][j];
                a[i][j] = sum;
            }
        }
        return a;
    }

    /** The oracle: A⁻¹b by Gaussian elimination with partial pivoting, independent of the solver's Cholesky. */
    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n] = b[i];
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
            double[] swap = m[col];
            m[col] = m[pivot];
            m[pivot] = swap;
            for (int r = col + 1; r < n; r++) {
                double factor = m[r][col] / m[col][col];
                for (int c = col; c <= n; c++) m[r][c] -= factor * m[col][c];
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double sum = m[i][n];
            for (int j = i + 1; j < n; j++) sum -= m[i][j] * x[j];
            x[i] = sum / m[i][i];
        }
        return x;
    }

    /**
     * Deep Learning §8.6.1: on a positive-definite quadratic the Newton step lands on the minimum. With the exact
     * Hessian product (Av) one step is at A⁻¹b to 1e-10 (measured: ‖∇f‖∞ ≈ 2e-14 after it,
     * rounding level). With the default central
     * difference the Hessian is off by ~ε^{2/3}‖g‖ ≈ 1e-10 relative, hence so is the step: measured ‖∇f‖∞ ≈ 3.5e-10
     * after it, so the same one step is asserted at 1e-8.
     */
    @Test
    void minimizesPositiveDefiniteQuadraticInOneStep() {
        Random random = new Random(8);
        double[][] a = randomSpd(random);
        double[] b = new double[N];
        double[] start = new double[N];
        for (int i = 0; i < N; i++) b[i] = random.nextGaussian();
        for (int i = 0; i < N; i++) start[i] = 3 * random.nextGaussian();
        double[] minimum = solve(a, b);

        Minimizer.Result exact = new Newton().minimize(Objectives.quadratic(a, b, true), start, SolverSettings.of(1e-9, 10));
        assertEquals(1, exact.iterations());
        assertTrue(exact.converged());
        assertEquals(2, exact.trajectory().size());
        for (int i = 0; i < N; i++) assertEquals(minimum[i], exact.x()[i], 1e-10, "x[" + i + "]");

        Minimizer.Result differenced = new Newton().minimize(Objectives.quadratic(a, b, false), start,
                SolverSettings.of(1e-6, 10));
        assertEquals(1, differenced.iterations());
        for (int i = 0; i < N; i++) assertEquals(minimum[i], differenced.x()[i], 1e-8, "x[" + i + "]");
    }

    /**
     * f = x² − y² from (½, 1), where f = −¾. H = diag(2, −2) is indefinite: the undamped step −H⁻¹g = (−½, −1) would
     * land on the saddle (f = 0, uphill). The damping rule tries α = 0, then β = 10⁻³·2 and tenfold: 0.002, 0.02,
     * 0.2, 2 (H + 2I = diag(4, 0), singular), 20, the first positive definite one. So the step is
     * (−g_x/22, −g_y/18) = (−1/22, +1/9): away from the saddle along the negative curvature, and f decreases at every
     * iteration.
     */
    @Test
    void dampingMovesAwayFromASaddle() {
        Minimizer.Result result = new Newton().minimize(Objectives.saddle(), new double[] {0.5, 1}, SolverSettings.of(1e-9, 5));
        List<double[]> path = result.trajectory();
        assertEquals(0.5 - 1.0 / 22, path.get(1)[0], 1e-8);
        assertEquals(1 + 1.0 / 9, path.get(1)[1], 1e-8);
        double previous = -0.75;
        for (int k = 1; k < path.size(); k++) {
            double[] p = path.get(k);
            double value = p[0] * p[0] - p[1] * p[1];
            assertTrue(value < previous, "f went up at iteration " + k + ": " + value);
            assertTrue(Math.abs(p[1]) > Math.abs(path.get(k - 1)[1]), "|y| did not grow at iteration " + k);
            previous = value;
        }
        assertEquals(5, result.iterations());
    }

    /**
     * §8.7.2's f = (x₁ − x₂)² + α(x₁² + x₂²), α = 0.01, from (3, −2): a positive-definite quadratic (eigenvalues 2α
     * and 4 + 2α, condition 201), so one Newton step reaches 0: to rounding with the exact product (asserted 1e-12),
     * and within the difference Hessian's error of ~1e-10 relative times the condition number times |x₀| ≈ 6e-8
     * (measured 2e-10; asserted 1e-8) with the default one.
     */
    @Test
    void solvesTheCoupledQuadraticInOneStep() {
        double[] start = {3, -2};
        Minimizer.Result exact = new Newton().minimize(Objectives.coupled(0.01, true), start, SolverSettings.of(1e-9, 1));
        assertEquals(1, exact.iterations());
        assertTrue(Objectives.normInf(exact.x()) <= 1e-12, "x = " + java.util.Arrays.toString(exact.x()));
        Minimizer.Result differenced = new Newton().minimize(Objectives.coupled(0.01, false), start, SolverSettings.of(1e-9, 1));
        assertTrue(Objectives.normInf(differenced.x()) <= 1e-8, "x = " + java.util.Arrays.toString(differenced.x()));
    }

    /** Newton with the Armijo line search on 2-D Rosenbrock from (−1.5, 2): measured 22 iterations (7 pure). */
    @Test
    void withLineSearchReachesRosenbrockMinimum() {
        Minimizer.Result result = new Newton(0, true).minimize(Objectives.rosenbrock(), Objectives.rosenbrockStart(2),
                SolverSettings.of(1e-8, 100));
        assertTrue(result.converged());
        assertTrue(Objectives.distanceToOnes(result.x()) <= 1e-5);
        for (int k = 1; k < result.trajectory().size(); k++) {
            double[] g = new double[2];
            double before = Objectives.rosenbrock().valueAndGradient(result.trajectory().get(k - 1), g);
            double after = Objectives.rosenbrock().valueAndGradient(result.trajectory().get(k), g);
            assertTrue(after < before, "no decrease at iteration " + k);
        }
    }

    @Test
    void refusesDimensionsAboveTheLimit() {
        DifferentiableFunction large = Objectives.extendedRosenbrock(Newton.MAX_DIMENSION + 2);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new Newton().minimize(large, new double[Newton.MAX_DIMENSION + 2]));
        assertTrue(refused.getMessage().contains("2002") && refused.getMessage().contains("2000"), refused.getMessage());
    }
}
