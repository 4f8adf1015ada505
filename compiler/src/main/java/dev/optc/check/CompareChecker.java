package dev.optc.check;

import dev.optc.ast.Decl;
import dev.optc.ast.Expr;
import dev.optc.ast.Identifier;
import dev.optc.diagnostics.Diagnostics;
import dev.optc.runtime.solvers.SolverChoice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * `compare = [sgd(lr: 0.03), momentum(lr: 0.03, alpha: 0.9), adam(lr: 0.3), sgd(lr: 0.03, average: polyak()), newton()]`:
 * every element is an update rule, checked as the recipe's `optimizer` would be, or a full-batch solver. An update
 * rule takes the recipe's decay, clip, schedule and average, and may set its own averaging with `average:`. On a model
 * recipe each element is one rule for every layer.
 */
final class CompareChecker {
    private final Diagnostics diagnostics;
    private final Function<Expr, CheckedRecipe.OptimizerChoice> optimizers;
    private final boolean solvers;

    /** {@code solvers}: whether full-batch solvers may be compared (objectives: yes; models: not in this version). */
    CompareChecker(Diagnostics diagnostics, Function<Expr, CheckedRecipe.OptimizerChoice> optimizers, boolean solvers) {
        this.diagnostics = diagnostics;
        this.optimizers = optimizers;
        this.solvers = solvers;
    }

    /** The contenders in the order written; empty after an error. */
    List<Contender> check(Expr value, Map<String, Decl.Setting> settings) {
        if (!(value instanceof Expr.ListOf list) || list.elements().isEmpty()) {
            diagnostics.error(value.span(), "E062", "`compare` takes a list of optimizers",
                    "for example `compare = [sgd(lr: 0.03), momentum(lr: 0.03, alpha: 0.9), lbfgs()]`");
            return List.of();
        }
        int errorsBefore = diagnostics.errorCount();
        List<Contender> contenders = new ArrayList<>();
        for (Expr element : list.elements()) {
            if (!(element instanceof Expr.Call || element instanceof Expr.Name)) {
                diagnostics.error(element.span(), "E062", "each element of `compare` is an optimizer such as `sgd(lr: 0.1)` or a solver such as `lbfgs()`",
                        element instanceof Expr.For ? "every optimizer of `compare` updates all the parameters; remove `for`" : null);
                continue;
            }
            Contender c = SolverChecker.isSolver(element) ? solver(element, settings) : rule(element, settings);
            if (c != null) contenders.add(c);
        }
        return diagnostics.errorCount() > errorsBefore ? List.of() : List.copyOf(contenders);
    }

    private Contender solver(Expr element, Map<String, Decl.Setting> settings) {
        if (!solvers) {
            diagnostics.error(element.span(), "E049", "full-batch solvers minimize objectives in this version of optc",
                    "compare update rules such as sgd or adam on a model");
            return null;
        }
        SolverChoice solver = new SolverChecker(diagnostics).check(element);
        if (solver == null) return null;
        for (String s : new String[] {"schedule", "decay", "clip", "average"}) {
            if (settings.containsKey(s)) {
                diagnostics.error(settings.get(s).name().span(), "E049", "`" + s + "` acts on an update rule; `"
                        + solver.kind() + "` in `compare` is a full-batch solver", "remove `" + s + "`, or compare update rules only");
            }
        }
        return new Contender(label(element), null, solver, CheckedRecipe.Around.NONE, element.span());
    }

    private Contender rule(Expr element, Map<String, Decl.Setting> settings) {
        Map<String, Decl.Setting> own = settings;
        Expr rule = element;
        if (element instanceof Expr.Call call && call.named("average") != null) {
            // `average:` belongs to the comparison, not to the rule: it replaces the recipe's `average` for this element.
            Expr.Argument average = call.named("average");
            List<Expr.Argument> rest = call.arguments().stream().filter(a -> a != average).toList();
            rule = new Expr.Call(call.callee(), rest, call.span());
            own = new LinkedHashMap<>(settings);
            own.put("average", new Decl.Setting(new Identifier("average", average.name().span()), average.value(), average.span()));
        }
        CheckedRecipe.OptimizerChoice choice = optimizers.apply(rule);
        if (choice == null) return null;
        if (rule != element && choice.hyperparameters().containsKey("average")) {
            diagnostics.error(((Expr.Call) element).named("average").span(), "E062", "`" + choice.rule().name().text()
                    + "` has a hyperparameter `average`, so `average:` in `compare` is ambiguous", "rename the hyperparameter in the optimizer");
            return null;
        }
        CheckedRecipe.Around around = new AroundChecker(diagnostics).check(own, choice);
        return new Contender(label(element), choice, null, around, element.span());
    }

    private static String label(Expr element) {
        return element.span().text().replaceAll("\\s+", " ");
    }
}
