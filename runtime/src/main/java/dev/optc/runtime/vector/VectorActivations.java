package dev.optc.runtime.vector;

import dev.optc.runtime.kernels.Activations;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The activations the fused epilogues apply, on one vector, and their derivatives from the activation's output —
 * lane for lane the scalar formulas of {@code kernels.Epilogues}. Small on purpose, so C2 inlines them into the
 * kernels' loops (a vector passed to a call that is not inlined is boxed).
 */
final class VectorActivations {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorActivations() {
    }

    static FloatVector activate(FloatVector v, int activation, float alpha) {
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

    /** dOut ⊙ f' at out[i ..], dOut[i ..], f' from the activation's output. */
    static FloatVector derivative(int activation, float alpha, float[] out, float[] dOut, int i) {
        FloatVector d = FloatVector.fromArray(S, dOut, i);
        if (activation == Activations.NONE) return d;
        FloatVector o = FloatVector.fromArray(S, out, i);
        return switch (activation) {
            case Activations.RELU -> FloatVector.zero(S).blend(d, o.compare(VectorOperators.GT, 0f));
            case Activations.LEAKY_RELU -> d.mul(alpha).blend(d, o.compare(VectorOperators.GT, 0f));
            case Activations.SIGMOID -> d.mul(o.mul(FloatVector.broadcast(S, 1f).sub(o)));
            case Activations.TANH -> d.mul(FloatVector.broadcast(S, 1f).sub(o.mul(o)));
            default -> throw new IllegalArgumentException("activation " + activation + " cannot be fused");
        };
    }
}
