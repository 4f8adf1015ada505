package dev.optc.ir;

import dev.optc.check.ModelGraph.ActivationKind;

/**
 * One step of a forward or backward pass over [rows, width] buffers. Each op carries the source line it came from,
 * so a generated trainer's stack trace points at the `.opt` file.
 */
public sealed interface TensorOp {
    int line();

    /** y = x·Wᵀ. */
    record Linear(Buffer x, ParameterSlice weight, Buffer y, int line) implements TensorOp {
    }

    /** y += b, on every row. */
    record AddBias(Buffer y, ParameterSlice bias, int line) implements TensorOp {
    }

    record Activate(ActivationKind kind, double alpha, Buffer x, Buffer y, int line) implements TensorOp {
    }

    /** y = a + b (a residual connection). */
    record Add(Buffer a, Buffer b, Buffer y, int line) implements TensorOp {
    }

    /** dx = dy·W (or +=). */
    record LinearGradInput(Buffer dy, ParameterSlice weight, Buffer dx, boolean accumulate, int line) implements TensorOp {
    }

    /** dW = dyᵀ·x, into the gradient buffer at the weight's offset. */
    record LinearGradWeight(Buffer dy, Buffer x, ParameterSlice weight, int line) implements TensorOp {
    }

    /** db = Σ_rows dy. */
    record BiasGrad(Buffer dy, ParameterSlice bias, int line) implements TensorOp {
    }

    /** dx = dy ⊙ f'(x) (or +=); x and y are the forward input and output. */
    record ActivateGrad(ActivationKind kind, double alpha, Buffer x, Buffer y, Buffer dy, Buffer dx, boolean accumulate,
                        int line) implements TensorOp {
    }

    /** dx = dy (or +=): the gradient through a sum. */
    record AccumulateGrad(Buffer dy, Buffer dx, boolean accumulate, int line) implements TensorOp {
    }
}
