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

    /** The states the body reads: the kernel loads them before it runs. */
    public java.util.Set<Integer> statesRead() {
        java.util.Set<Integer> read = new java.util.TreeSet<>();
        for (ElementStmt s : body) collectStates(s.value(), read);
        return read;
    }

    /** The states the body assigns: the kernel stores them after it runs. */
    public java.util.Set<Integer> statesWritten() {
        java.util.Set<Integer> written = new java.util.TreeSet<>();
        for (ElementStmt s : body) if (s instanceof ElementStmt.SetState st) written.add(st.index());
        return written;
    }

    /** The states the lookahead point reads (none without a lookahead). */
    public java.util.Set<Integer> statesReadByLookahead() {
        java.util.Set<Integer> read = new java.util.TreeSet<>();
        if (lookahead != null) collectStates(lookahead, read);
        return read;
    }

    private static void collectStates(ElementExpr e, java.util.Set<Integer> out) {
        switch (e) {
            case ElementExpr.State s -> out.add(s.index());
            case ElementExpr.Unary u -> collectStates(u.operand(), out);
            case ElementExpr.Binary b -> {
                collectStates(b.left(), out);
                collectStates(b.right(), out);
            }
            case ElementExpr.Select s -> {
                collectStates(s.condition(), out);
                collectStates(s.then(), out);
                collectStates(s.otherwise(), out);
            }
            default -> {
            }
        }
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
