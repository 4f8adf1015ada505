package dev.optc.benchmark;

import dev.optc.runtime.kernels.Backend;
import dev.optc.runtime.vector.VectorGemmPeak;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * This core's FMA peak, the yardstick of the dense products: {@link VectorGemmPeak}'s loop of independent FMAs on
 * registers, or, without the Vector API, the same loop on scalars ({@link Math#fma}).
 */
@State(Scope.Benchmark)
public class FmaPeakBenchmark {
    static final long ITERATIONS = 1 << 16;
    private static final int SCALAR_ACCUMULATORS = 12;

    private boolean vector;

    @Setup(Level.Trial)
    public void setUp() {
        vector = Backend.vectorUnavailableReason() == null;
        // Short calls first, so that C2 compiles the loop as a method rather than the first long call running interpreted.
        float[] sink = new float[1];
        JitWarmup.repeat(() -> sink[0] += vector ? VectorGemmPeak.fmaLoop(64) : scalarFmaLoop(64), JitWarmup.CALLS, 10);
    }

    @Benchmark
    public float fmaLoop() {
        return vector ? VectorGemmPeak.fmaLoop(ITERATIONS) : scalarFmaLoop(ITERATIONS);
    }

    /** Floating-point operations of one call, for the backend this JVM can run. */
    static double flopsPerCall() {
        return Backend.vectorUnavailableReason() == null
                ? (double) ITERATIONS * VectorGemmPeak.flopsPerIteration()
                : (double) ITERATIONS * 2 * SCALAR_ACCUMULATORS;
    }

    /** Twelve independent chains of scalar FMAs, as {@link VectorGemmPeak#fmaLoop} runs them on vectors. */
    static float scalarFmaLoop(long iterations) {
        float m = 0.999f, c = 0.001f;
        float a0 = 1, a1 = 2, a2 = 3, a3 = 4, a4 = 5, a5 = 6, a6 = 7, a7 = 8, a8 = 9, a9 = 10, a10 = 11, a11 = 12;
        for (long i = 0; i < iterations; i++) {
            a0 = Math.fma(a0, m, c);
            a1 = Math.fma(a1, m, c);
            a2 = Math.fma(a2, m, c);
            a3 = Math.fma(a3, m, c);
            a4 = Math.fma(a4, m, c);
            a5 = Math.fma(a5, m, c);
            a6 = Math.fma(a6, m, c);
            a7 = Math.fma(a7, m, c);
            a8 = Math.fma(a8, m, c);
            a9 = Math.fma(a9, m, c);
            a10 = Math.fma(a10, m, c);
            a11 = Math.fma(a11, m, c);
        }
        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
    }
}
