package dev.optc.runtime.vector;

import dev.optc.runtime.kernels.Activations;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The activations the fused epilogues apply, on one vector, and their derivatives from the activation's output —
 * lane for lane the scalar formulas of {@code kernels.Epilogues}. relu and the identity take a few bytecodes, so C2
 * inlines them into the kernels' loops whatever its budget (a vector passed to a call that is not inlined is boxed
 * on the heap, ten times the arithmetic); the others are one call further.
 */
final class VectorActivations {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorActivations() {
    }

    /** The common cases first, in a method small enough to be inlined anywhere; the others one call further. */
    static FloatVector activate(FloatVector v, int activation, float alpha) {
        if (activation == Activations.RELU) return v.max(0f);
        if (activation == Activations.NONE) return v;
        return activateOther(v, activation, alpha);
    }

    private static FloatVector activateOther(FloatVector v, int activation, float alpha) {
        return switch (activation) {
            case Activations.NONE -> v;
            case Activations.RELU -> v.max(0f);
            case Activations.LEAKY_RELU -> v.mul(alpha).blend(v, v.compare(VectorOperators.GT, 0f));
            case Activations.SIGMOID -> FloatVector.broadcast(S, 1f)
                    .div(v.neg().lanewise(VectorOperators.EXP).add(1f));
            case Activations.TANH -> v.lanewise(VectorOperators.TANH);
            default -> throw new IllegalArgumentException("activation " + activation + " cannot be fused");
        };
    }

    /** dOut ⊙ f' at out[i ..], dOut[i ..], f' from the activation's output. Under 35 bytecodes: always inlined. */
    static FloatVector derivative(int activation, float alpha, float[] out, float[] dOut, int i) {
        return activation == Activations.RELU ? reluDerivative(out, dOut, i)
                : activation == Activations.NONE ? FloatVector.fromArray(S, dOut, i)
                : derivativeOther(activation, alpha, FloatVector.fromArray(S, out, i), FloatVector.fromArray(S, dOut, i));
    }

    private static FloatVector reluDerivative(float[] out, float[] dOut, int i) {
        return FloatVector.zero(S).blend(FloatVector.fromArray(S, dOut, i),
                FloatVector.fromArray(S, out, i).compare(VectorOperators.GT, 0f));
    }

    private static FloatVector derivativeOther(int activation, float alpha, FloatVector o, FloatVector d) {
        return switch (activation) {
            case Activations.LEAKY_RELU -> d.mul(alpha).blend(d, o.compare(VectorOperators.GT, 0f));
            case Activations.SIGMOID -> d.mul(o.mul(FloatVector.broadcast(S, 1f).sub(o)));
            case Activations.TANH -> d.mul(FloatVector.broadcast(S, 1f).sub(o.mul(o)));
            default -> throw new IllegalArgumentException("activation " + activation + " cannot be fused");
        };
    }
}
