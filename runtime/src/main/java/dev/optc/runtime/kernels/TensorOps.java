package dev.optc.runtime.kernels;

import java.util.Arrays;

/**
 * The operations of objectives on small dense float tensors (row-major), and their gradients. A scalar operand
 * (size 1) of a binary operation is broadcast. Gradient methods add into their target, which the caller clears first.
 * Sums accumulate in double.
 */
public final class TensorOps {
    public static final int ADD = 0, SUBTRACT = 1, MULTIPLY = 2, DIVIDE = 3, POWER = 4;
    public static final int NEGATE = 0, ABS = 1, EXP = 2, LOG = 3, SQRT = 4;

    private TensorOps() {
    }

    public static void load(float[] params, int offset, float[] out) {
        System.arraycopy(params, offset, out, 0, out.length);
    }

    public static void store(float[] gradient, float[] grads, int offset) {
        System.arraycopy(gradient, 0, grads, offset, gradient.length);
    }

    public static void fill(float[] out, float value) {
        Arrays.fill(out, value);
    }

    public static void zero(float[] out) {
        Arrays.fill(out, 0f);
    }

    public static void binary(int op, float[] a, float[] b, float[] out) {
        boolean aScalar = a.length == 1, bScalar = b.length == 1;
        for (int i = 0; i < out.length; i++) {
            float x = a[aScalar ? 0 : i], y = b[bScalar ? 0 : i];
            out[i] = switch (op) {
                case ADD -> x + y;
                case SUBTRACT -> x - y;
                case MULTIPLY -> x * y;
                case DIVIDE -> x / y;
                case POWER -> y == 2f ? x * x : (float) Math.pow(x, y);
                default -> throw new IllegalArgumentException("binary op " + op);
            };
        }
    }

    /** dTarget += dOut · ∂out/∂(a when side is 0, b when 1); summed into dTarget[0] when the target is a scalar. */
    public static void binaryGradient(int op, int side, float[] a, float[] b, float[] out, float[] dOut, float[] dTarget) {
        boolean aScalar = a.length == 1, bScalar = b.length == 1, targetScalar = dTarget.length == 1 && out.length > 1;
        double total = 0;
        for (int i = 0; i < out.length; i++) {
            float x = a[aScalar ? 0 : i], y = b[bScalar ? 0 : i];
            double partial = switch (op) {
                case ADD -> 1;
                case SUBTRACT -> side == 0 ? 1 : -1;
                case MULTIPLY -> side == 0 ? y : x;
                case DIVIDE -> side == 0 ? 1.0 / y : -(double) x / ((double) y * y);
                case POWER -> side == 0 ? y * Math.pow(x, y - 1) : out[i] == 0 ? 0 : out[i] * Math.log(x); // 0·ln 0 taken as 0, as PyTorch does
                default -> throw new IllegalArgumentException("binary op " + op);
            };
            double contribution = dOut[i] * partial;
            if (targetScalar) total += contribution;
            else dTarget[i] += (float) contribution;
        }
        if (targetScalar) dTarget[0] += (float) total;
    }

    public static void unary(int op, float[] a, float[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (op) {
                case NEGATE -> -a[i];
                case ABS -> Math.abs(a[i]);
                case EXP -> (float) Math.exp(a[i]);
                case LOG -> (float) Math.log(a[i]);
                case SQRT -> (float) Math.sqrt(a[i]);
                default -> throw new IllegalArgumentException("unary op " + op);
            };
        }
    }

    public static void unaryGradient(int op, float[] a, float[] out, float[] dOut, float[] dA) {
        for (int i = 0; i < dA.length; i++) {
            float partial = switch (op) {
                case NEGATE -> -1f;
                case ABS -> Math.signum(a[i]);
                case EXP -> out[i];
                case LOG -> 1f / a[i];
                case SQRT -> 0.5f / out[i];
                default -> throw new IllegalArgumentException("unary op " + op);
            };
            dA[i] += dOut[i] * partial;
        }
    }

    public static void reduce(boolean mean, float[] a, float[] out) {
        double s = 0;
        for (float x : a) s += x;
        out[0] = (float) (mean ? s / a.length : s);
    }

    public static void reduceGradient(boolean mean, float[] dOut, float[] dA) {
        float each = mean ? dOut[0] / dA.length : dOut[0];
        for (int i = 0; i < dA.length; i++) dA[i] += each;
    }

    /** out[rows, cols] = a[rows, inner] · b[inner, cols] (cols = 1 for a vector b). */
    public static void matmul(float[] a, int rows, int inner, float[] b, int cols, float[] out) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int p = 0; p < inner; p++) s += (double) a[i * inner + p] * b[p * cols + j];
                out[i * cols + j] = (float) s;
            }
        }
    }

    /** side 0: dA[rows, inner] += dOut · bᵀ; side 1: dB[inner, cols] += aᵀ · dOut. */
    public static void matmulGradient(int side, float[] a, int rows, int inner, float[] b, int cols, float[] dOut, float[] d) {
        if (side == 0) {
            for (int i = 0; i < rows; i++) {
                for (int p = 0; p < inner; p++) {
                    double s = 0;
                    for (int j = 0; j < cols; j++) s += (double) dOut[i * cols + j] * b[p * cols + j];
                    d[i * inner + p] += (float) s;
                }
            }
        } else {
            for (int p = 0; p < inner; p++) {
                for (int j = 0; j < cols; j++) {
                    double s = 0;
                    for (int i = 0; i < rows; i++) s += (double) a[i * inner + p] * dOut[i * cols + j];
                    d[p * cols + j] += (float) s;
                }
            }
        }
    }

    public static void transpose(float[] a, int rows, int cols, float[] out) {
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
    }

    /** dA[rows, cols] += transpose(dOut[cols, rows]). */
    public static void transposeGradient(float[] dOut, int rows, int cols, float[] dA) {
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) dA[i * cols + j] += dOut[j * rows + i];
    }

    public static void slice(float[] a, int offset, float[] out) {
        System.arraycopy(a, offset, out, 0, out.length);
    }

    public static void sliceGradient(float[] dOut, int offset, float[] dA) {
        for (int i = 0; i < dOut.length; i++) dA[offset + i] += dOut[i];
    }
}
