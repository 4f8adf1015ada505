package dev.optc.runtime.solvers;

/**
 * BFGS (Deep Learning §8.6.3; Nocedal &amp; Wright algorithm 6.1): the inverse Hessian approximation H, dense n×n,
 * gives the direction −Hg; a strong Wolfe line search (c₂ = 0.9) gives the step, trying α = 1 first; then, with
 * s = x⁺ − x and y = g⁺ − g, ρ = 1/sᵀy,
 * H ← (I − ρsyᵀ) H (I − ρysᵀ) + ρssᵀ.
 *
 * <p>H starts as I; after the first step, before the first update, it is rescaled to (sᵀy / yᵀy) I (N&amp;W 6.20), so
 * that its size matches the curvature along s. The first step, along −g with H = I, tries α = min(1, 1/‖g‖₂), as
 * L-BFGS-B does, rather than a unit step of the gradient's size. The update is skipped when sᵀy ≤ 0, which keeps H
 * positive definite; a strong Wolfe step always has sᵀy &gt; 0, so this happens only after a failed search.
 *
 * <p>When a search finds no decrease, H is reset to I and the iteration retried along −g; when that fails too the
 * solver stops, not converged (normally at the rounding level of f). H holds n² doubles, so dimensions above
 * {@link #MAX_DIMENSION} are refused: use {@link Lbfgs}.
 */
public final class Bfgs implements Minimizer {
    /** 4000² doubles = 128 MB. */
    public static final int MAX_DIMENSION = 4000;

    private final LineSearch lineSearch =
            LineSearch.strongWolfe(LineSearch.SUFFICIENT_DECREASE, LineSearch.QUASI_NEWTON_CURVATURE);

    @Override
    public Result minimize(DifferentiableFunction f, double[] start, SolverSettings settings, IterationListener listener) {
        int n = f.dimension();
        if (n > MAX_DIMENSION) {
            throw new IllegalArgumentException("BFGS keeps a dense n×n inverse Hessian; n = " + n + " is above its limit of "
                    + MAX_DIMENSION + ". Use Lbfgs for this size.");
        }
        SolverRun run = new SolverRun(settings, listener);
        double[] x = start.clone();
        double[] gradient = new double[n];
        double value = run.start(f, x, gradient);
        double[] inverse = identity(n);
        boolean fresh = true;   // H = I: no curvature learned yet
        while (!run.done(gradient)) {
            double[] direction = fresh ? Vectors.negated(gradient) : times(inverse, gradient, -1);
            double initialStep = fresh ? Math.min(1, 1 / Vectors.norm2(gradient)) : 1;
            LineSearch.Step step = lineSearch.search(f, x, value, gradient, direction, initialStep);
            run.countEvaluations(step.evaluations());
            if (step.step() == 0) {
                if (fresh) break;
                inverse = identity(n);
                fresh = true;
                continue;
            }
            double[] s = Vectors.difference(step.x(), x);
            double[] y = Vectors.difference(step.gradient(), gradient);
            double sy = Vectors.dot(s, y);
            if (sy > 0) {
                if (fresh) {
                    inverse = identity(n);
                    double scale = sy / Vectors.dot(y, y);
                    for (int i = 0; i < n; i++) inverse[i * n + i] = scale;
                    fresh = false;
                }
                update(inverse, s, y, sy);
            }
            x = step.x();
            gradient = step.gradient();
            value = step.value();
            run.iterated(x, value);
        }
        return run.result(x, value, gradient);
    }

    /**
     * H ← (I − ρsyᵀ) H (I − ρysᵀ) + ρssᵀ, expanded for symmetric H:
     * H − ρ(Hy sᵀ + s (Hy)ᵀ) + (ρ² yᵀHy + ρ) ssᵀ.
     */
    private static void update(double[] inverse, double[] s, double[] y, double sy) {
        int n = s.length;
        double rho = 1 / sy;
        double[] hy = times(inverse, y, 1);
        double coefficient = rho * rho * Vectors.dot(y, hy) + rho;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                inverse[i * n + j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + coefficient * s[i] * s[j];
            }
        }
    }

    /** scale · Av for a row-major n×n A. */
    private static double[] times(double[] a, double[] v, double scale) {
        int n = v.length;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = 0; j < n; j++) sum += a[i * n + j] * v[j];
            out[i] = scale * sum;
        }
        return out;
    }

    private static double[] identity(int n) {
        double[] identity = new double[n * n];
        for (int i = 0; i < n; i++) identity[i * n + i] = 1;
        return identity;
    }
}
