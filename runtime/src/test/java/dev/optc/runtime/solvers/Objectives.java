package dev.optc.runtime.solvers;

/** The test problems, with their derivatives written out by hand. */
final class Objectives {
    private Objectives() {
    }

    /** Rosenbrock's f = (1 − x)² + 100(y − x²)², minimum 0 at (1, 1). */
    static DifferentiableFunction rosenbrock() {
        return extendedRosenbrock(2);
    }

    /**
     * The extended Rosenbrock function (Moré, Garbow &amp; Hillstrom 1981, problem 21) of even dimension n:
     * Σ over pairs (1 − x₂ᵢ)² + 100(x₂ᵢ₊₁ − x₂ᵢ²)², minimum 0 at (1, …, 1).
     */
    static DifferentiableFunction extendedRosenbrock(int n) {
        return new DifferentiableFunction() {
            @Override
            public int dimension() {
                return n;
            }

            @Override
            public double valueAndGradient(double[] x, double[] gradient) {
                double value = 0;
                for (int i = 0; i < n; i += 2) {
                    double a = 1 - x[i];
                    double b = x[i + 1] - x[i] * x[i];
                    gradient[i] = -2 * a - 400 * x[i] * b;
                    gradient[i + 1] = 200 * b;
                    value += a * a + 100 * b * b;
                }
                return value;
            }
        };
    }

    /** The Hessian of 2-D Rosenbrock: [[1200x² − 400y + 2, −400x], [−400x, 200]]. */
    static double[][] rosenbrockHessian(double[] x) {
        return new double[][] {
                {1200 * x[0] * x[0] - 400 * x[1] + 2, -400 * x[0]},
                {-400 * x[0], 200}};
    }

    /** (−1.5, 2) repeated n/2 times. */
    static double[] rosenbrockStart(int n) {
        double[] start = new double[n];
        for (int i = 0; i < n; i += 2) {
            start[i] = -1.5;
            start[i + 1] = 2;
        }
        return start;
    }

    /**
     * ½xᵀAx − bᵀx, gradient Ax − b. With {@code exactHessian} its Hessian–vector product is Av; without, the
     * interface's central difference.
     */
    static DifferentiableFunction quadratic(double[][] a, double[] b, boolean exactHessian) {
        int n = b.length;
        DifferentiableFunction differenced = new DifferentiableFunction() {
            @Override
            public int dimension() {
                return n;
            }

            @Override
            public double valueAndGradient(double[] x, double[] gradient) {
                double value = 0;
                for (int i = 0; i < n; i++) {
                    double ax = 0;
                    for (int j = 0; j < n; j++) ax += a[i][j] * x[j];
                    gradient[i] = ax - b[i];
                    value += 0.5 * x[i] * ax - b[i] * x[i];
                }
                return value;
            }
        };
        if (!exactHessian) return differenced;
        return new DifferentiableFunction() {
            @Override
            public int dimension() {
                return n;
            }

            @Override
            public double valueAndGradient(double[] x, double[] gradient) {
                return differenced.valueAndGradient(x, gradient);
            }

            @Override
            public void hessianVectorProduct(double[] x, double[] v, double[] out) {
                for (int i = 0; i < n; i++) {
                    double sum = 0;
                    for (int j = 0; j < n; j++) sum += a[i][j] * v[j];
                    out[i] = sum;
                }
            }
        };
    }

    /** §8.7.2: f(x) = (x₁ − x₂)² + α(x₁² + x₂²) = ½xᵀAx with A = [[2 + 2α, −2], [−2, 2 + 2α]]. */
    static DifferentiableFunction coupled(double alpha, boolean exactHessian) {
        double[][] a = {{2 + 2 * alpha, -2}, {-2, 2 + 2 * alpha}};
        return quadratic(a, new double[2], exactHessian);
    }

    /** f = x² − y², a saddle at the origin. */
    static DifferentiableFunction saddle() {
        return new DifferentiableFunction() {
            @Override
            public int dimension() {
                return 2;
            }

            @Override
            public double valueAndGradient(double[] x, double[] gradient) {
                gradient[0] = 2 * x[0];
                gradient[1] = -2 * x[1];
                return x[0] * x[0] - x[1] * x[1];
            }
        };
    }

    static double distanceToOnes(double[] x) {
        double max = 0;
        for (double v : x) max = Math.max(max, Math.abs(v - 1));
        return max;
    }

    static double normInf(double[] x) {
        double max = 0;
        for (double v : x) max = Math.max(max, Math.abs(v));
        return max;
    }
}
