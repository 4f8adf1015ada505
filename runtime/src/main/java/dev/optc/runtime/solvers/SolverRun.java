package dev.optc.runtime.solvers;

import java.util.ArrayList;
import java.util.List;

/** The bookkeeping every solver shares: evaluations, iterations, the trajectory, the listener, the stopping rule. */
final class SolverRun {
    private final SolverSettings settings;
    private final IterationListener listener;
    private final List<double[]> trajectory = new ArrayList<>();
    private int iterations;
    private int evaluations;

    SolverRun(SolverSettings settings, IterationListener listener) {
        this.settings = settings;
        this.listener = listener;
    }

    /** Evaluates f at the start into {@code gradient} and records the start as iteration 0. */
    double start(DifferentiableFunction f, double[] x, double[] gradient) {
        if (x.length != f.dimension()) {
            throw new IllegalArgumentException("the start has " + x.length + " coordinates, the function "
                    + f.dimension());
        }
        double value = evaluate(f, x, gradient);
        if (!Double.isFinite(value)) throw new IllegalArgumentException("the objective is " + value + " at the start");
        record(x, value);
        return value;
    }

    double evaluate(DifferentiableFunction f, double[] x, double[] gradient) {
        evaluations++;
        return f.valueAndGradient(x, gradient);
    }

    void countEvaluations(int count) {
        evaluations += count;
    }

    void iterated(double[] x, double value) {
        iterations++;
        record(x, value);
    }

    private void record(double[] x, double value) {
        if (settings.keepTrajectory()) trajectory.add(x.clone());
        listener.iterated(iterations, x, value);
    }

    /** The stopping rule: true when the gradient is small enough or the iterations are used up. */
    boolean done(double[] gradient) {
        return converged(gradient) || iterations >= settings.maxIterations();
    }

    boolean converged(double[] gradient) {
        return Vectors.normInf(gradient) <= settings.gradientTolerance();
    }

    int iterations() {
        return iterations;
    }

    Minimizer.Result result(double[] x, double value, double[] gradient) {
        return new Minimizer.Result(x.clone(), value, Vectors.normInf(gradient), iterations, evaluations,
                converged(gradient), List.copyOf(trajectory));
    }
}
