package dev.optc.runtime.vector;

import static dev.optc.runtime.vector.VectorActivations.S;

import dev.optc.runtime.kernels.Epilogues;
import jdk.incubator.vector.FloatVector;

/**
 * The Vector API forms of {@link Epilogues}: bias and activation in one pass after a dense layer's product, and the
 * activation's derivative with the bias gradient in one pass before the backward products. The columns past the last
 * whole vector go to the scalar kernels.
 */
public final class VectorEpilogues {
    private VectorEpilogues() {
    }

    public static void biasActivate(float[] z, float[] out, int rows, int width, float[] bias, int biasOffset,
                                    int activation, float alpha) {
        int bound = S.loopBound(width);
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            for (int j = 0; j < bound; j += S.length()) {
                FloatVector v = FloatVector.fromArray(S, z, row + j).add(FloatVector.fromArray(S, bias, biasOffset + j));
                VectorActivations.activate(v, activation, alpha).intoArray(out, row + j);
            }
        }
        if (bound < width) Epilogues.biasActivateColumns(z, out, rows, width, bound, width, bias, biasOffset, activation, alpha);
    }

    /** The scalar kernel's sums lane by lane: rows in memory order, four at a time, into db. */
    public static void activateBiasGrad(float[] dOut, float[] out, float[] dz, int rows, int width, float[] dBias,
                                        int biasOffset, int activation, float alpha) {
        int bound = S.loopBound(width), lanes = S.length();
        int rows4 = rows & ~3;
        for (int j = 0; j < bound; j += lanes) FloatVector.zero(S).intoArray(dBias, biasOffset + j);
        for (int r = 0; r < rows4; r += 4) {
            int i0 = r * width, i1 = i0 + width, i2 = i1 + width, i3 = i2 + width;
            for (int j = 0; j < bound; j += lanes) {
                FloatVector d0 = VectorActivations.derivative(activation, alpha, out, dOut, i0 + j);
                FloatVector d1 = VectorActivations.derivative(activation, alpha, out, dOut, i1 + j);
                FloatVector d2 = VectorActivations.derivative(activation, alpha, out, dOut, i2 + j);
                FloatVector d3 = VectorActivations.derivative(activation, alpha, out, dOut, i3 + j);
                d0.intoArray(dz, i0 + j);
                d1.intoArray(dz, i1 + j);
                d2.intoArray(dz, i2 + j);
                d3.intoArray(dz, i3 + j);
                FloatVector.fromArray(S, dBias, biasOffset + j).add(d0.add(d1).add(d2.add(d3))).intoArray(dBias, biasOffset + j);
            }
        }
        for (int r = rows4; r < rows; r++) {
            for (int j = 0; j < bound; j += lanes) {
                FloatVector d = VectorActivations.derivative(activation, alpha, out, dOut, r * width + j);
                d.intoArray(dz, r * width + j);
                FloatVector.fromArray(S, dBias, biasOffset + j).add(d).intoArray(dBias, biasOffset + j);
            }
        }
        if (bound < width) {
            Epilogues.activateBiasGradColumns(dOut, out, dz, rows, width, bound, width, dBias, biasOffset, activation, alpha);
        }
    }
}
