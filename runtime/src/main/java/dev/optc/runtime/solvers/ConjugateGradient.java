package dev.optc.runtime.solvers;

/**
 * Nonlinear conjugate gradients (Deep Learning §8.6.2; Nocedal &amp; Wright algorithm 5.4):
 * d ← −g⁺ + β d, with a strong Wolfe line search (c₂ = 0.1) along d and
 * <ul>
 *   <li>Fletcher–Reeves: β = g⁺ᵀg⁺ / gᵀg;</li>
 *   <li>Polak–Ribière⁺: β = max(0, g⁺ᵀ(g⁺ − g) / gᵀg) (clipped at 0 as N&amp;W 5.45: a restart when β &lt; 0).</li>
 * </ul>
 * The method restarts along −g every {@code restart} iterations (the book's "occasional resets"; n by default, after
 * which the conjugacy of a quadratic's directions is used up) and whenever d is not a descent direction.
 *
 * <p>The first step along a direction tries α₀ = min(1, 1.01 · 2(f − f₋) / gᵀd), the step at which a quadratic
 * through the last decrease would bottom out (N&amp;W 3.60, as SciPy's CG), with f₋ = f + ‖g‖₂/2 at the start. When a
 * search finds no decrease the iteration is retried along −g; when that fails too the solver stops, not converged.
 */
public final class ConjugateGradient implements Minimizer {
    public enum Beta { FLETCHER_REEVES, POLAK_RIBIERE }

    private final Beta beta;
    private final int restart;
    private final LineSearch lineSearch =
            LineSearch.strongWolfe(LineSearch.SUFFICIENT_DECREASE, LineSearch.CONJUGATE_GRADIENT_CURVATURE);

    /** Restarting every {@code restart} ≥ 1 iterations. */
    public ConjugateGradient(Beta beta, int restart) {
        if (restart < 1) throw new IllegalArgumentException("the restart period must be at least 1, got " + restart);
        this.beta = beta;
        this.restart = restart;
    }

    /** Restarting every n iterations, n the dimension. */
    public ConjugateGradient(Beta beta) {
        this.beta = beta;
        this.restart = 0;
    }

    @Override
    public Result minimize(DifferentiableFunction f, double[] start, SolverSettings settings, IterationListener listener) {
        int n = f.dimension();
        int period = restart > 0 ? restart : Math.max(1, n);
        SolverRun run = new SolverRun(settings, listener);
        double[] x = start.clone();
        double[] gradient = new double[n];
        double value = run.start(f, x, gradient);
        double[] direction = Vectors.negated(gradient);
        boolean steepest = true;
        double previousValue = value + Vectors.norm2(gradient) / 2;
        int sinceRestart = 0;
        while (!run.done(gradient)) {
            double slope = Vectors.dot(gradient, direction);
            double initialStep = Math.min(1, 1.01 * 2 * (value - previousValue) / slope);
            if (!(initialStep > 0)) initialStep = 1;
            LineSearch.Step step = lineSearch.search(f, x, value, gradient, direction, initialStep);
            run.countEvaluations(step.evaluations());
            if (step.step() == 0) {
                if (steepest) break;
                direction = Vectors.negated(gradient);
                steepest = true;
                sinceRestart = 0;
                continue;
            }
            double[] next = step.gradient();
            double gg = Vectors.dot(gradient, gradient);
            double b = switch (beta) {
                case FLETCHER_REEVES -> Vectors.dot(next, next) / gg;
                case POLAK_RIBIERE -> Math.max(0, (Vectors.dot(next, next) - Vectors.dot(next, gradient)) / gg);
            };
            sinceRestart++;
            if (sinceRestart >= period) b = 0;
            double[] nextDirection = new double[n];
            for (int i = 0; i < n; i++) nextDirection[i] = -next[i] + b * direction[i];
            if (!(Vectors.dot(next, nextDirection) < 0)) b = 0;
            if (b == 0) {
                nextDirection = Vectors.negated(next);
                sinceRestart = 0;
            }
            previousValue = value;
            x = step.x();
            gradient = next;
            value = step.value();
            direction = nextDirection;
            steepest = b == 0;
            run.iterated(x, value);
        }
        return run.result(x, value, gradient);
    }
}
