package dev.optc.runtime.solvers;

/** Told of the starting point (iteration 0) and of every iterate after it. */
@FunctionalInterface
public interface IterationListener {
    IterationListener NONE = (iteration, x, value) -> {
    };

    /** {@code x} is the solver's live buffer: read it, or copy it to keep it; never modify it. */
    void iterated(int iteration, double[] x, double value);
}
