package dev.optc.check;

import dev.optc.ast.Decl;
import dev.optc.ast.Expr;
import dev.optc.diagnostics.Diagnostics;
import dev.optc.runtime.solvers.SolverChoice;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What a full-batch solver (8.6) needs of a model recipe. The solver minimizes the mean loss over the whole training
 * split as a deterministic function of the flat parameter vector, one solver iteration per epoch, so: the recipe
 * says `batch = full` (required, not implied: a recipe that says nothing trains on minibatches of 32, and a solver
 * quietly changing that would surprise); no dropout (a random loss breaks the line search and the curvature pairs);
 * nothing that acts on an update rule (schedule, decay, clip, average, accumulate); and for `newton` at most
 * {@link #NEWTON_LIMIT} parameters.
 */
final class ModelSolverChecker {
    /**
     * Newton forms the exact n×n Hessian from n Hessian-vector products, each two full-batch gradients: at n = 2,000
     * that is 4,000 passes over the training split and 32 MB of doubles per iteration, and an O(n³) ≈ 10⁹-flop
     * factorization; beyond it the cost grows as n² in memory and n³ in time, and L-BFGS or CG are the tools.
     */
    static final int NEWTON_LIMIT = 2_000;

    private final Diagnostics diagnostics;

    ModelSolverChecker(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    void check(SolverChoice solver, Expr optimizer, Map<String, Decl.Setting> settings, ModelGraph model, int batch) {
        String kind = solver.kind();
        if (batch != 0) {
            Decl.Setting b = settings.get("batch");
            diagnostics.error(b != null ? b.value().span() : optimizer.span(), "E092", "`" + kind
                    + "` minimizes the loss over the whole training split, so the recipe needs `batch = full`"
                    + (b == null ? " (the default is 32)" : ""), b == null ? "add `batch = full`" : "write `batch = full`");
        }
        for (String s : new String[] {"schedule", "decay", "clip", "average", "accumulate"}) {
            if (settings.containsKey(s)) {
                diagnostics.error(settings.get(s).name().span(), "E049", "`" + s + "` acts on an update rule; `"
                        + kind + "` is a full-batch solver", "remove `" + s + "`, or use an update rule such as sgd or adam");
            }
        }
        for (String s : new String[] {"stop", "checkpoint", "curriculum", "stages", "freeze"}) {
            if (settings.containsKey(s)) {
                diagnostics.error(settings.get(s).name().span(), "E090", "`" + s + "` with a full-batch solver is not implemented in this version of optc",
                        "remove `" + s + "`, or use an update rule such as sgd or adam");
            }
        }
        if (model == null) return;
        Map<ModelGraph.Node, Boolean> seen = new IdentityHashMap<>();
        long parameters = visit(model.output(), seen, kind);
        if (kind.equals("newton") && parameters > NEWTON_LIMIT) {
            diagnostics.error(optimizer.span(), "E093", "`newton` forms the exact n×n Hessian, and model `" + model.name() + "` has "
                    + String.format(java.util.Locale.ROOT, "%,d", parameters) + " parameters, more than "
                    + String.format(java.util.Locale.ROOT, "%,d", NEWTON_LIMIT),
                    "use `lbfgs()` or `cg()`, which need only gradients");
        }
    }

    /** grad_norm and curvature measure the steps of an update rule, which a solver does not take. */
    static void monitor(java.util.Set<String> monitor, Decl.Setting setting, String kind, Diagnostics diagnostics) {
        for (String m : new String[] {"grad_norm", "curvature"}) {
            if (monitor.contains(m)) {
                diagnostics.error(setting.value().span(), "E090", "`monitor` of " + m + " with a full-batch solver (`" + kind
                        + "`) is not implemented in this version of optc", "monitor loss and accuracy only");
                return;
            }
        }
    }

    /** The parameters below {@code node}, reporting every dropout on the way. */
    private long visit(ModelGraph.Node node, Map<ModelGraph.Node, Boolean> seen, String kind) {
        if (seen.put(node, Boolean.TRUE) != null) return 0;
        return switch (node) {
            case ModelGraph.Input i -> 0;
            case ModelGraph.Dense d -> (long) d.width() * d.input().width() + (d.bias() ? d.width() : 0) + visit(d.input(), seen, kind);
            case ModelGraph.Activation a -> visit(a.input(), seen, kind);
            case ModelGraph.BatchNorm b -> 2L * b.width() + visit(b.input(), seen, kind);
            case ModelGraph.Maxout m -> visit(m.input(), seen, kind);
            case ModelGraph.Dropout d -> {
                diagnostics.error(d.span(), "E094", "dropout makes the loss random, and `" + kind
                        + "` needs the loss to be a deterministic function of the parameters", "remove the dropout, or train with an update rule such as sgd or adam");
                yield visit(d.input(), seen, kind);
            }
            case ModelGraph.Add a -> visit(a.left(), seen, kind) + visit(a.right(), seen, kind);
            case ModelGraph.Concat c -> visit(c.left(), seen, kind) + visit(c.right(), seen, kind);
        };
    }
}
