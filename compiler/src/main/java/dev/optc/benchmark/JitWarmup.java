package dev.optc.benchmark;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Calls a benchmark's code many times before JMH's warm-up, so that C2 compiles it as a whole method first. Vector API
 * code runs interpreted or in C1 until then, where every vector operation allocates and a call can be a thousand times
 * slower: short warm-up iterations would make only a handful of such calls and time the compilation.
 */
final class JitWarmup {
    /** Enough calls for C2 to compile every method on the path, whatever the tiered thresholds. */
    static final int CALLS = 20_000;
    /** However loaded the machine, a setup ends within this many times its CPU budget in wall-clock time. */
    private static final int WALL_FACTOR = 20;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private JitWarmup() {
    }

    /**
     * Calls {@code call} {@code calls} times, or until it has used {@code seconds} of this thread's CPU time. CPU time,
     * not wall-clock time: on a loaded machine a wall-clock budget ends before the interpreter has made enough calls.
     * Give it small inputs: the count is what gets code compiled.
     */
    static void repeat(Runnable call, int calls, double seconds) {
        boolean cpu = THREADS.isCurrentThreadCpuTimeSupported();
        long budget = (long) (seconds * 1e9);
        long cpuStart = cpu ? THREADS.getCurrentThreadCpuTime() : 0;
        long wallStart = System.nanoTime();
        for (int c = 0; c < calls; c++) {
            call.run();
            if ((c & 15) != 15) continue;
            long wall = System.nanoTime() - wallStart;
            if (wall > WALL_FACTOR * budget || (cpu ? THREADS.getCurrentThreadCpuTime() - cpuStart : wall) > budget) return;
        }
    }
}
