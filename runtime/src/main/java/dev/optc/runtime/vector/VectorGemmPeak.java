package dev.optc.runtime.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The yardstick for {@link VectorGemm}: this core's FMA throughput, measured by a loop of independent FMAs on values
 * that never leave the registers. Twelve accumulators cover the FMA latency times the FMA pipes of current x86 cores
 * (4 cycles × 2); the multiplier and addend keep every value near 1, so no denormals slow it down. Benchmarks report
 * GEMM rates as a fraction of what this returns, measured in the same run.
 */
public final class VectorGemmPeak {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int ACCUMULATORS = 12;

    private VectorGemmPeak() {
    }

    /** Floating-point operations {@link #fmaLoop} performs per iteration: 12 FMAs of a whole vector, 2 each per lane. */
    public static long flopsPerIteration() {
        return 2L * ACCUMULATORS * S.length();
    }

    /** Runs {@code iterations} rounds of 12 independent FMAs and returns a value that depends on all of them. */
    public static float fmaLoop(long iterations) {
        FloatVector m = FloatVector.broadcast(S, 0.999f), c = FloatVector.broadcast(S, 0.001f);
        FloatVector a0 = FloatVector.broadcast(S, 1f), a1 = a0.add(1), a2 = a0.add(2), a3 = a0.add(3);
        FloatVector a4 = a0.add(4), a5 = a0.add(5), a6 = a0.add(6), a7 = a0.add(7);
        FloatVector a8 = a0.add(8), a9 = a0.add(9), a10 = a0.add(10), a11 = a0.add(11);
        for (long i = 0; i < iterations; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
        }
        FloatVector sum = a0.add(a1).add(a2.add(a3)).add(a4.add(a5).add(a6.add(a7))).add(a8.add(a9).add(a10.add(a11)));
        return sum.reduceLanes(VectorOperators.ADD);
    }
}
