package dev.optc.runtime.vector;

import static dev.optc.runtime.vector.VectorGemmKernel.LANES;
import static dev.optc.runtime.vector.VectorGemmKernel.MR;
import static dev.optc.runtime.vector.VectorGemmKernel.NR;
import static dev.optc.runtime.vector.VectorGemmKernel.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Copies blocks of the operands into the micro-kernel's formats: A as panels of {@link VectorGemmKernel#MR} rows
 * stored [k][MR], B as panels of {@link VectorGemmKernel#NR} columns stored [k][NR], zero-padded at the edges. An
 * operand whose rows run along k (x and dy as A, W as Bᵀ in the forward product) is transposed by gathering one k
 * from up to 16 rows into a vector; one whose rows run across k (dyᵀ as A, W and x as B) is copied a row of k at a
 * time. That is all the plain and the transposed products differ in.
 *
 * <p>Why gathers rather than a 16×16 transpose in registers (64 permutes and 64 blends, about twice as fast once
 * compiled): until C2 compiles it, every Vector API operation is a slow library call, and the in-register transpose,
 * one large method called per block, stayed in that state for seconds of a training run — C1 even gives up on it
 * inside a loop. A gather per k is a two-line loop that compiles early.
 *
 * <p>An A panel row of 12 floats is stored as a whole vector of 16 lanes whose last 4 (zero) the next row overwrites,
 * in increasing address order; the last row's spill lands in the next panel, packed after it, or in {@link #SLACK}.
 */
final class VectorGemmPacking {
    /** Floats a packing buffer needs beyond its panels for the whole-vector stores. */
    static final int SLACK = LANES;
    private static final FloatVector ZERO = FloatVector.zero(S);

    private VectorGemmPacking() {
    }

    /**
     * Packs A(i, p) for i in [i0, i0 + mc), p in [p0, p0 + kc) into dst as ⌈mc / MR⌉ panels of kc·MR floats. A(i, p)
     * is a[off + i·ld + p] when {@code kAlongRows}, else a[off + p·ld + i]. {@code rowStarts} is scratch of 16 ints.
     */
    static void packA(float[] a, int off, int ld, boolean kAlongRows, int i0, int mc, int p0, int kc, float[] dst,
                      int[] rowStarts) {
        int d = 0;
        for (int i = i0; i < i0 + mc; i += MR, d += kc * MR) {
            int rows = Math.min(MR, i0 + mc - i);
            VectorMask<Float> present = S.indexInRange(0, rows);
            if (kAlongRows) {
                setRowStarts(rowStarts, ld, rows);
                int from = off + i * ld + p0;
                for (int p = 0; p < kc; p++) {
                    FloatVector.fromArray(S, a, from + p, rowStarts, 0, present).intoArray(dst, d + p * MR);
                }
            } else {
                int from = off + p0 * ld + i;
                for (int p = 0; p < kc; p++, from += ld) {
                    FloatVector.fromArray(S, a, from, present).intoArray(dst, d + p * MR);
                }
            }
        }
    }

    /**
     * Packs B(p, j) for p in [p0, p0 + kc), j in [j0, j0 + nc) into dst as ⌈nc / NR⌉ panels of kc·NR floats. B(p, j)
     * is b[off + j·ld + p] when {@code kAlongRows}, else b[off + p·ld + j]. {@code rowStarts} is scratch of 16 ints.
     */
    static void packB(float[] b, int off, int ld, boolean kAlongRows, int p0, int kc, int j0, int nc, float[] dst,
                      int[] rowStarts) {
        int d = 0;
        for (int j = j0; j < j0 + nc; j += NR, d += kc * NR) {
            int cols = Math.min(NR, j0 + nc - j);
            if (kAlongRows) {
                // Each half of the panel gathers from its own 16 rows of Bᵀ.
                for (int half = 0; half < NR; half += LANES) {
                    int rows = Math.max(0, Math.min(LANES, cols - half));
                    if (rows == 0) {
                        for (int p = 0; p < kc; p++) ZERO.intoArray(dst, d + p * NR + half);
                        continue;
                    }
                    VectorMask<Float> present = S.indexInRange(0, rows);
                    setRowStarts(rowStarts, ld, rows);
                    int from = off + (j + half) * ld + p0;
                    for (int p = 0; p < kc; p++) {
                        FloatVector.fromArray(S, b, from + p, rowStarts, 0, present).intoArray(dst, d + p * NR + half);
                    }
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
     * Lane r of a gather reads row r: offset r·ld for the rows that exist, and row 0 again for the rest, which the
     * mask zeroes — the Vector API checks the indices of masked-off lanes too, so they must stay in bounds.
     */
    private static void setRowStarts(int[] rowStarts, int ld, int rows) {
        for (int r = 0; r < LANES; r++) rowStarts[r] = r < rows ? r * ld : 0;
    }
}
