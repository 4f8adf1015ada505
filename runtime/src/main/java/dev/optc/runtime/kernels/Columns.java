package dev.optc.runtime.kernels;

/** Row-major [rows, width] buffers side by side: concatenation of features and its gradient, one side at a time. */
public final class Columns {
    private Columns() {
    }

    /** y = [a | b] for every row. */
    public static void concat(float[] a, int widthA, float[] b, int widthB, float[] y, int rows) {
        int width = widthA + widthB;
        for (int r = 0; r < rows; r++) {
            System.arraycopy(a, r * widthA, y, r * width, widthA);
            System.arraycopy(b, r * widthB, y, r * width + widthA, widthB);
        }
    }

    /** dx = dy[:, offset : offset + widthX] (or += when {@code accumulate}). */
    public static void slice(float[] dy, int widthY, int offset, float[] dx, int widthX, int rows, boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            if (!accumulate) {
                System.arraycopy(dy, r * widthY + offset, dx, r * widthX, widthX);
                continue;
            }
            for (int j = 0; j < widthX; j++) dx[r * widthX + j] += dy[r * widthY + offset + j];
        }
    }
}
