package dev.optc.runtime.solvers;

/**
 * Limited-memory BFGS (Deep Learning §8.6.3; Nocedal &amp; Wright algorithm 7.4 and 7.5): the direction −Hg is
 * computed by the two-loop recursion from the last m pairs s = x⁺ − x, y = g⁺ − g, with the initial matrix
 * H⁰ = (sᵀy / yᵀy) I of the newest pair (N&amp;W 7.20); a strong Wolfe line search (c₂ = 0.9) gives the step, trying
 * α = 1 first, or min(1, 1/‖g‖₂) while there is no pair yet (as L-BFGS-B). A pair with sᵀy ≤ 0 is not stored. O(mn)
 * memory and time per iteration.
 *
 * <p>When a search finds no decrease, the pairs are dropped and the iteration retried along −g; when that fails too the
 * solver stops, not converged (normally at the rounding level of f).
 */
public final class Lbfgs implements Minimizer {
    private final int history;
    private final LineSearch lineSearch =
            LineSearch.strongWolfe(LineSearch.SUFFICIENT_DECREASE, LineSearch.QUASI_NEWTON_CURVATURE);

    /** Keeping the last {@code history} (m ≥ 1) pairs; 3 to 20 is usual, 10 a common default. */
    public Lbfgs(int history) {
        if (history < 1) throw new IllegalArgumentException("the history must be at least 1, got " + history);
        this.history = history;
    }

    public Lbfgs() {
        this(10);
    }

    @Override
    public Result minimize(DifferentiableFunction f, double[] start, SolverSettings settings, IterationListener listener) {
        int n = f.dimension();
        SolverRun run = new SolverRun(settings, listener);
        double[] x = start.clone();
        double[] gradient = new double[n];
        double value = run.start(f, x, gradient);
        // a ring of the last pairs: pair k (k = 0 the oldest) at (first + k) % history
        double[][] s = new double[history][];
        double[][] y = new double[history][];
        double[] rho = new double[history];
        int first = 0;
        int count = 0;
        while (!run.done(gradient)) {
            double[] direction = twoLoop(gradient, s, y, rho, first, count);
            double initialStep = count == 0 ? Math.min(1, 1 / Vectors.norm2(gradient)) : 1;
            LineSearch.Step step = lineSearch.search(f, x, value, gradient, direction, initialStep);
            run.countEvaluations(step.evaluations());
            if (step.step() == 0) {
                if (count == 0) break;
                count = 0;
                continue;
            }
            double[] sNew = Vectors.difference(step.x(), x);
            double[] yNew = Vectors.difference(step.gradient(), gradient);
            double sy = Vectors.dot(sNew, yNew);
            if (sy > 0) {
                int slot = (first + count) % history;
                if (count == history) {
                    slot = first;
                    first = (first + 1) % history;
                } else {
                    count++;
                }
                s[slot] = sNew;
                y[slot] = yNew;
                rho[slot] = 1 / sy;
            }
            x = step.x();
            gradient = step.gradient();
            value = step.value();
            run.iterated(x, value);
        }
        return run.result(x, value, gradient);
    }

    /** −Hg by N&amp;W algorithm 7.4; −g when there is no pair. */
    private double[] twoLoop(double[] gradient, double[][] s, double[][] y, double[] rho, int first, int count) {
        int n = gradient.length;
        double[] q = gradient.clone();
        double[] alpha = new double[history];
        for (int k = count - 1; k >= 0; k--) {
            int i = (first + k) % history;
            alpha[i] = rho[i] * Vectors.dot(s[i], q);
            for (int j = 0; j < n; j++) q[j] -= alpha[i] * y[i][j];
        }
        if (count > 0) {
            int newest = (first + count - 1) % history;
            double gamma = 1 / (rho[newest] * Vectors.dot(y[newest], y[newest]));
            for (int j = 0; j < n; j++) q[j] *= gamma;
        }
        for (int k = 0; k < count; k++) {
            int i = (first + k) % history;
            double beta = rho[i] * Vectors.dot(y[i], q);
            for (int j = 0; j < n; j++) q[j] += s[i][j] * (alpha[i] - beta);
        }
        for (int j = 0; j < n; j++) q[j] = -q[j];
        return q;
    }
}
