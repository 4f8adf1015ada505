package dev.optc.runtime.kernels;

import dev.optc.runtime.vector.VectorReductions;

/**
 * Reductions over the flat gradient buffer, such as the global norm that gradient clipping needs once per step. The
 * summation order is fixed for a given backend, so the result does not depend on timing.
 */
public final class Reductions {
    private Reductions() {
    }

    /** Σ x², in double. */
    public static double sumOfSquares(float[] x) {
        return Backend.vector() ? VectorReductions.sumOfSquares(x) : scalarSumOfSquares(x, 0, x.length);
    }

    public static double scalarSumOfSquares(float[] x, int from, int to) {
        // Four partial sums: a shorter dependency chain, and the same order on every run.
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            s0 += (double) x[i] * x[i];
            s1 += (double) x[i + 1] * x[i + 1];
            s2 += (double) x[i + 2] * x[i + 2];
            s3 += (double) x[i + 3] * x[i + 3];
        }
        for (; i < to; i++) s0 += (double) x[i] * x[i];
        return (s0 + s1) + (s2 + s3);
    }
}
