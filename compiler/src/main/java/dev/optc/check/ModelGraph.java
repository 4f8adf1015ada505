package dev.optc.check;

import dev.optc.diagnostics.SourceSpan;
import java.util.List;

/**
 * A checked model: the layers of a `model` declaration as a graph with their inferred widths (the batch is the only
 * dynamic dimension). Produced by {@link ModelChecker}, consumed by lowering.
 */
public record ModelGraph(String name, Input input, Node output, List<Node> layers) {

    public sealed interface Node {
        /** Features per example. */
        int width();

        SourceSpan span();
    }

    public record Input(String name, int width, SourceSpan span) implements Node {
    }

    /**
     * y = x·Wᵀ + b with W stored [out, in] like PyTorch's nn.Linear. {@code init} null means the recipe's;
     * {@code biasInit} is the bias's initial value (0 unless `bias: 0.1`).
     */
    public record Dense(Node input, int width, boolean bias, double biasInit, Initialization init, String name, SourceSpan span)
            implements Node {
    }

    public record Activation(ActivationKind kind, Node input, double alpha, SourceSpan span) implements Node {
        public int width() { return input.width(); }
    }

    public record BatchNorm(Node input, double momentum, double epsilon, String name, SourceSpan span) implements Node {
        public int width() { return input.width(); }
    }

    public record Maxout(Node input, int k, SourceSpan span) implements Node {
        public int width() { return input.width() / k; }
    }

    public record Dropout(Node input, double p, SourceSpan span) implements Node {
        public int width() { return input.width(); }
    }

    /** A residual connection h + f(h). */
    public record Add(Node left, Node right, SourceSpan span) implements Node {
        public int width() { return left.width(); }
    }

    /**
     * The features of two nodes side by side, [left | right]: what Yu et al.'s greedy stages feed a new layer (the raw
     * input and the previous stage's output). Made by stage plans, not written in models.
     */
    public record Concat(Node left, Node right, SourceSpan span) implements Node {
        public int width() { return left.width() + right.width(); }
    }

    public enum ActivationKind { RELU, LEAKY_RELU, SIGMOID, TANH, SOFTMAX }
}
