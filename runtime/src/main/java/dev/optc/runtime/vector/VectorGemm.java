package dev.optc.runtime.vector;

import static dev.optc.runtime.vector.VectorGemmKernel.MR;
import static dev.optc.runtime.vector.VectorGemmKernel.NR;

import dev.optc.runtime.parallel.Workers;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * The three products of a dense layer (see {@code kernels.Gemm}) as one blocked GEMM, C = A·B, laid out as in BLIS
 * (Van Zee and van de Geijn, "BLIS: A Framework for Rapidly Instantiating BLAS Functionality", 2015): for each NC-wide
 * block of columns and KC-deep block of k, B is packed into panels of 32 columns (VectorGemmPacking); for each MC-tall
 * block of rows, A is packed into panels of 12 rows; then every pair of panels runs the 12×32 micro-kernel
 * (VectorGemmKernel). The sizes fit this machine's caches: one B panel, KC × 32 floats = 32 KB, stays in the 48 KB L1
 * while the A panels stream past it, and the packed A block, MC × KC floats = 240 KB, stays in the 1 MB L2.
 *
 * <p>Threads split C into fixed rectangles — column panels when C is wider than tall, row panels otherwise — chosen
 * from the shape and {@link Workers#threads()} alone. Every element of C is one FMA chain over k in order, whichever
 * thread computes it and however the loops are blocked, so results are bit-identical run to run, and across thread
 * counts too.
 *
 * <p>Each thread packs into its own buffers, grown once and kept, so a call allocates nothing on one thread.
 */
public final class VectorGemm {
    /** Depth of a k block: B panels of KC × NR floats stay in L1. */
    static final int KC = 256;
    /** Height of a row block: the packed A block, MC × KC floats, stays in L2. A multiple of MR. */
    static final int MC = 240;
    /** Width of a column block, the packed B block of KC × NC floats; past L2, so it only bounds the buffer. */
    static final int NC = 2048;
    /**
     * Below this many multiply-adds (about 25 µs on one core) a second thread costs more than it saves: handing work
     * to a pool thread and waiting for it takes 10–25 µs here.
     */
    public static final long PARALLEL_MIN = 1L << 21;
    /** Column-index units of {@link Workers#forRange}'s range per part; above its minimum per thread. */
    private static final int SLOT = 1 << 16;

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private VectorGemm() {
    }

    /** Whether this machine's vectors are the 16 floats the micro-kernel is written for. */
    public static boolean supported() {
        return FloatVector.SPECIES_PREFERRED.length() == VectorGemmKernel.LANES;
    }

    /** y[rows, out] = x[rows, in] · Wᵀ, W = w[wOffset ..] as [out, in]. */
    public static void forward(float[] x, int rows, int in, float[] w, int wOffset, int out, float[] y) {
        multiply(rows, out, in, x, 0, in, true, w, wOffset, in, true, y, 0, out, false);
    }

    /** dx[rows, in] = dy[rows, out] · W (or += when {@code accumulate}). */
    public static void backwardInput(float[] dy, int rows, int out, float[] w, int wOffset, int in, float[] dx,
                                     boolean accumulate) {
        multiply(rows, in, out, dy, 0, out, true, w, wOffset, in, false, dx, 0, in, accumulate);
    }

    /** dW[out, in] = dyᵀ[out, rows] · x[rows, in], written at dw[dwOffset ..]. */
    public static void backwardWeights(float[] dy, int rows, int out, float[] x, int in, float[] dw, int dwOffset) {
        multiply(out, in, rows, dy, 0, out, false, x, 0, in, false, dw, dwOffset, in, false);
    }

    /**
     * C[m, n] = (accumulate ? C : 0) + A[m, k] · B[k, n], C(i, j) = c[cOff + i·ldc + j]. A(i, p) is a[aOff + i·lda + p]
     * when {@code aKAlongRows}, else a[aOff + p·lda + i]; B(p, j) is b[bOff + j·ldb + p] when {@code bKAlongRows},
     * else b[bOff + p·ldb + j].
     */
    static void multiply(int m, int n, int k, float[] a, int aOff, int lda, boolean aKAlongRows,
                         float[] b, int bOff, int ldb, boolean bKAlongRows, float[] c, int cOff, int ldc,
                         boolean accumulate) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) for (int i = 0; i < m; i++) Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        int mPanels = (m + MR - 1) / MR, nPanels = (n + NR - 1) / NR;
        boolean splitColumns = n >= m;
        int parts = (long) m * n * k < PARALLEL_MIN ? 1
                : Math.min(Workers.threads(), splitColumns ? nPanels : mPanels);
        if (parts == 1) {
            block(0, m, 0, n, k, a, aOff, lda, aKAlongRows, b, bOff, ldb, bKAlongRows, c, cOff, ldc, accumulate);
            return;
        }
        // Part t of `parts` is a fixed range of panels. forRange may hand a thread several slots; each part is still
        // computed once, and the same way wherever it runs.
        Workers.forRange(parts * SLOT, (from, to) -> {
            for (int t = (from + SLOT - 1) / SLOT; t * SLOT < to; t++) {
                int m0 = 0, m1 = m, n0 = 0, n1 = n;
                if (splitColumns) {
                    n0 = t * nPanels / parts * NR;
                    n1 = Math.min(n, (t + 1) * nPanels / parts * NR);
                } else {
                    m0 = t * mPanels / parts * MR;
                    m1 = Math.min(m, (t + 1) * mPanels / parts * MR);
                }
                block(m0, m1, n0, n1, k, a, aOff, lda, aKAlongRows, b, bOff, ldb, bKAlongRows, c, cOff, ldc, accumulate);
            }
        });
    }

    /** The rectangle [m0, m1) × [n0, n1) of C, on the calling thread. */
    private static void block(int m0, int m1, int n0, int n1, int k, float[] a, int aOff, int lda, boolean aKAlongRows,
                              float[] b, int bOff, int ldb, boolean bKAlongRows, float[] c, int cOff, int ldc,
                              boolean accumulate) {
        // Blocks of equal size (rounded to whole panels) rather than full blocks and a thin rest.
        int kStep = evenStep(k, KC, 1);
        int mStep = evenStep(m1 - m0, MC, MR);
        int nStep = evenStep(n1 - n0, NC, NR);
        Buffers buffers = BUFFERS.get();
        float[] packedA = buffers.a(mStep * kStep);
        float[] packedB = buffers.b(nStep * kStep);
        float[] edge = buffers.edge;
        int[] rowStarts = buffers.rowStarts;
        for (int jc = n0; jc < n1; jc += nStep) {
            int nc = Math.min(nStep, n1 - jc);
            for (int pc = 0; pc < k; pc += kStep) {
                int kc = Math.min(kStep, k - pc);
                boolean add = accumulate || pc > 0;
                VectorGemmPacking.packB(b, bOff, ldb, bKAlongRows, pc, kc, jc, nc, packedB, rowStarts);
                for (int ic = m0; ic < m1; ic += mStep) {
                    int mc = Math.min(mStep, m1 - ic);
                    VectorGemmPacking.packA(a, aOff, lda, aKAlongRows, ic, mc, pc, kc, packedA, rowStarts);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int cols = Math.min(NR, nc - jr);
                        int bi = jr * kc;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int rows = Math.min(MR, mc - ir);
                            int ai = ir * kc;
                            int ci = cOff + (ic + ir) * ldc + jc + jr;
                            if (rows == MR && cols == NR) {
                                VectorGemmKernel.tile(kc, packedA, ai, packedB, bi, c, ci, ldc, add);
                            } else {
                                // A partial tile runs as a whole one on the side.
                                if (add) copy(c, ci, ldc, edge, 0, NR, rows, cols);
                                VectorGemmKernel.tile(kc, packedA, ai, packedB, bi, edge, 0, NR, add);
                                copy(edge, 0, NR, c, ci, ldc, rows, cols);
                            }
                        }
                    }
                }
            }
        }
    }

    private static void copy(float[] from, int at, int fromStride, float[] to, int into, int toStride, int rows,
                             int cols) {
        for (int r = 0; r < rows; r++) System.arraycopy(from, at + r * fromStride, to, into + r * toStride, cols);
    }

    /** The step that cuts n into ⌈n / max⌉ near-equal blocks, rounded up to a multiple of unit (max is one). */
    private static int evenStep(int n, int max, int unit) {
        int blocks = (n + max - 1) / max;
        int step = (n + blocks - 1) / blocks;
        return (step + unit - 1) / unit * unit;
    }

    /** One thread's packing buffers. */
    private static final class Buffers {
        final float[] edge = new float[MR * NR];
        final int[] rowStarts = new int[VectorGemmKernel.LANES];
        private float[] a = new float[0];
        private float[] b = new float[0];

        float[] a(int floats) {
            if (a.length < floats + VectorGemmPacking.SLACK) a = new float[floats + VectorGemmPacking.SLACK];
            return a;
        }

        float[] b(int floats) {
            if (b.length < floats + VectorGemmPacking.SLACK) b = new float[floats + VectorGemmPacking.SLACK];
            return b;
        }
    }
}
