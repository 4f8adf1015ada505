package dev.optc.ir;

import java.util.List;

/**
 * An optimizer lowered to one element-wise kernel over the flat parameter buffer.
 *
 * @param hyperparameters names and values, in declaration order; run-time fields of the trainer
 * @param states          per-element arrays and their initial values (a constant or a hyperparameter)
 * @param scalars         per-step values hoisted out of the element loop, made of constants, hyperparameters and t
 * @param lookahead       the point where the gradient is taken, or null for θ itself
 * @param locals          how many local temporaries the body uses
 * @param averageState    the state that holds the averaged weights θ̂, or −1
 */
public record UpdateKernel(String rule, List<Hyperparameter> hyperparameters, List<StateArray> states,
                           List<ElementExpr> scalars, ElementExpr lookahead, List<ElementStmt> body, int locals,
                           int averageState) {

    public record Hyperparameter(String name, double value) {
    }

    /** A per-element state array and its initial value: a constant, a hyperparameter, or θ itself (for θ̂). */
    public record StateArray(String name, ElementExpr initial) {
    }

    /** θ ← θ: the update of a minimizer whose steps a full-batch solver takes. */
    public static UpdateKernel identity() {
        return new UpdateKernel("none", List.of(), List.of(), List.of(), null,
                List.of(new ElementStmt.SetTheta(new ElementExpr.Theta())), 0, -1);
    }

    public UpdateKernel withBody(List<ElementExpr> scalars, ElementExpr lookahead, List<ElementStmt> body, int locals) {
        return new UpdateKernel(rule, hyperparameters, states, scalars, lookahead, body, locals, averageState);
    }
}
