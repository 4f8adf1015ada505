package dev.optc.runtime.solvers;

/**
 * The damped Newton direction on a set of coordinates B: d_B = −(H_BB + αI)⁻¹ g_B, zero elsewhere, shared by
 * {@link Newton} (B = every coordinate) and {@link CoordinateDescent} (B = one block).
 *
 * <p>H_BB is assembled column by column from Hessian–vector products with unit vectors, then symmetrized (a
 * finite-difference product is symmetric only up to its error). It is factored by Cholesky; when H_BB + αI is not
 * positive definite, as at a saddle point, α grows tenfold until it is (Deep Learning §8.6.1, the regularized
 * Newton step; the tenfold rule is that of Nocedal &amp; Wright's algorithm 3.3), starting from
 * β = 10⁻³ · max(1, max|h_ii|) when the given damping is smaller. With α large the step tends to −g/α, gradient
 * descent with step 1/α.
 *
 * <p>Positive definite here means every Cholesky pivot exceeds √ε · (max|h_ii| + α): a pivot at the rounding level of
 * a finite-difference Hessian (~10⁻¹⁰ relative) is treated as zero, so a singular H + αI is never inverted into an
 * enormous step.
 */
final class NewtonDirection {
    private static final double BETA = 1e-3;
    private static final double PIVOT_TOLERANCE = Math.sqrt(Math.ulp(1.0));
    private static final int MAX_DAMPING_INCREASES = 60;

    /** The direction, with zeros outside the coordinates, and the damping α it used. */
    record Direction(double[] direction, double damping) {
    }

    private NewtonDirection() {
    }

    /** Null when no damping up to 10⁶⁰β makes H_BB + αI positive definite (a Hessian with NaN or infinities). */
    static Direction of(DifferentiableFunction f, double[] x, double[] gradient, int[] coordinates, double damping) {
        int m = coordinates.length;
        double[] hessian = assemble(f, x, coordinates);
        double maxDiagonal = 0;
        for (int i = 0; i < m; i++) maxDiagonal = Math.max(maxDiagonal, Math.abs(hessian[i * m + i]));
        double beta = BETA * Math.max(1, maxDiagonal);
        double alpha = damping;
        double[] factor = new double[m * m];
        for (int attempt = 0; attempt <= MAX_DAMPING_INCREASES; attempt++) {
            if (cholesky(hessian, alpha, m, PIVOT_TOLERANCE * (maxDiagonal + alpha), factor)) {
                double[] rhs = new double[m];
                for (int i = 0; i < m; i++) rhs[i] = -gradient[coordinates[i]];
                solve(factor, m, rhs);
                double[] direction = new double[x.length];
                for (int i = 0; i < m; i++) direction[coordinates[i]] = rhs[i];
                return new Direction(direction, alpha);
            }
            alpha = Math.max(10 * alpha, beta);
        }
        return null;
    }

    /** H_BB, row-major, from one Hessian–vector product per coordinate, symmetrized. */
    private static double[] assemble(DifferentiableFunction f, double[] x, int[] coordinates) {
        int n = x.length;
        int m = coordinates.length;
        double[] hessian = new double[m * m];
        double[] unit = new double[n];
        double[] column = new double[n];
        for (int j = 0; j < m; j++) {
            unit[coordinates[j]] = 1;
            f.hessianVectorProduct(x, unit, column);
            unit[coordinates[j]] = 0;
            for (int i = 0; i < m; i++) hessian[i * m + j] = column[coordinates[i]];
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < i; j++) {
                double mean = 0.5 * (hessian[i * m + j] + hessian[j * m + i]);
                hessian[i * m + j] = mean;
                hessian[j * m + i] = mean;
            }
        }
        return hessian;
    }

    /**
     * L with LLᵀ = A + αI into the lower triangle of {@code factor}; false as soon as a pivot is not above
     * {@code minPivot} (or is NaN).
     */
    private static boolean cholesky(double[] a, double alpha, int m, double minPivot, double[] factor) {
        for (int j = 0; j < m; j++) {
            double pivot = a[j * m + j] + alpha;
            for (int k = 0; k < j; k++) pivot -= factor[j * m + k] * factor[j * m + k];
            if (!(pivot > minPivot)) return false;
            double diagonal = Math.sqrt(pivot);
            factor[j * m + j] = diagonal;
            for (int i = j + 1; i < m; i++) {
                double sum = a[i * m + j];
                for (int k = 0; k < j; k++) sum -= factor[i * m + k] * factor[j * m + k];
                factor[i * m + j] = sum / diagonal;
            }
        }
        return true;
    }

    /** Solves LLᵀz = rhs in place. */
    private static void solve(double[] factor, int m, double[] rhs) {
        for (int i = 0; i < m; i++) {
            double sum = rhs[i];
            for (int k = 0; k < i; k++) sum -= factor[i * m + k] * rhs[k];
            rhs[i] = sum / factor[i * m + i];
        }
        for (int i = m - 1; i >= 0; i--) {
            double sum = rhs[i];
            for (int k = i + 1; k < m; k++) sum -= factor[k * m + i] * rhs[k];
            rhs[i] = sum / factor[i * m + i];
        }
    }
}
