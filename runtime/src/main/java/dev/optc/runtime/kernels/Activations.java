package dev.optc.runtime.kernels;

/**
 * Activation functions and their derivatives on [rows, width] arrays. The kind is chosen once per call, never per
 * element. Backward passes use the forward output y where the derivative is cheaper that way (σ' = σ(1 − σ)).
 */
public final class Activations {
    public static final int RELU = 0;
    public static final int LEAKY_RELU = 1;
    public static final int SIGMOID = 2;
    public static final int TANH = 3;
    public static final int SOFTMAX = 4;
    /** No activation: what a fused epilogue ({@link Epilogues}, {@link BatchNormKernel}) gets when none follows. */
    public static final int NONE = -1;

    private Activations() {
    }

    public static void forward(int kind, float alpha, float[] x, float[] y, int rows, int width) {
        int n = rows * width;
        switch (kind) {
            case RELU -> {
                for (int i = 0; i < n; i++) y[i] = Math.max(x[i], 0f);
            }
            case LEAKY_RELU -> {
                for (int i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : alpha * x[i];
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i++) y[i] = (float) (1.0 / (1.0 + Math.exp(-x[i])));
            }
            case TANH -> {
                for (int i = 0; i < n; i++) y[i] = (float) Math.tanh(x[i]);
            }
            case SOFTMAX -> softmax(x, y, rows, width);
            default -> throw new IllegalArgumentException("activation " + kind);
        }
    }

    /** dx = dy ⊙ f'(x) (or += when {@code accumulate}). */
    public static void backward(int kind, float alpha, float[] x, float[] y, float[] dy, float[] dx, int rows, int width,
                                boolean accumulate) {
        int n = rows * width;
        switch (kind) {
            case RELU -> {
                for (int i = 0; i < n; i++) dx[i] = (accumulate ? dx[i] : 0f) + (x[i] > 0 ? dy[i] : 0f);
            }
            case LEAKY_RELU -> {
                for (int i = 0; i < n; i++) dx[i] = (accumulate ? dx[i] : 0f) + (x[i] > 0 ? dy[i] : alpha * dy[i]);
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i++) dx[i] = (accumulate ? dx[i] : 0f) + dy[i] * y[i] * (1f - y[i]);
            }
            case TANH -> {
                for (int i = 0; i < n; i++) dx[i] = (accumulate ? dx[i] : 0f) + dy[i] * (1f - y[i] * y[i]);
            }
            case SOFTMAX -> {
                // dx = y ⊙ (dy − Σ_j dy_j y_j), row by row
                for (int r = 0; r < rows; r++) {
                    int row = r * width;
                    double dot = 0;
                    for (int j = 0; j < width; j++) dot += dy[row + j] * y[row + j];
                    for (int j = 0; j < width; j++) {
                        float v = (float) (y[row + j] * (dy[row + j] - dot));
                        dx[row + j] = accumulate ? dx[row + j] + v : v;
                    }
                }
            }
            default -> throw new IllegalArgumentException("activation " + kind);
        }
    }

    /** Row-wise softmax, stable: the row's maximum is subtracted before exponentiating. */
    public static void softmax(float[] x, float[] y, int rows, int width) {
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < width; j++) max = Math.max(max, x[row + j]);
            double sum = 0;
            for (int j = 0; j < width; j++) sum += Math.exp(x[row + j] - max);
            for (int j = 0; j < width; j++) y[row + j] = (float) (Math.exp(x[row + j] - max) / sum);
        }
    }
}
