package dev.optc.benchmark;

/**
 * Calls a benchmark's code many times before JMH's warm-up, so that C2 compiles it as a whole method first. Vector API
 * code runs interpreted or in C1 until then, where every vector operation allocates and a call can be a thousand times
 * slower: short warm-up iterations would make only a handful of such calls and time the compilation.
 */
final class JitWarmup {
    /** Enough calls for C2 to compile every method on the path, whatever the tiered thresholds. */
    static final int CALLS = 20_000;

    private JitWarmup() {
    }

    /**
     * Calls {@code call} {@code calls} times, or for {@code seconds} when that comes first. Give it small inputs: the
     * count is what gets code compiled, and on a loaded machine the compiler threads wait for a core too.
     */
    static void repeat(Runnable call, int calls, double seconds) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        for (int c = 0; c < calls && System.nanoTime() < deadline; c++) call.run();
    }
}
