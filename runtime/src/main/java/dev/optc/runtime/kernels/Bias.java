package dev.optc.runtime.kernels;

/** Adding a bias to every row, and its gradient (the column sums of dY). */
public final class Bias {
    private Bias() {
    }

    public static void add(float[] y, int rows, int width, float[] b, int bOffset) {
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            for (int j = 0; j < width; j++) y[row + j] += b[bOffset + j];
        }
    }

    public static void backward(float[] dy, int rows, int width, float[] db, int dbOffset) {
        java.util.Arrays.fill(db, dbOffset, dbOffset + width, 0f);
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            for (int j = 0; j < width; j++) db[dbOffset + j] += dy[row + j];
        }
    }
}
