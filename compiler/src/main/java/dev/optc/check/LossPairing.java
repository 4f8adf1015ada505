package dev.optc.check;

import dev.optc.ast.Expr;
import dev.optc.diagnostics.Diagnostics;

/**
 * The losses on probabilities need a model whose output is one: {@code cross_entropy} takes the log of the label's
 * output, so it needs a softmax (outputs in (0, 1) that sum to 1); {@code binary_cross_entropy} treats every output
 * as an independent probability, so it needs sigmoids. Anything else (logits, ReLUs) would give log of a negative
 * number or a loss that does not mean what it says: an error. A softmax under {@code binary_cross_entropy} is
 * allowed (its outputs are probabilities) but warned about, since they are not independent.
 */
final class LossPairing {
    private LossPairing() {
    }

    static void check(CheckedRecipe.Loss loss, ModelGraph model, Expr lossValue, Diagnostics diagnostics) {
        ModelGraph.ActivationKind last = model.output() instanceof ModelGraph.Activation a ? a.kind() : null;
        switch (loss) {
            case CROSS_ENTROPY -> {
                if (last != ModelGraph.ActivationKind.SOFTMAX) {
                    diagnostics.error(lossValue.span(), "E071", "`cross_entropy` takes probabilities, but model `" + model.name()
                            + "` returns " + describe(model.output()) + ", not a softmax",
                            "end the model with `softmax(...)`, or use `softmax_cross_entropy` on the logits (fused and more stable)");
                }
            }
            case BINARY_CROSS_ENTROPY -> {
                if (last == ModelGraph.ActivationKind.SOFTMAX) {
                    diagnostics.warning(lossValue.span(), "W006", "`binary_cross_entropy` treats every output as an independent "
                            + "probability, but model `" + model.name() + "` returns a softmax, whose outputs sum to 1",
                            "end the model with `sigmoid(...)` for independent binary targets, or use `cross_entropy`");
                } else if (last != ModelGraph.ActivationKind.SIGMOID) {
                    diagnostics.error(lossValue.span(), "E071", "`binary_cross_entropy` takes probabilities, but model `"
                            + model.name() + "` returns " + describe(model.output()) + ", not a sigmoid",
                            "end the model with `sigmoid(...)`");
                }
            }
            default -> {
            }
        }
    }

    private static String describe(ModelGraph.Node output) {
        return switch (output) {
            case ModelGraph.Activation a -> "a `" + a.kind().name().toLowerCase(java.util.Locale.ROOT) + "`";
            case ModelGraph.Dense d -> "the logits of `dense` layer `" + d.name() + "`";
            case ModelGraph.BatchNorm b -> "a `batchnorm`";
            case ModelGraph.Maxout m -> "a `maxout`";
            case ModelGraph.Dropout d -> "a `dropout`";
            case ModelGraph.Add add -> "a sum";
            case ModelGraph.Concat c -> "a concatenation";
            case ModelGraph.Input in -> "its input";
        };
    }
}
