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

    /** In {@link #storeOrder()}, θ; a state is its index. */
    public static final int THETA = -1;

    /**
     * The arrays the kernel stores, θ ({@link #THETA}) and each state it assigns, in the order the body last assigns
     * them: the order a programmer writing the rule by hand stores them in. C2 aligns the main loop of a scalar
     * kernel to one of its stores, and which one depends on this order; keeping the rule's order keeps the generated
     * loop the shape of the hand-written one for every placement of the arrays.
     */
    public java.util.List<Integer> storeOrder() {
        java.util.LinkedHashSet<Integer> order = new java.util.LinkedHashSet<>();
        for (ElementStmt s : body) {
            Integer target = switch (s) {
                case ElementStmt.SetTheta t -> THETA;
                case ElementStmt.SetState st -> st.index();
                case ElementStmt.SetLocal l -> null;
            };
            if (target != null) {
                order.remove(target);
                order.add(target);
            }
        }
        order.add(THETA); // stored even by a rule that leaves it as it was (the checker requires an assignment)
        return java.util.List.copyOf(order);
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
