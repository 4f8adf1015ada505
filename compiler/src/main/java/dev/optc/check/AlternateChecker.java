package dev.optc.check;

import dev.optc.ast.Expr;
import dev.optc.diagnostics.Diagnostics;
import dev.optc.runtime.solvers.SolverChoice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Block coordinate descent (8.7.2):
 * {@code alternate = [block(H, optimizer: adam(lr: 0.05), steps: 20), block([W], optimizer: newton())]}. Each block
 * names tensors of the recipe's objective; every tensor is in exactly one block; each block has its own update rule
 * or full-batch solver and a number of steps per sweep (1 by default). The recipe's {@code steps} counts sweeps.
 */
final class AlternateChecker {
    private final Diagnostics diagnostics;
    private final Function<Expr, CheckedRecipe.OptimizerChoice> rules;

    AlternateChecker(Diagnostics diagnostics, Function<Expr, CheckedRecipe.OptimizerChoice> rules) {
        this.diagnostics = diagnostics;
        this.rules = rules;
    }

    /** The blocks, or null after an error (reported). */
    List<CheckedRecipe.Block> check(Expr value, ObjectiveGraph objective) {
        int errorsBefore = diagnostics.errorCount();
        if (!(value instanceof Expr.ListOf list) || list.elements().isEmpty()) {
            diagnostics.error(value.span(), "E076", "`alternate` takes a list of blocks",
                    "for example `alternate = [block(H, optimizer: sgd(lr: 0.1), steps: 20), block(W, optimizer: newton())]`");
            return null;
        }
        List<String> tensors = objective == null ? List.of()
                : objective.parameters().stream().map(ObjectiveGraph.Parameter::name).toList();
        Map<String, Expr> owner = new LinkedHashMap<>();
        List<CheckedRecipe.Block> blocks = new ArrayList<>();
        for (Expr element : list.elements()) {
            if (!(element instanceof Expr.Call c) || !c.callee().text().equals("block")) {
                diagnostics.error(element.span(), "E076", "each element of `alternate` is `block(tensors, optimizer: ..., steps: n)`",
                        "for example `block(H, optimizer: sgd(lr: 0.1), steps: 20)`");
                continue;
            }
            Arguments args = new Arguments(c, diagnostics);
            Expr named = args.get(0, "tensors");
            Expr rule = args.get(-1, "optimizer");
            Integer steps = args.get(-1, "steps") == null ? Integer.valueOf(1) : args.positiveInteger(-1, "steps", false);
            args.reportUnknown();
            List<String> mine = new ArrayList<>();
            List<Expr> targets = named == null ? List.of() : named instanceof Expr.ListOf l ? l.elements() : List.of(named);
            if (targets.isEmpty()) {
                diagnostics.error(c.span(), "E076", "this block names no tensor", "for example `block(H, optimizer: sgd(lr: 0.1))`");
            }
            for (Expr t : targets) {
                if (!(t instanceof Expr.Name n)) {
                    diagnostics.error(t.span(), "E076", "a block names tensors of the objective, such as `H` or `[W, b]`");
                    continue;
                }
                if (objective == null) continue;
                if (!tensors.contains(n.name())) {
                    String hint = Spelling.didYouMean(n.name(), tensors);
                    diagnostics.error(t.span(), "E076", "objective `" + objective.name() + "` has no tensor `" + n.name() + "`",
                            hint != null ? hint : "its tensors are " + String.join(", ", tensors));
                    continue;
                }
                Expr first = owner.putIfAbsent(n.name(), t);
                if (first != null) {
                    diagnostics.error(t.span(), "E076", "tensor `" + n.name() + "` is in two blocks",
                            "it is first named at line " + first.span().line() + ":" + first.span().column() + "; keep it in one block");
                    continue;
                }
                mine.add(n.name());
            }
            if (rule == null) {
                diagnostics.error(c.span(), "E076", "this block has no `optimizer`",
                        "give it an update rule or a full-batch solver: `block(H, optimizer: sgd(lr: 0.1))`");
                continue;
            }
            SolverChoice solver = SolverChecker.isSolver(rule) ? new SolverChecker(diagnostics).check(rule) : null;
            CheckedRecipe.OptimizerChoice choice = SolverChecker.isSolver(rule) ? null : rules.apply(rule);
            if ((solver != null || choice != null) && steps != null) {
                blocks.add(new CheckedRecipe.Block(List.copyOf(mine), choice, solver, steps));
            }
        }
        if (diagnostics.errorCount() > errorsBefore || objective == null) return null;
        List<String> left = tensors.stream().filter(t -> !owner.containsKey(t)).toList();
        if (!left.isEmpty()) {
            diagnostics.error(value.span(), "E076", "tensor" + (left.size() == 1 ? " `" : "s `") + String.join("`, `", left)
                    + (left.size() == 1 ? "` is" : "` are") + " in no block", "add " + (left.size() == 1 ? "it" : "them")
                    + " to a block; block coordinate descent minimizes every tensor in turn");
            return null;
        }
        return List.copyOf(blocks);
    }
}
