package dev.optc.runtime.kernels;

/** Element-wise sums, for residual connections and for gradients that meet at a fork. */
public final class Elementwise {
    private Elementwise() {
    }

    public static void add(float[] a, float[] b, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = a[i] + b[i];
    }

    /** dx = dy, or dx += dy when {@code accumulate}. */
    public static void accumulate(float[] dy, float[] dx, int n, boolean accumulate) {
        if (accumulate) {
            for (int i = 0; i < n; i++) dx[i] += dy[i];
        } else {
            System.arraycopy(dy, 0, dx, 0, n);
        }
    }
}
