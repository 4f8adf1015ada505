package dev.optc.check;

import dev.optc.ast.Expr;
import dev.optc.diagnostics.Diagnostics;
import dev.optc.runtime.solvers.SolverChoice;
import java.util.Set;

/**
 * The full-batch solvers of 8.6 that a recipe may name as its optimizer: {@code newton(damping: 1e-4)},
 * {@code cg(beta: polak_ribiere, restart: 10)}, {@code bfgs()}, {@code lbfgs(history: 10)},
 * {@code coordinate_descent(block: 1)}. They are not update rules: the runtime runs them on the whole objective.
 */
final class SolverChecker {
    static final Set<String> SOLVERS = Set.of("newton", "cg", "bfgs", "lbfgs", "coordinate_descent");

    private final Diagnostics diagnostics;

    SolverChecker(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    static boolean isSolver(Expr e) {
        String name = e instanceof Expr.Call c ? c.callee().text() : e instanceof Expr.Name n ? n.name() : null;
        return name != null && SOLVERS.contains(name);
    }

    /** The solver, or null after an error. */
    SolverChoice check(Expr e) {
        String kind = e instanceof Expr.Call c ? c.callee().text() : ((Expr.Name) e).name();
        double damping = 0, tolerance = 1e-6;
        String beta = "polak_ribiere";
        int restart = 0, history = 10, block = 1;
        if (e instanceof Expr.Call c) {
            Arguments args = new Arguments(c, diagnostics);
            tolerance = args.number(-1, "tolerance", tolerance);
            switch (kind) {
                case "newton" -> damping = args.number(0, "damping", 0);
                case "cg" -> {
                    Expr b = args.get(-1, "beta");
                    if (b != null) {
                        String name = b instanceof Expr.Name n ? n.name() : null;
                        if (!"fletcher_reeves".equals(name) && !"polak_ribiere".equals(name)) {
                            diagnostics.error(b.span(), "E023", "`beta` is `fletcher_reeves` or `polak_ribiere`");
                            return null;
                        }
                        beta = name;
                    }
                    Integer r = args.get(-1, "restart") == null ? Integer.valueOf(0) : ModelChecker.positiveInteger(args.get(-1, "restart"));
                    if (r == null) {
                        diagnostics.error(args.get(-1, "restart").span(), "E023", "`restart` is a positive number of iterations");
                        return null;
                    }
                    restart = r;
                }
                case "lbfgs" -> history = (int) args.number(0, "history", history);
                case "coordinate_descent" -> block = (int) args.number(0, "block", block);
                default -> {
                }
            }
            args.reportUnknown();
        }
        if (damping < 0 || history < 1 || block < 1 || !(tolerance > 0)) {
            diagnostics.error(e.span(), "E023", "`" + kind + "` needs damping ≥ 0, history ≥ 1, block ≥ 1 and tolerance > 0");
            return null;
        }
        return new SolverChoice(kind, damping, beta, restart, history, block, tolerance);
    }
}
