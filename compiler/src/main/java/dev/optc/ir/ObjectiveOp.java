package dev.optc.ir;

import dev.optc.check.ObjectiveGraph.BinaryOp;
import dev.optc.check.ObjectiveGraph.UnaryOp;
import dev.optc.ir.ObjectiveProgram.Tensor;
import java.util.List;

/**
 * One operation of an objective's forward or backward pass. Backward ops add into their gradient tensor, which
 * {@link ZeroGradients} clears first, so a tensor used several times sums its contributions.
 */
public sealed interface ObjectiveOp {
    int line();

    /** t = θ[p]: a parameter's current values from the flat buffer. */
    record LoadParameter(ParameterSlice parameter, Tensor out, int line) implements ObjectiveOp {
    }

    record Fill(Tensor out, double value, int line) implements ObjectiveOp {
    }

    /** Element-wise; a scalar operand is broadcast. */
    record Binary(BinaryOp op, Tensor a, Tensor b, Tensor out, int line) implements ObjectiveOp {
    }

    record Unary(UnaryOp op, Tensor a, Tensor out, int line) implements ObjectiveOp {
    }

    record Reduce(boolean mean, Tensor a, Tensor out, int line) implements ObjectiveOp {
    }

    /** out = a·b, a [m, k], b [k] or [k, n]. */
    record MatMul(Tensor a, Tensor b, Tensor out, int line) implements ObjectiveOp {
    }

    record Transpose(Tensor a, Tensor out, int line) implements ObjectiveOp {
    }

    /** out = a[offset .. offset + out.size). */
    record Slice(Tensor a, int offset, Tensor out, int line) implements ObjectiveOp {
    }

    // ---- backward ----

    record ZeroGradients(List<Tensor> gradients, int line) implements ObjectiveOp {
    }

    /** dTarget += dOut · ∂out/∂(a if side is 0, else b). */
    record BinaryGradient(BinaryOp op, int side, Tensor a, Tensor b, Tensor out, Tensor dOut, Tensor dTarget, int line)
            implements ObjectiveOp {
    }

    record UnaryGradient(UnaryOp op, Tensor a, Tensor out, Tensor dOut, Tensor dA, int line) implements ObjectiveOp {
    }

    record ReduceGradient(boolean mean, Tensor dOut, Tensor dA, int line) implements ObjectiveOp {
    }

    /** side 0: dA += dOut·bᵀ; side 1: dB += aᵀ·dOut. */
    record MatMulGradient(int side, Tensor a, Tensor b, Tensor dOut, Tensor dTarget, int line) implements ObjectiveOp {
    }

    record TransposeGradient(Tensor dOut, Tensor dA, int line) implements ObjectiveOp {
    }

    record SliceGradient(Tensor dOut, int offset, Tensor dA, int line) implements ObjectiveOp {
    }

    /** The flat gradient buffer at the parameter's offset receives dT. */
    record StoreGradient(Tensor gradient, ParameterSlice parameter, int line) implements ObjectiveOp {
    }
}
