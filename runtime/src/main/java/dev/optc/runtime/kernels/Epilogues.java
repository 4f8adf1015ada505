package dev.optc.runtime.kernels;

import dev.optc.runtime.vector.VectorEpilogues;

/**
 * What follows a dense layer's matrix product, in one pass each way (the compiler's epilogue fusion calls these):
 * forward, {@code out = f(z + b)}; backward, {@code dz = dOut ⊙ f'} and {@code db = Σ_rows dz} together. The
 * derivative is taken from the activation's output, which is all the backward pass keeps: relu and leaky relu
 * (α ≥ 0) are increasing, so {@code out > 0} exactly when {@code z > 0}; σ' = σ(1 − σ); tanh' = 1 − tanh².
 * Bias sums take the rows in memory order, four at a time added as (r0 + r1) + (r2 + r3) before they join the sum,
 * like batch norm's, on both backends.
 */
public final class Epilogues {
    private Epilogues() {
    }

    /** out[rows, width] = f(z + b) (b at {@code bias[biasOffset ..]}); out may be z itself. */
    public static void biasActivate(float[] z, float[] out, int rows, int width, float[] bias, int biasOffset,
                                    int activation, float alpha) {
        if (Vectorized.USABLE) {
            VectorEpilogues.biasActivate(z, out, rows, width, bias, biasOffset, activation, alpha);
        } else {
            biasActivateColumns(z, out, rows, width, 0, width, bias, biasOffset, activation, alpha);
        }
    }

    /** dz = dOut ⊙ f'(from out), and db = Σ_rows dz written at {@code dBias[biasOffset ..]}. */
    public static void activateBiasGrad(float[] dOut, float[] out, float[] dz, int rows, int width, float[] dBias,
                                        int biasOffset, int activation, float alpha) {
        if (Vectorized.USABLE) {
            VectorEpilogues.activateBiasGrad(dOut, out, dz, rows, width, dBias, biasOffset, activation, alpha);
        } else {
            activateBiasGradColumns(dOut, out, dz, rows, width, 0, width, dBias, biasOffset, activation, alpha);
        }
    }

    /** {@link #biasActivate} on columns [from, to): the scalar kernel, and the vector kernel's tail. */
    public static void biasActivateColumns(float[] z, float[] out, int rows, int width, int from, int to, float[] bias,
                                           int biasOffset, int activation, float alpha) {
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            for (int j = from; j < to; j++) out[row + j] = activate(activation, alpha, z[row + j] + bias[biasOffset + j]);
        }
    }

    /** {@link #activateBiasGrad} on columns [from, to), the rows in memory order, four at a time into db. */
    public static void activateBiasGradColumns(float[] dOut, float[] out, float[] dz, int rows, int width, int from,
                                               int to, float[] dBias, int biasOffset, int activation, float alpha) {
        int rows4 = rows & ~3;
        for (int j = from; j < to; j++) dBias[biasOffset + j] = 0f;
        for (int r = 0; r < rows4; r += 4) {
            int i0 = r * width, i1 = i0 + width, i2 = i1 + width, i3 = i2 + width;
            for (int j = from; j < to; j++) {
                float d0 = derivative(activation, alpha, out, dOut, i0 + j);
                float d1 = derivative(activation, alpha, out, dOut, i1 + j);
                float d2 = derivative(activation, alpha, out, dOut, i2 + j);
                float d3 = derivative(activation, alpha, out, dOut, i3 + j);
                dz[i0 + j] = d0;
                dz[i1 + j] = d1;
                dz[i2 + j] = d2;
                dz[i3 + j] = d3;
                dBias[biasOffset + j] += (d0 + d1) + (d2 + d3);
            }
        }
        for (int r = rows4; r < rows; r++) {
            for (int j = from; j < to; j++) {
                float d = derivative(activation, alpha, out, dOut, r * width + j);
                dz[r * width + j] = d;
                dBias[biasOffset + j] += d;
            }
        }
    }

    /** f(v) for an {@link Activations} kind other than softmax; {@link Activations#NONE} is the identity. */
    static float activate(int activation, float alpha, float v) {
        return switch (activation) {
            case Activations.NONE -> v;
            case Activations.RELU -> Math.max(v, 0f);
            case Activations.LEAKY_RELU -> v > 0 ? v : alpha * v;
            case Activations.SIGMOID -> 1f / (1f + (float) Math.exp(-v));
            case Activations.TANH -> (float) Math.tanh(v);
            default -> throw new IllegalArgumentException("activation " + activation + " cannot be fused");
        };
    }

    /** dOut[i] · f' at element i, f' computed from the activation's output out[i]. */
    static float derivative(int activation, float alpha, float[] out, float[] dOut, int i) {
        return switch (activation) {
            case Activations.NONE -> dOut[i];
            case Activations.RELU -> out[i] > 0 ? dOut[i] : 0f;
            case Activations.LEAKY_RELU -> out[i] > 0 ? dOut[i] : alpha * dOut[i];
            case Activations.SIGMOID -> dOut[i] * (out[i] * (1f - out[i]));
            case Activations.TANH -> dOut[i] * (1f - out[i] * out[i]);
            default -> throw new IllegalArgumentException("activation " + activation + " cannot be fused");
        };
    }

    /** Decided on first use, so the scalar backend never loads the Vector API. */
    static final class Vectorized {
        static final boolean USABLE = Backend.vector();
    }
}
