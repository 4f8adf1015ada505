package dev.optc.runtime.vector;

import static dev.optc.runtime.vector.VectorGemmKernel.LANES;
import static dev.optc.runtime.vector.VectorGemmKernel.MR;
import static dev.optc.runtime.vector.VectorGemmKernel.NR;
import static dev.optc.runtime.vector.VectorGemmKernel.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;

/**
 * Copies blocks of the operands into the micro-kernel's formats: A as panels of {@link VectorGemmKernel#MR} rows
 * stored [k][MR], B as panels of {@link VectorGemmKernel#NR} columns stored [k][NR], zero-padded at the edges. An
 * operand whose rows run along k (x and dy as A, W as Bᵀ in the forward product) is transposed 16×16 in registers;
 * one whose rows run across k (dyᵀ as A, W and x as B) is copied a row of k at a time. That is all the transposed and
 * plain products differ in.
 *
 * <p>Stores are whole vectors, in increasing address order: an A panel row of 12 floats is stored as 16 lanes whose
 * last 4 (zero) the next row overwrites, and a 16×16 block stores all 16 of its columns even when fewer remain. What
 * spills past a panel lands in the next panel, which is packed after it, or in {@link #SLACK} floats past the end.
 */
final class VectorGemmPacking {
    /** Floats a packing buffer needs beyond its panels for the whole-vector stores. */
    static final int SLACK = LANES * NR;

    private static final FloatVector ZERO = FloatVector.zero(S);
    // UP_b moves each lane b lanes up (lane l takes lane l − b), DOWN_b moves them b lanes down, HIGH_b selects the
    // lanes with bit b set: one butterfly of a transpose swaps the off-diagonal b×b blocks of each 2b×2b block.
    private static final VectorShuffle<Float> UP_1 = shift(-1), DOWN_1 = shift(1);
    private static final VectorShuffle<Float> UP_2 = shift(-2), DOWN_2 = shift(2);
    private static final VectorShuffle<Float> UP_4 = shift(-4), DOWN_4 = shift(4);
    private static final VectorShuffle<Float> UP_8 = shift(-8), DOWN_8 = shift(8);
    private static final VectorMask<Float> HIGH_1 = laneBit(1), HIGH_2 = laneBit(2), HIGH_4 = laneBit(4),
            HIGH_8 = laneBit(8);

    private VectorGemmPacking() {
    }

    /**
     * Packs A(i, p) for i in [i0, i0 + mc), p in [p0, p0 + kc) into dst as ⌈mc / MR⌉ panels of kc·MR floats. A(i, p)
     * is a[off + i·ld + p] when {@code kAlongRows}, else a[off + p·ld + i].
     */
    static void packA(float[] a, int off, int ld, boolean kAlongRows, int i0, int mc, int p0, int kc, float[] dst) {
        int d = 0;
        for (int i = i0; i < i0 + mc; i += MR, d += kc * MR) {
            int rows = Math.min(MR, i0 + mc - i);
            if (kAlongRows) {
                transpose(a, off + i * ld + p0, ld, rows, kc, dst, d, MR);
            } else {
                VectorMask<Float> present = S.indexInRange(0, rows);
                int from = off + p0 * ld + i;
                for (int p = 0; p < kc; p++, from += ld) {
                    FloatVector.fromArray(S, a, from, present).intoArray(dst, d + p * MR);
                }
            }
        }
    }

    /**
     * Packs B(p, j) for p in [p0, p0 + kc), j in [j0, j0 + nc) into dst as ⌈nc / NR⌉ panels of kc·NR floats. B(p, j)
     * is b[off + j·ld + p] when {@code kAlongRows}, else b[off + p·ld + j].
     */
    static void packB(float[] b, int off, int ld, boolean kAlongRows, int p0, int kc, int j0, int nc, float[] dst) {
        int d = 0;
        for (int j = j0; j < j0 + nc; j += NR, d += kc * NR) {
            int cols = Math.min(NR, j0 + nc - j);
            if (kAlongRows) {
                for (int half = 0; half < NR; half += LANES) {
                    int rows = Math.max(0, Math.min(LANES, cols - half));
                    transpose(b, off + (j + half) * ld + p0, ld, rows, kc, dst, d + half, NR);
                }
            } else if (cols == NR) {
                int from = off + p0 * ld + j;
                for (int p = 0; p < kc; p++, from += ld) {
                    FloatVector.fromArray(S, b, from).intoArray(dst, d + p * NR);
                    FloatVector.fromArray(S, b, from + LANES).intoArray(dst, d + p * NR + LANES);
                }
            } else {
                VectorMask<Float> low = S.indexInRange(0, cols), high = S.indexInRange(LANES, cols);
                int from = off + p0 * ld + j;
                for (int p = 0; p < kc; p++, from += ld) {
                    FloatVector.fromArray(S, b, from, low).intoArray(dst, d + p * NR);
                    FloatVector.fromArray(S, b, from + LANES, high).intoArray(dst, d + p * NR + LANES);
                }
            }
        }
    }

    /**
     * Transposes {@code rows} rows of kc floats, src[at + r·ld + p], into dst[to + p·dstStride + r], 16 rows (the rows
     * past {@code rows} as zeros) by 16 columns at a time: each column of a block is stored as one whole vector.
     */
    static void transpose(float[] src, int at, int ld, int rows, int kc, float[] dst, int to, int dstStride) {
        // One call per panel rather than per block: a loop gets compiled early, and until then the Vector API is slow.
        for (int p = 0; p < kc; p += LANES) {
            int from = at + p, into = to + p * dstStride, cols = Math.min(LANES, kc - p);
            VectorMask<Float> tail = S.indexInRange(0, cols);
            FloatVector r0 = row(src, from, 0 < rows, cols, tail);
            FloatVector r1 = row(src, from + ld, 1 < rows, cols, tail);
            FloatVector r2 = row(src, from + 2 * ld, 2 < rows, cols, tail);
            FloatVector r3 = row(src, from + 3 * ld, 3 < rows, cols, tail);
            FloatVector r4 = row(src, from + 4 * ld, 4 < rows, cols, tail);
            FloatVector r5 = row(src, from + 5 * ld, 5 < rows, cols, tail);
            FloatVector r6 = row(src, from + 6 * ld, 6 < rows, cols, tail);
            FloatVector r7 = row(src, from + 7 * ld, 7 < rows, cols, tail);
            FloatVector r8 = row(src, from + 8 * ld, 8 < rows, cols, tail);
            FloatVector r9 = row(src, from + 9 * ld, 9 < rows, cols, tail);
            FloatVector r10 = row(src, from + 10 * ld, 10 < rows, cols, tail);
            FloatVector r11 = row(src, from + 11 * ld, 11 < rows, cols, tail);
            FloatVector r12 = row(src, from + 12 * ld, 12 < rows, cols, tail);
            FloatVector r13 = row(src, from + 13 * ld, 13 < rows, cols, tail);
            FloatVector r14 = row(src, from + 14 * ld, 14 < rows, cols, tail);
            FloatVector r15 = row(src, from + 15 * ld, 15 < rows, cols, tail);
            FloatVector t;
            // lanes and rows 1 apart
            t = r0.blend(r1.rearrange(UP_1), HIGH_1); r1 = r0.rearrange(DOWN_1).blend(r1, HIGH_1); r0 = t;
            t = r2.blend(r3.rearrange(UP_1), HIGH_1); r3 = r2.rearrange(DOWN_1).blend(r3, HIGH_1); r2 = t;
            t = r4.blend(r5.rearrange(UP_1), HIGH_1); r5 = r4.rearrange(DOWN_1).blend(r5, HIGH_1); r4 = t;
            t = r6.blend(r7.rearrange(UP_1), HIGH_1); r7 = r6.rearrange(DOWN_1).blend(r7, HIGH_1); r6 = t;
            t = r8.blend(r9.rearrange(UP_1), HIGH_1); r9 = r8.rearrange(DOWN_1).blend(r9, HIGH_1); r8 = t;
            t = r10.blend(r11.rearrange(UP_1), HIGH_1); r11 = r10.rearrange(DOWN_1).blend(r11, HIGH_1); r10 = t;
            t = r12.blend(r13.rearrange(UP_1), HIGH_1); r13 = r12.rearrange(DOWN_1).blend(r13, HIGH_1); r12 = t;
            t = r14.blend(r15.rearrange(UP_1), HIGH_1); r15 = r14.rearrange(DOWN_1).blend(r15, HIGH_1); r14 = t;
            // lanes and rows 2 apart
            t = r0.blend(r2.rearrange(UP_2), HIGH_2); r2 = r0.rearrange(DOWN_2).blend(r2, HIGH_2); r0 = t;
            t = r1.blend(r3.rearrange(UP_2), HIGH_2); r3 = r1.rearrange(DOWN_2).blend(r3, HIGH_2); r1 = t;
            t = r4.blend(r6.rearrange(UP_2), HIGH_2); r6 = r4.rearrange(DOWN_2).blend(r6, HIGH_2); r4 = t;
            t = r5.blend(r7.rearrange(UP_2), HIGH_2); r7 = r5.rearrange(DOWN_2).blend(r7, HIGH_2); r5 = t;
            t = r8.blend(r10.rearrange(UP_2), HIGH_2); r10 = r8.rearrange(DOWN_2).blend(r10, HIGH_2); r8 = t;
            t = r9.blend(r11.rearrange(UP_2), HIGH_2); r11 = r9.rearrange(DOWN_2).blend(r11, HIGH_2); r9 = t;
            t = r12.blend(r14.rearrange(UP_2), HIGH_2); r14 = r12.rearrange(DOWN_2).blend(r14, HIGH_2); r12 = t;
            t = r13.blend(r15.rearrange(UP_2), HIGH_2); r15 = r13.rearrange(DOWN_2).blend(r15, HIGH_2); r13 = t;
            // lanes and rows 4 apart
            t = r0.blend(r4.rearrange(UP_4), HIGH_4); r4 = r0.rearrange(DOWN_4).blend(r4, HIGH_4); r0 = t;
            t = r1.blend(r5.rearrange(UP_4), HIGH_4); r5 = r1.rearrange(DOWN_4).blend(r5, HIGH_4); r1 = t;
            t = r2.blend(r6.rearrange(UP_4), HIGH_4); r6 = r2.rearrange(DOWN_4).blend(r6, HIGH_4); r2 = t;
            t = r3.blend(r7.rearrange(UP_4), HIGH_4); r7 = r3.rearrange(DOWN_4).blend(r7, HIGH_4); r3 = t;
            t = r8.blend(r12.rearrange(UP_4), HIGH_4); r12 = r8.rearrange(DOWN_4).blend(r12, HIGH_4); r8 = t;
            t = r9.blend(r13.rearrange(UP_4), HIGH_4); r13 = r9.rearrange(DOWN_4).blend(r13, HIGH_4); r9 = t;
            t = r10.blend(r14.rearrange(UP_4), HIGH_4); r14 = r10.rearrange(DOWN_4).blend(r14, HIGH_4); r10 = t;
            t = r11.blend(r15.rearrange(UP_4), HIGH_4); r15 = r11.rearrange(DOWN_4).blend(r15, HIGH_4); r11 = t;
            // lanes and rows 8 apart
            t = r0.blend(r8.rearrange(UP_8), HIGH_8); r8 = r0.rearrange(DOWN_8).blend(r8, HIGH_8); r0 = t;
            t = r1.blend(r9.rearrange(UP_8), HIGH_8); r9 = r1.rearrange(DOWN_8).blend(r9, HIGH_8); r1 = t;
            t = r2.blend(r10.rearrange(UP_8), HIGH_8); r10 = r2.rearrange(DOWN_8).blend(r10, HIGH_8); r2 = t;
            t = r3.blend(r11.rearrange(UP_8), HIGH_8); r11 = r3.rearrange(DOWN_8).blend(r11, HIGH_8); r3 = t;
            t = r4.blend(r12.rearrange(UP_8), HIGH_8); r12 = r4.rearrange(DOWN_8).blend(r12, HIGH_8); r4 = t;
            t = r5.blend(r13.rearrange(UP_8), HIGH_8); r13 = r5.rearrange(DOWN_8).blend(r13, HIGH_8); r5 = t;
            t = r6.blend(r14.rearrange(UP_8), HIGH_8); r14 = r6.rearrange(DOWN_8).blend(r14, HIGH_8); r6 = t;
            t = r7.blend(r15.rearrange(UP_8), HIGH_8); r15 = r7.rearrange(DOWN_8).blend(r15, HIGH_8); r7 = t;
            r0.intoArray(dst, into);
            r1.intoArray(dst, into + 1 * dstStride);
            r2.intoArray(dst, into + 2 * dstStride);
            r3.intoArray(dst, into + 3 * dstStride);
            r4.intoArray(dst, into + 4 * dstStride);
            r5.intoArray(dst, into + 5 * dstStride);
            r6.intoArray(dst, into + 6 * dstStride);
            r7.intoArray(dst, into + 7 * dstStride);
            r8.intoArray(dst, into + 8 * dstStride);
            r9.intoArray(dst, into + 9 * dstStride);
            r10.intoArray(dst, into + 10 * dstStride);
            r11.intoArray(dst, into + 11 * dstStride);
            r12.intoArray(dst, into + 12 * dstStride);
            r13.intoArray(dst, into + 13 * dstStride);
            r14.intoArray(dst, into + 14 * dstStride);
            r15.intoArray(dst, into + 15 * dstStride);
        }
    }

    private static FloatVector row(float[] src, int at, boolean present, int cols, VectorMask<Float> tail) {
        if (!present) return ZERO;
        return cols == LANES ? FloatVector.fromArray(S, src, at) : FloatVector.fromArray(S, src, at, tail);
    }

    private static VectorShuffle<Float> shift(int by) {
        return VectorShuffle.fromOp(S, l -> (l + by) & (LANES - 1));
    }

    private static VectorMask<Float> laneBit(int bit) {
        boolean[] set = new boolean[LANES];
        for (int l = 0; l < LANES; l++) set[l] = (l & bit) != 0;
        return VectorMask.fromArray(S, set, 0);
    }
}
