package dev.optc.check;

import dev.optc.diagnostics.SourceSpan;
import java.util.List;

/**
 * A checked objective: a scalar function of parameter tensors, as a graph of tensor operations with static shapes.
 * Produced by {@link ObjectiveChecker} for objectives whose shapes are all known (those over data once a recipe gives
 * the data); consumed by lowering.
 */
public record ObjectiveGraph(String name, List<Parameter> parameters, List<String> hyperparameters, Node result) {

    public sealed interface Node {
        /** Dimensions; empty for a scalar. */
        int[] shape();

        SourceSpan span();

        default int size() {
            int n = 1;
            for (int d : shape()) n *= d;
            return n;
        }
    }

    /**
     * A trainable tensor and its initial value (one number for all elements, or one per element); or, when
     * {@code uniform} &gt; 0, values drawn from U(−uniform, uniform) by the recipe's seed (`W: [16, 64] = uniform(0.1)`).
     */
    public record Parameter(String name, int[] shape, double[] initial, SourceSpan span, double uniform) implements Node {
    }

    /**
     * A data input (`X: data`): the examples of {@code source} as [features, examples], one example per column; its
     * shape was read from the file at compile time, its values are loaded when the minimizer is created.
     */
    public record Data(String name, int[] shape, dev.optc.runtime.data.DataSource source, SourceSpan span) implements Node {
    }

    public record Constant(double value, SourceSpan span) implements Node {
        public int[] shape() { return new int[0]; }
    }

    /** A scalar of the objective's signature, such as `alpha = 0.01`; a recipe may give another value. */
    public record Hyperparameter(String name, double value, SourceSpan span) implements Node {
        public int[] shape() { return new int[0]; }
    }

    /** Element-wise, with a scalar on either side broadcast. */
    public record Binary(BinaryOp op, Node left, Node right, int[] shape, SourceSpan span) implements Node {
    }

    public record Unary(UnaryOp op, Node operand, SourceSpan span) implements Node {
        public int[] shape() { return operand.shape(); }
    }

    /** sum or mean over every element. */
    public record Reduce(boolean mean, Node operand, SourceSpan span) implements Node {
        public int[] shape() { return new int[0]; }
    }

    /** Matrix × matrix or matrix × vector. */
    public record MatMul(Node left, Node right, int[] shape, SourceSpan span) implements Node {
    }

    public record Transpose(Node operand, int[] shape, SourceSpan span) implements Node {
    }

    /** A fixed slice: `x[0]` of a vector, `W[2]` (a row) of a matrix, `W[2, 3]`. */
    public record Index(Node operand, int offset, int[] shape, SourceSpan span) implements Node {
    }

    public enum BinaryOp { ADD, SUBTRACT, MULTIPLY, DIVIDE, POWER }

    public enum UnaryOp { NEGATE, ABS, EXP, LOG, SQRT }
}
