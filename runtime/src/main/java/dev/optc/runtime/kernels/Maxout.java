package dev.optc.runtime.kernels;

/**
 * Maxout (Goodfellow et al., 2013): each output unit is the maximum of k consecutive input units. The winning
 * position is kept for the backward pass, which routes the gradient to it alone.
 */
public final class Maxout {
    private Maxout() {
    }

    /** y[r, j] = max_{i<k} x[r, j·k + i]; {@code argmax} holds the winning i. */
    public static void forward(float[] x, float[] y, float[] argmax, int rows, int outWidth, int k) {
        int inWidth = outWidth * k;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < outWidth; j++) {
                int base = r * inWidth + j * k;
                int best = 0;
                float max = x[base];
                for (int i = 1; i < k; i++) {
                    if (x[base + i] > max) {
                        max = x[base + i];
                        best = i;
                    }
                }
                y[r * outWidth + j] = max;
                argmax[r * outWidth + j] = best;
            }
        }
    }

    public static void backward(float[] dy, float[] argmax, float[] dx, int rows, int outWidth, int k, boolean accumulate) {
        int inWidth = outWidth * k;
        if (!accumulate) java.util.Arrays.fill(dx, 0, rows * inWidth, 0f);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < outWidth; j++) {
                dx[r * inWidth + j * k + (int) argmax[r * outWidth + j]] += dy[r * outWidth + j];
            }
        }
    }
}
