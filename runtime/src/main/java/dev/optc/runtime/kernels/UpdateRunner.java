package dev.optc.runtime.kernels;

import dev.optc.runtime.parallel.Workers;

/** Runs a fused update over the whole flat buffer, split across the worker threads when it is large. */
public final class UpdateRunner {
    private UpdateRunner() {
    }

    public static void update(FusedUpdate kernel, float[] params, float[] grads, float[] origin, float[][] states, float[] scalars) {
        Workers.forRange(params.length, (from, to) -> kernel.update(params, grads, origin, states, scalars, from, to));
    }

    public static void lookahead(FusedUpdate kernel, float[] params, float[] origin, float[][] states, float[] scalars) {
        Workers.forRange(params.length, (from, to) -> kernel.lookahead(params, origin, states, scalars, from, to));
    }
}
