package dev.optc.runtime.kernels;

/**
 * The reference implementation of {@link Gemm}'s three products, in plain Java: the scalar backend, and the kernel for
 * shapes too small to be worth packing. Loops are ordered so the innermost runs over contiguous memory, which C2
 * vectorizes; the summation order is fixed, so results are the same on every run.
 */
public final class ScalarGemm {
    private ScalarGemm() {
    }

    /** y[rows, out] = x[rows, in] · Wᵀ, W = w[wOffset ..] as [out, in]. */
    public static void forward(float[] x, int rows, int in, float[] w, int wOffset, int out, float[] y) {
        for (int r = 0; r < rows; r++) {
            int xRow = r * in;
            int yRow = r * out;
            int o = 0;
            // Four outputs at a time share each load of x.
            for (; o + 3 < out; o += 4) {
                int w0 = wOffset + o * in, w1 = w0 + in, w2 = w1 + in, w3 = w2 + in;
                float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                for (int k = 0; k < in; k++) {
                    float xv = x[xRow + k];
                    s0 += xv * w[w0 + k];
                    s1 += xv * w[w1 + k];
                    s2 += xv * w[w2 + k];
                    s3 += xv * w[w3 + k];
                }
                y[yRow + o] = s0;
                y[yRow + o + 1] = s1;
                y[yRow + o + 2] = s2;
                y[yRow + o + 3] = s3;
            }
            for (; o < out; o++) {
                int w0 = wOffset + o * in;
                float s = 0;
                for (int k = 0; k < in; k++) s += x[xRow + k] * w[w0 + k];
                y[yRow + o] = s;
            }
        }
    }

    /** dx[rows, in] = dy[rows, out] · W (or += when {@code accumulate}). */
    public static void backwardInput(float[] dy, int rows, int out, float[] w, int wOffset, int in, float[] dx,
                                     boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            int dxRow = r * in;
            if (!accumulate) java.util.Arrays.fill(dx, dxRow, dxRow + in, 0f);
            for (int o = 0; o < out; o++) {
                float a = dy[r * out + o];
                if (a == 0f) continue;
                int wRow = wOffset + o * in;
                for (int k = 0; k < in; k++) dx[dxRow + k] += a * w[wRow + k];
            }
        }
    }

    /** dW[out, in] = dyᵀ[out, rows] · x[rows, in], written at dw[dwOffset ..]. */
    public static void backwardWeights(float[] dy, int rows, int out, float[] x, int in, float[] dw, int dwOffset) {
        java.util.Arrays.fill(dw, dwOffset, dwOffset + out * in, 0f);
        for (int r = 0; r < rows; r++) {
            int xRow = r * in;
            for (int o = 0; o < out; o++) {
                float a = dy[r * out + o];
                if (a == 0f) continue;
                int dwRow = dwOffset + o * in;
                for (int k = 0; k < in; k++) dw[dwRow + k] += a * x[xRow + k];
            }
        }
    }
}
