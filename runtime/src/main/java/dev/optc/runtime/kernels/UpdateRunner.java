package dev.optc.runtime.kernels;

import dev.optc.runtime.parallel.Workers;

/**
 * Runs a fused update over the whole flat buffer, or over some ranges of it (the parameters of one optimizer group),
 * each split across the worker threads when it is large.
 */
public final class UpdateRunner {
    private UpdateRunner() {
    }

    public static void update(FusedUpdate kernel, float[] params, float[] grads, float[] origin, float[][] states, float[] scalars) {
        Workers.forRange(params.length, (from, to) -> kernel.update(params, grads, origin, states, scalars, from, to));
    }

    public static void lookahead(FusedUpdate kernel, float[] params, float[] origin, float[][] states, float[] scalars) {
        Workers.forRange(params.length, (from, to) -> kernel.lookahead(params, origin, states, scalars, from, to));
    }

    /** {@code ranges} holds [from, to) pairs of offsets, sorted and disjoint; each is split as the whole buffer would be. */
    public static void update(FusedUpdate kernel, float[] params, float[] grads, float[] origin, float[][] states, float[] scalars,
                              int[] ranges) {
        for (int r = 0; r < ranges.length; r += 2) {
            int start = ranges[r];
            Workers.forRange(ranges[r + 1] - start,
                    (from, to) -> kernel.update(params, grads, origin, states, scalars, start + from, start + to));
        }
    }

    public static void lookahead(FusedUpdate kernel, float[] params, float[] origin, float[][] states, float[] scalars, int[] ranges) {
        for (int r = 0; r < ranges.length; r += 2) {
            int start = ranges[r];
            Workers.forRange(ranges[r + 1] - start, (from, to) -> kernel.lookahead(params, origin, states, scalars, start + from, start + to));
        }
    }
}
