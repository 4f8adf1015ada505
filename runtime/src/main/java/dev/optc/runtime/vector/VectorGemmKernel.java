package dev.optc.runtime.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked micro-kernel: a 12×32 tile of C held in 24 vector accumulators (12 rows × 2 vectors of 16
 * lanes), updated by one broadcast of A and two loads of B per step of k. With 32 vector registers that leaves room
 * for the two B vectors and the broadcast, so nothing spills, and 24 independent FMA chains are three times what the
 * FMA latency times the two FMA pipes (4 cycles × 2) needs. The kernel reads only the two packed formats below, so the
 * plain and the transposed operands of the three products all run this one loop.
 *
 * <p>The tile is loaded into the accumulators (or zeroed), updated and stored back, so each element of C is a single
 * FMA chain over all of k, from the first k block to the last: the blocking of k changes no bits.
 *
 * <p>The method is one straight block on purpose: C2 stops inlining at a node budget, and a vector passed to a call it
 * did not inline is boxed on the heap, which costs ten times the arithmetic. So no helper methods here.
 */
final class VectorGemmKernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    static final int LANES = 16;
    /** Rows of C per tile: A is packed as [k][MR]. */
    static final int MR = 12;
    /** Columns of C per tile (two vectors): B is packed as [k][NR]. */
    static final int NR = 2 * LANES;

    private VectorGemmKernel() {
    }

    /**
     * C[0..MR, 0..NR) at c[ci ..] with row stride ldc becomes (add ? C : 0) + A·B, where A(i, p) = a[ai + p·MR + i]
     * and B(p, j) = b[bi + p·NR + j] for p in [0, kc), summed in order of p.
     */
    static void tile(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc, boolean add) {
        FloatVector r0a, r0b, r1a, r1b, r2a, r2b, r3a, r3b, r4a, r4b, r5a, r5b, r6a, r6b, r7a, r7b, r8a, r8b,
                r9a, r9b, r10a, r10b, r11a, r11b;
        if (add) {
            r0a = FloatVector.fromArray(S, c, ci);
            r0b = FloatVector.fromArray(S, c, ci + LANES);
            r1a = FloatVector.fromArray(S, c, ci + ldc);
            r1b = FloatVector.fromArray(S, c, ci + ldc + LANES);
            r2a = FloatVector.fromArray(S, c, ci + 2 * ldc);
            r2b = FloatVector.fromArray(S, c, ci + 2 * ldc + LANES);
            r3a = FloatVector.fromArray(S, c, ci + 3 * ldc);
            r3b = FloatVector.fromArray(S, c, ci + 3 * ldc + LANES);
            r4a = FloatVector.fromArray(S, c, ci + 4 * ldc);
            r4b = FloatVector.fromArray(S, c, ci + 4 * ldc + LANES);
            r5a = FloatVector.fromArray(S, c, ci + 5 * ldc);
            r5b = FloatVector.fromArray(S, c, ci + 5 * ldc + LANES);
            r6a = FloatVector.fromArray(S, c, ci + 6 * ldc);
            r6b = FloatVector.fromArray(S, c, ci + 6 * ldc + LANES);
            r7a = FloatVector.fromArray(S, c, ci + 7 * ldc);
            r7b = FloatVector.fromArray(S, c, ci + 7 * ldc + LANES);
            r8a = FloatVector.fromArray(S, c, ci + 8 * ldc);
            r8b = FloatVector.fromArray(S, c, ci + 8 * ldc + LANES);
            r9a = FloatVector.fromArray(S, c, ci + 9 * ldc);
            r9b = FloatVector.fromArray(S, c, ci + 9 * ldc + LANES);
            r10a = FloatVector.fromArray(S, c, ci + 10 * ldc);
            r10b = FloatVector.fromArray(S, c, ci + 10 * ldc + LANES);
            r11a = FloatVector.fromArray(S, c, ci + 11 * ldc);
            r11b = FloatVector.fromArray(S, c, ci + 11 * ldc + LANES);
        } else {
            FloatVector zero = FloatVector.zero(S);
            r0a = zero; r0b = zero; r1a = zero; r1b = zero; r2a = zero; r2b = zero; r3a = zero; r3b = zero;
            r4a = zero; r4b = zero; r5a = zero; r5b = zero; r6a = zero; r6b = zero; r7a = zero; r7b = zero;
            r8a = zero; r8b = zero; r9a = zero; r9b = zero; r10a = zero; r10b = zero; r11a = zero; r11b = zero;
        }
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + LANES);
            FloatVector x;
            x = FloatVector.broadcast(S, a[ai]); r0a = x.fma(b0, r0a); r0b = x.fma(b1, r0b);
            x = FloatVector.broadcast(S, a[ai + 1]); r1a = x.fma(b0, r1a); r1b = x.fma(b1, r1b);
            x = FloatVector.broadcast(S, a[ai + 2]); r2a = x.fma(b0, r2a); r2b = x.fma(b1, r2b);
            x = FloatVector.broadcast(S, a[ai + 3]); r3a = x.fma(b0, r3a); r3b = x.fma(b1, r3b);
            x = FloatVector.broadcast(S, a[ai + 4]); r4a = x.fma(b0, r4a); r4b = x.fma(b1, r4b);
            x = FloatVector.broadcast(S, a[ai + 5]); r5a = x.fma(b0, r5a); r5b = x.fma(b1, r5b);
            x = FloatVector.broadcast(S, a[ai + 6]); r6a = x.fma(b0, r6a); r6b = x.fma(b1, r6b);
            x = FloatVector.broadcast(S, a[ai + 7]); r7a = x.fma(b0, r7a); r7b = x.fma(b1, r7b);
            x = FloatVector.broadcast(S, a[ai + 8]); r8a = x.fma(b0, r8a); r8b = x.fma(b1, r8b);
            x = FloatVector.broadcast(S, a[ai + 9]); r9a = x.fma(b0, r9a); r9b = x.fma(b1, r9b);
            x = FloatVector.broadcast(S, a[ai + 10]); r10a = x.fma(b0, r10a); r10b = x.fma(b1, r10b);
            x = FloatVector.broadcast(S, a[ai + 11]); r11a = x.fma(b0, r11a); r11b = x.fma(b1, r11b);
            ai += MR;
            bi += NR;
        }
        r0a.intoArray(c, ci);
        r0b.intoArray(c, ci + LANES);
        r1a.intoArray(c, ci + ldc);
        r1b.intoArray(c, ci + ldc + LANES);
        r2a.intoArray(c, ci + 2 * ldc);
        r2b.intoArray(c, ci + 2 * ldc + LANES);
        r3a.intoArray(c, ci + 3 * ldc);
        r3b.intoArray(c, ci + 3 * ldc + LANES);
        r4a.intoArray(c, ci + 4 * ldc);
        r4b.intoArray(c, ci + 4 * ldc + LANES);
        r5a.intoArray(c, ci + 5 * ldc);
        r5b.intoArray(c, ci + 5 * ldc + LANES);
        r6a.intoArray(c, ci + 6 * ldc);
        r6b.intoArray(c, ci + 6 * ldc + LANES);
        r7a.intoArray(c, ci + 7 * ldc);
        r7b.intoArray(c, ci + 7 * ldc + LANES);
        r8a.intoArray(c, ci + 8 * ldc);
        r8b.intoArray(c, ci + 8 * ldc + LANES);
        r9a.intoArray(c, ci + 9 * ldc);
        r9b.intoArray(c, ci + 9 * ldc + LANES);
        r10a.intoArray(c, ci + 10 * ldc);
        r10b.intoArray(c, ci + 10 * ldc + LANES);
        r11a.intoArray(c, ci + 11 * ldc);
        r11b.intoArray(c, ci + 11 * ldc + LANES);
    }
}
