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

    /** Column blocks of one vector, down the rows in four partial sums: the scalar kernel's order, lane by lane. */
    public static void activateBiasGrad(float[] dOut, float[] out, float[] dz, int rows, int width, float[] dBias,
                                        int biasOffset, int activation, float alpha) {
        int bound = S.loopBound(width);
        int rows4 = rows & ~3;
        for (int j = 0; j < bound; j += S.length()) {
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            int r = 0;
            for (; r < rows4; r += 4) {
                int i = r * width + j;
                FloatVector d0 = VectorActivations.derivative(activation, alpha, out, dOut, i);
                FloatVector d1 = VectorActivations.derivative(activation, alpha, out, dOut, i + width);
                FloatVector d2 = VectorActivations.derivative(activation, alpha, out, dOut, i + 2 * width);
                FloatVector d3 = VectorActivations.derivative(activation, alpha, out, dOut, i + 3 * width);
                d0.intoArray(dz, i);
                d1.intoArray(dz, i + width);
                d2.intoArray(dz, i + 2 * width);
                d3.intoArray(dz, i + 3 * width);
                s0 = s0.add(d0);
                s1 = s1.add(d1);
                s2 = s2.add(d2);
                s3 = s3.add(d3);
            }
            for (; r < rows; r++) {
                int i = r * width + j;
                FloatVector d = VectorActivations.derivative(activation, alpha, out, dOut, i);
                d.intoArray(dz, i);
                s0 = s0.add(d);
            }
            s0.add(s1).add(s2.add(s3)).intoArray(dBias, biasOffset + j);
        }
        if (bound < width) {
            Epilogues.activateBiasGradColumns(dOut, out, dz, rows, width, bound, width, dBias, biasOffset, activation, alpha);
        }
    }
}
