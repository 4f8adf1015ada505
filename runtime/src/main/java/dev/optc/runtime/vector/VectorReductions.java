package dev.optc.runtime.vector;

import dev.optc.runtime.kernels.Reductions;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API reductions: several accumulators hide the FMA latency; lanes are reduced once, after the loop. */
public final class VectorReductions {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private VectorReductions() {
    }

    /**
     * Σ x². Partial sums are kept in float lanes over blocks of 4096 elements, then added in double, so long buffers
     * keep double accuracy overall.
     */
    public static double sumOfSquares(float[] x) {
        int lanes = SPECIES.length();
        if (x.length < 4 * lanes) return Reductions.scalarSumOfSquares(x, 0, x.length);
        double total = 0;
        int block = 4096;
        int from = 0;
        for (; from + block <= x.length; from += block) total += block(x, from, from + block);
        int upper = from + SPECIES.loopBound(x.length - from);
        if (upper > from) total += block(x, from, upper);
        total += Reductions.scalarSumOfSquares(x, upper, x.length);
        // Float lanes overflow for |x| above about 1.8e19 — exactly the exploding gradients clipping is for — and
        // then the double sum gives the right answer.
        return Double.isFinite(total) ? total : Reductions.scalarSumOfSquares(x, 0, x.length);
    }

    /** Σ x² over [from, to), where to − from is a multiple of the lane count. */
    private static double block(float[] x, int from, int to) {
        int lanes = SPECIES.length();
        FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0;
        int i = from;
        for (; i + 4 * lanes <= to; i += 4 * lanes) {
            FloatVector v0 = FloatVector.fromArray(SPECIES, x, i);
            FloatVector v1 = FloatVector.fromArray(SPECIES, x, i + lanes);
            FloatVector v2 = FloatVector.fromArray(SPECIES, x, i + 2 * lanes);
            FloatVector v3 = FloatVector.fromArray(SPECIES, x, i + 3 * lanes);
            a0 = v0.fma(v0, a0);
            a1 = v1.fma(v1, a1);
            a2 = v2.fma(v2, a2);
            a3 = v3.fma(v3, a3);
        }
        for (; i < to; i += lanes) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, i);
            a0 = v.fma(v, a0);
        }
        return (double) a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    }
}
