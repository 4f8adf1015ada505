package dev.optc.check;

import dev.optc.ast.Expr;
import dev.optc.diagnostics.Diagnostics;
import java.util.Set;

/**
 * `continuation = gaussian_smoothing(sigma: 1.0, stages: 5, samples: 32)` or
 * `continuation = anneal(alpha, from: 1.0, to: 0.01, stages: 5, spacing: geometric)`; see {@link Continuation}.
 */
final class ContinuationChecker {
    static final Set<String> KINDS = Set.of("gaussian_smoothing", "anneal");
    static final int DEFAULT_STAGES = 5;
    static final int DEFAULT_SAMPLES = 32;

    private final Diagnostics diagnostics;

    ContinuationChecker(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    /**
     * The continuation, or null after an error.
     *
     * @param objective  the recipe's objective, null when it had errors of its own
     * @param solverKind the recipe's full-batch solver, or null
     */
    Continuation check(Expr value, CheckedRecipe.ObjectiveChoice objective, String solverKind) {
        String kind = value instanceof Expr.Call c ? c.callee().text() : value instanceof Expr.Name n ? n.name() : null;
        if (kind == null || !KINDS.contains(kind) || !(value instanceof Expr.Call call)) {
            String hint = kind == null ? null : Spelling.didYouMean(kind, KINDS);
            diagnostics.error(value.span(), "E064", "`continuation` takes `gaussian_smoothing(sigma: 1.0, stages: 5)` or `anneal(h, from: 1.0, stages: 5)`",
                    hint != null ? hint : "a sequence of easier objectives J_0 … J_n = J, each solution starting the next (8.7.6)");
            return null;
        }
        int errorsBefore = diagnostics.errorCount();
        Arguments args = new Arguments(call, diagnostics);
        Integer stages = args.get(-1, "stages") == null ? Integer.valueOf(DEFAULT_STAGES) : args.positiveInteger(-1, "stages", false);
        if (stages != null && stages < 2) {
            diagnostics.error(args.get(-1, "stages").span(), "E064", "a continuation needs at least 2 stages", "the last stage is J itself");
        }
        Continuation result = kind.equals("gaussian_smoothing") ? smoothing(call, args, stages, solverKind) : anneal(call, args, stages, objective);
        args.reportUnknown();
        return diagnostics.errorCount() > errorsBefore ? null : result;
    }

    private Continuation smoothing(Expr.Call call, Arguments args, Integer stages, String solverKind) {
        double sigma = args.number(0, "sigma", 1.0);
        Integer samples = args.get(-1, "samples") == null ? Integer.valueOf(DEFAULT_SAMPLES) : args.positiveInteger(-1, "samples", false);
        if (!(sigma > 0)) diagnostics.error(args.get(0, "sigma").span(), "E064", "`sigma` must be > 0", "the width of the first stage's blur");
        if (solverKind != null) {
            diagnostics.error(call.span(), "E064", "gaussian smoothing estimates each gradient from random samples; `" + solverKind
                    + "` needs exact gradients", "use an update rule such as sgd or momentum, or `anneal`");
        }
        if (stages == null || samples == null) return null;
        return new Continuation("gaussian_smoothing", stages, sigma, samples, null, 0, 0, false, call.span());
    }

    private Continuation anneal(Expr.Call call, Arguments args, Integer stages, CheckedRecipe.ObjectiveChoice objective) {
        Expr target = args.get(0, "hyperparameter");
        Expr fromExpr = args.get(-1, "from");
        double from = args.number(-1, "from", Double.NaN);
        double to = args.number(-1, "to", Double.NaN);
        Expr spacing = args.get(-1, "spacing");
        if (fromExpr == null) diagnostics.error(call.span(), "E022", "`anneal` needs `from:`", "for example `anneal(alpha, from: 1.0, stages: 5)`");
        if (!(target instanceof Expr.Name name)) {
            diagnostics.error(target == null ? call.span() : target.span(), "E064", "`anneal` first names a hyperparameter of the objective",
                    "for example `anneal(alpha, from: 1.0, stages: 5)`");
            return null;
        }
        boolean geometric = false;
        if (spacing != null) {
            String s = spacing instanceof Expr.Name n ? n.name() : "";
            if (!s.equals("linear") && !s.equals("geometric")) {
                diagnostics.error(spacing.span(), "E064", "`spacing` is `linear` or `geometric`");
            }
            geometric = s.equals("geometric");
        }
        if (objective == null) return null;
        if (!objective.hyperparameters().containsKey(name.name())) {
            String hint = Spelling.didYouMean(name.name(), objective.hyperparameters().keySet());
            diagnostics.error(target.span(), "E064", "objective `" + objective.graph().name() + "` has no hyperparameter `" + name.name() + "`",
                    hint != null ? hint : (objective.hyperparameters().isEmpty() ? "it has none" : "its hyperparameters are "
                            + String.join(", ", objective.hyperparameters().keySet())) + "; an optimizer's hyperparameters change with `schedule`");
            return null;
        }
        if (Double.isNaN(to)) to = objective.hyperparameters().get(name.name());
        if (geometric && !(from * to > 0)) {
            diagnostics.error(spacing.span(), "E064", "geometric spacing needs `from` and `to` of the same sign, neither 0",
                    "use `spacing: linear`");
        }
        if (stages == null || fromExpr == null || Double.isNaN(from)) return null;
        return new Continuation("anneal", stages, 0, 0, name.name(), from, to, geometric, call.span());
    }
}
