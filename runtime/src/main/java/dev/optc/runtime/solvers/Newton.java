package dev.optc.runtime.solvers;

/**
 * Newton's method with damping (Deep Learning §8.6.1, with its regularization for saddle points):
 * x ← x − (H + αI)⁻¹ g, with the Hessian assembled from {@link DifferentiableFunction#hessianVectorProduct} with the
 * n unit vectors (exact when that product is; to ~10⁻¹⁰ relative with the default central difference), solved by
 * Cholesky. Where H + αI is not positive definite (a saddle point, a maximum) α grows tenfold until it is, for that
 * iteration only; see {@link NewtonDirection}.
 *
 * <p>Without a line search (the default) every step is the full Newton step, so a positive-definite quadratic is
 * minimized in one iteration (with α = 0). With one, the step is backtracked to sufficient decrease (Armijo, c₁ = 10⁻⁴,
 * halving from 1), so that every iteration descends; it costs more than one evaluation only when the full step is
 * rejected.
 *
 * <p>Each iteration costs n Hessian–vector products (2n gradient evaluations with the default product, not counted in
 * {@link Minimizer.Result#evaluations()}), n² doubles and n³/6 flops per Cholesky attempt, so dimensions above
 * {@link #MAX_DIMENSION} are refused.
 */
public final class Newton implements Minimizer {
    /** The largest n Newton accepts: its Hessian is 2000² doubles = 32 MB and one factorization ~1.3·10⁹ flops. */
    public static final int MAX_DIMENSION = 2000;

    private final double damping;
    private final LineSearch lineSearch;

    /** Pure Newton steps with damping α ≥ 0. */
    public Newton(double damping) {
        this(damping, false);
    }

    /** With {@code lineSearch}, each Newton step is backtracked to sufficient decrease. */
    public Newton(double damping, boolean lineSearch) {
        if (!(damping >= 0) || Double.isInfinite(damping)) {
            throw new IllegalArgumentException("the damping must be finite and ≥ 0, got " + damping);
        }
        this.damping = damping;
        this.lineSearch = lineSearch ? LineSearch.armijo(LineSearch.SUFFICIENT_DECREASE, 0.5) : null;
    }

    /** Undamped, pure Newton steps (α = 0 unless a step needs more). */
    public Newton() {
        this(0);
    }

    @Override
    public Result minimize(DifferentiableFunction f, double[] start, SolverSettings settings, IterationListener listener) {
        int n = f.dimension();
        if (n > MAX_DIMENSION) {
            throw new IllegalArgumentException("Newton assembles the n×n Hessian and factors it every iteration; n = " + n
                    + " is above its limit of " + MAX_DIMENSION + ". Use Lbfgs or ConjugateGradient for this size.");
        }
        SolverRun run = new SolverRun(settings, listener);
        double[] x = start.clone();
        double[] gradient = new double[n];
        double value = run.start(f, x, gradient);
        int[] all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        while (!run.done(gradient)) {
            NewtonDirection.Direction newton = NewtonDirection.of(f, x, gradient, all, damping);
            if (newton == null) break;
            if (lineSearch == null) {
                double[] next = new double[n];
                for (int i = 0; i < n; i++) next[i] = x[i] + newton.direction()[i];
                double[] nextGradient = new double[n];
                double nextValue = run.evaluate(f, next, nextGradient);
                if (!Double.isFinite(nextValue)) break;
                x = next;
                gradient = nextGradient;
                value = nextValue;
            } else {
                LineSearch.Step step = lineSearch.search(f, x, value, gradient, newton.direction(), 1);
                run.countEvaluations(step.evaluations());
                if (!step.satisfied()) break;
                x = step.x();
                gradient = step.gradient();
                value = step.value();
            }
            run.iterated(x, value);
        }
        return run.result(x, value, gradient);
    }
}
