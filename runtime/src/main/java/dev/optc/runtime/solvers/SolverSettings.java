package dev.optc.runtime.solvers;

/**
 * When a solver stops, and what it keeps. It stops at the first iterate whose gradient has ‖∇f‖∞ ≤
 * {@code gradientTolerance} (converged), after {@code maxIterations} iterations, or earlier when its line search
 * can make no more progress (not converged; typically the objective's rounding level was reached).
 *
 * @param keepTrajectory whether {@link Minimizer.Result#trajectory()} holds every iterate (n doubles each); off for
 *                       large n, where an {@link IterationListener} can keep what it needs
 */
public record SolverSettings(double gradientTolerance, int maxIterations, boolean keepTrajectory) {
    public static final SolverSettings DEFAULT = new SolverSettings(1e-6, 1000, true);

    public SolverSettings {
        if (!(gradientTolerance >= 0)) throw new IllegalArgumentException("gradientTolerance must be ≥ 0, got " + gradientTolerance);
        if (maxIterations < 0) throw new IllegalArgumentException("maxIterations must be ≥ 0, got " + maxIterations);
    }

    public static SolverSettings of(double gradientTolerance, int maxIterations) {
        return new SolverSettings(gradientTolerance, maxIterations, true);
    }

    public SolverSettings withoutTrajectory() {
        return new SolverSettings(gradientTolerance, maxIterations, false);
    }
}
