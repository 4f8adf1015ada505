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

    /**
     * Batch normalization: in training, batch statistics (x̂ and 1/√(δ+σ²) kept for the backward pass) and running
     * estimates updated with {@code momentum}; in inference, the running estimates.
     */
    record BatchNorm(Buffer x, Buffer y, Buffer xhat, Buffer mean, Buffer invStd, ParameterSlice gamma, ParameterSlice beta,
                     ParameterSlice runningMean, ParameterSlice runningVar, double momentum, double epsilon, int line)
            implements TensorOp {
    }

    /** Inverted dropout in training (the mask kept), the identity in inference. */
    record Dropout(Buffer x, Buffer y, Buffer mask, double p, int line) implements TensorOp {
    }

    /** The maximum of each group of k consecutive units (the winner kept). */
    record Maxout(Buffer x, Buffer y, Buffer argmax, int k, int line) implements TensorOp {
    }

    /** y = [a | b], row by row. */
    record Concat(Buffer a, Buffer b, Buffer y, int line) implements TensorOp {
    }

    /** dx = dy[:, offset : offset + dx.width] (or +=): the gradient of one side of a {@link Concat}. */
    record SliceGrad(Buffer dy, int offset, Buffer dx, boolean accumulate, int line) implements TensorOp {
    }

    /** dγ, dβ into the gradient buffer, and dx (or +=). */
    record BatchNormGrad(Buffer dy, Buffer xhat, Buffer invStd, Buffer dx, ParameterSlice gamma, ParameterSlice beta,
                         boolean accumulate, int line) implements TensorOp {
    }

    record DropoutGrad(Buffer dy, Buffer mask, Buffer dx, boolean accumulate, int line) implements TensorOp {
    }

    record MaxoutGrad(Buffer dy, Buffer argmax, Buffer dx, int k, boolean accumulate, int line) implements TensorOp {
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

    // ---- fused epilogues (passes.EpilogueFusion), each one pass over the layer's [rows, width] values ----

    /** y = f(z + b): a dense layer's bias and activation after its product; z keeps the product. */
    record BiasActivate(Buffer z, ParameterSlice bias, ActivationKind kind, double alpha, Buffer y, int line)
            implements TensorOp {
    }

    /** dz = dy ⊙ f' (f' from y, the activation's output) and db = Σ_rows dz: the backward of {@link BiasActivate}. */
    record ActivateBiasGrad(ActivationKind kind, double alpha, Buffer y, Buffer dy, Buffer dz, ParameterSlice bias,
                            int line) implements TensorOp {
    }

    /** Batch norm, then an activation: y = f(γ x̂ + β); {@code norm.y()} is not written. */
    record BatchNormActivate(BatchNorm norm, ActivationKind kind, double alpha, Buffer y, int line) implements TensorOp {
    }

    /**
     * The backward of {@link BatchNormActivate}: dOut ⊙ f' (from y, the activation's output), then batch norm's
     * backward; {@code norm.dy()} is not written.
     */
    record BatchNormActivateGrad(BatchNormGrad norm, ActivationKind kind, double alpha, Buffer y, Buffer dy, int line)
            implements TensorOp {
    }
}
