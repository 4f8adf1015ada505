package dev.optc.runtime.kernels;

import dev.optc.runtime.vector.VectorGemm;

/**
 * The three matrix products of a dense layer with weights W stored [out, in] (PyTorch's nn.Linear layout), on
 * row-major float arrays: the blocked Vector API GEMM ({@link VectorGemm}) when the vector backend is selected and the
 * product is big enough to repay packing its operands, the reference loops ({@link ScalarGemm}) otherwise. Both sum
 * in a fixed order, so results are the same on every run; they differ from each other by float rounding only.
 */
public final class Gemm {
    /** Below this many multiply-adds the scalar loops are as fast (measured: 8×16×16 is 2–4× faster vectorized). */
    static final long VECTOR_MIN_WORK = 1 << 11;

    private Gemm() {
    }

    /** y[rows, out] = x[rows, in] · Wᵀ, W = w[wOffset ..] as [out, in]. */
    public static void forward(float[] x, int rows, int in, float[] w, int wOffset, int out, float[] y) {
        if (vectorPays(rows, out, in)) {
            VectorGemm.forward(x, rows, in, w, wOffset, out, y);
        } else {
            ScalarGemm.forward(x, rows, in, w, wOffset, out, y);
        }
    }

    /** dx[rows, in] = dy[rows, out] · W (or += when {@code accumulate}). */
    public static void backwardInput(float[] dy, int rows, int out, float[] w, int wOffset, int in, float[] dx,
                                     boolean accumulate) {
        if (vectorPays(rows, in, out)) {
            VectorGemm.backwardInput(dy, rows, out, w, wOffset, in, dx, accumulate);
        } else {
            ScalarGemm.backwardInput(dy, rows, out, w, wOffset, in, dx, accumulate);
        }
    }

    /** dW[out, in] = dyᵀ[out, rows] · x[rows, in], written at dw[dwOffset ..]. */
    public static void backwardWeights(float[] dy, int rows, int out, float[] x, int in, float[] dw, int dwOffset) {
        if (vectorPays(out, in, rows)) {
            VectorGemm.backwardWeights(dy, rows, out, x, in, dw, dwOffset);
        } else {
            ScalarGemm.backwardWeights(dy, rows, out, x, in, dw, dwOffset);
        }
    }

    /**
     * For C[m, n] = A[m, k]·B[k, n]. With fewer than 4 rows a 12-row tile is mostly padding and packing all of B for
     * them does not pay (one row of the forward product runs at half the scalar speed).
     */
    private static boolean vectorPays(int m, int n, int k) {
        return Vectorized.USABLE && m >= 4 && (long) m * n * k >= VECTOR_MIN_WORK;
    }

    /** Decided on first use, so the scalar backend never loads the Vector API. */
    private static final class Vectorized {
        static final boolean USABLE = usable();

        private static boolean usable() {
            if (!Backend.vector()) return false;
            if (VectorGemm.supported()) return true;
            System.err.println("optc: matrix products use the scalar kernels: the vector GEMM is written for 512-bit"
                    + " vectors (AVX-512) and this machine's are narrower");
            return false;
        }
    }
}
