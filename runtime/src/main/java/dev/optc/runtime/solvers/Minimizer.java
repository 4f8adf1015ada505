package dev.optc.runtime.solvers;

import java.util.List;

/**
 * A full-batch minimizer of a {@link DifferentiableFunction}. Every solver is deterministic: the same function,
 * start and settings give the same trajectory, bit for bit.
 */
public interface Minimizer {
    /**
     * Minimizes f from {@code start} (not modified) under {@code settings}, telling {@code listener} of every
     * iterate.
     */
    Result minimize(DifferentiableFunction f, double[] start, SolverSettings settings, IterationListener listener);

    default Result minimize(DifferentiableFunction f, double[] start, SolverSettings settings) {
        return minimize(f, start, settings, IterationListener.NONE);
    }

    default Result minimize(DifferentiableFunction f, double[] start) {
        return minimize(f, start, SolverSettings.DEFAULT, IterationListener.NONE);
    }

    /**
     * Where a solver stopped.
     *
     * @param gradientNorm ‖∇f(x)‖∞, the quantity of the stopping rule
     * @param iterations   updates of x made (for {@link CoordinateDescent}, block updates)
     * @param evaluations  calls of {@link DifferentiableFunction#valueAndGradient} made by the solver and its line
     *                     search; not those made inside {@link DifferentiableFunction#hessianVectorProduct}
     * @param converged    whether ‖∇f(x)‖∞ ≤ the tolerance
     * @param trajectory   the start and every iterate, {@code iterations + 1} copies; empty when not kept
     */
    record Result(double[] x, double value, double gradientNorm, int iterations, int evaluations, boolean converged,
                  List<double[]> trajectory) {
    }
}
