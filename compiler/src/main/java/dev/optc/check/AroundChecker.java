package dev.optc.check;

import dev.optc.ast.Decl;
import dev.optc.ast.Expr;
import dev.optc.diagnostics.Diagnostics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The settings that act around the update rule: `decay`, `clip`, `average`, `schedule`, `accumulate`. Their
 * run-time values become hyperparameters of the fused update, so their names must not clash with the rule's.
 */
final class AroundChecker {
    static final Set<String> RESERVED = Set.of("decay", "clip", "average_decay");
    private static final Set<String> SCHEDULES = Set.of("constant", "linear", "cosine", "step", "exponential", "warmup");

    private final Diagnostics diagnostics;

    AroundChecker(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    CheckedRecipe.Around check(Map<String, Decl.Setting> settings, CheckedRecipe.OptimizerChoice optimizer) {
        double decay = 0, clipValue = 0, clipNorm = 0, emaDecay = 0;
        String average = null;
        int accumulate = 1;
        if (settings.containsKey("decay")) {
            Expr e = settings.get("decay").value();
            Double v = Constants.evaluate(e);
            if (v == null || v < 0) diagnostics.error(e.span(), "E040", "`decay` takes a number ≥ 0", "for example `decay = 1e-4`");
            else decay = v;
        }
        if (settings.containsKey("clip")) {
            Expr e = settings.get("clip").value();
            String kind = e instanceof Expr.Call c ? c.callee().text() : null;
            if (!"value".equals(kind) && !"norm".equals(kind)) {
                String hint = kind == null ? null : Spelling.didYouMean(kind, Set.of("value", "norm"));
                diagnostics.error(e.span(), "E040", "`clip` takes `value(c)` or `norm(c)`", hint != null ? hint
                        : "`value` clips each gradient element to [−c, c]; `norm` scales the whole gradient down to norm c");
            } else {
                Arguments args = new Arguments((Expr.Call) e, diagnostics);
                double c = args.number(0, "max", Double.NaN);
                args.reportUnknown();
                if (!(c > 0)) diagnostics.error(e.span(), "E040", "`" + kind + "` needs a bound c > 0", "for example `" + kind + "(5.0)`");
                else if (kind.equals("value")) clipValue = c;
                else clipNorm = c;
            }
        }
        if (settings.containsKey("average")) {
            Expr e = settings.get("average").value();
            String kind = e instanceof Expr.Call c ? c.callee().text() : e instanceof Expr.Name n ? n.name() : null;
            if ("polyak".equals(kind)) {
                if (e instanceof Expr.Call c) new Arguments(c, diagnostics).reportUnknown();
                average = "polyak";
            } else if ("ema".equals(kind) && e instanceof Expr.Call c) {
                Arguments args = new Arguments(c, diagnostics);
                double alpha = args.number(0, "alpha", Double.NaN);
                args.reportUnknown();
                if (!(alpha > 0 && alpha < 1)) {
                    diagnostics.error(e.span(), "E040", "`ema` needs a decay α in (0, 1)", "for example `ema(0.999)`");
                } else {
                    average = "ema";
                    emaDecay = alpha;
                }
            } else {
                diagnostics.error(e.span(), "E040", "`average` takes `polyak()` or `ema(α)`",
                        "polyak: θ̂(t) = (1/t) Σ θ(i); ema: θ̂(t) = α θ̂(t−1) + (1 − α) θ(t)");
            }
        }
        if (settings.containsKey("accumulate")) {
            Integer k = ModelChecker.positiveInteger(settings.get("accumulate").value());
            if (k == null) diagnostics.error(settings.get("accumulate").value().span(), "E040", "`accumulate` takes a positive integer");
            else accumulate = k;
        }
        List<CheckedRecipe.ScheduleSpec> schedules = new ArrayList<>();
        if (settings.containsKey("schedule") && optimizer != null) {
            Expr e = settings.get("schedule").value();
            List<Expr> items = e instanceof Expr.ListOf l ? l.elements() : List.of(e);
            if (items.isEmpty()) {
                diagnostics.error(e.span(), "E040", "`schedule` needs at least one schedule", "remove the setting to keep hyperparameters constant");
            }
            Map<String, Expr> seen = new HashMap<>();
            for (Expr item : items) {
                Expr schedule = item instanceof Expr.For f ? f.value() : item;
                String target = "lr";
                if (item instanceof Expr.For f) {
                    target = f.targets() instanceof Expr.Name n ? n.name() : null;
                    if (target == null) {
                        diagnostics.error(f.targets().span(), "E040", "a schedule applies to one hyperparameter, named after `for`");
                        continue;
                    }
                }
                if (!optimizer.hyperparameters().containsKey(target)) {
                    String hint = Spelling.didYouMean(target, optimizer.hyperparameters().keySet());
                    diagnostics.error(item instanceof Expr.For f ? f.targets().span() : item.span(), "E025",
                            "`" + optimizer.rule().name().text() + "` has no hyperparameter `" + target + "` to schedule",
                            hint != null ? hint : "its hyperparameters are " + String.join(", ", optimizer.hyperparameters().keySet()));
                    continue;
                }
                if (seen.put(target, item) != null) {
                    diagnostics.error(item.span(), "E042", "`" + target + "` is scheduled twice");
                    continue;
                }
                CheckedRecipe.ScheduleSpec spec = schedule(schedule, target, optimizer.hyperparameters());
                if (spec != null) schedules.add(spec);
            }
        }
        if (optimizer != null) {
            for (String name : optimizer.hyperparameters().keySet()) {
                boolean used = (name.equals("decay") && decay > 0) || (name.equals("clip") && clipValue > 0)
                        || (name.equals("average_decay") && average != null);
                if (used) {
                    diagnostics.error(optimizer.span(), "E044", "optimizer `" + optimizer.rule().name().text()
                            + "` has a hyperparameter `" + name + "`, which the recipe's own `" + name.replace("average_decay", "average") + "` setting also uses",
                            "rename the hyperparameter in the optimizer");
                }
            }
        }
        return new CheckedRecipe.Around(decay, clipValue, clipNorm, average, emaDecay, List.copyOf(schedules), accumulate);
    }

    private CheckedRecipe.ScheduleSpec schedule(Expr e, String target, Map<String, Double> hyper) {
        String kind = e instanceof Expr.Call c ? c.callee().text() : e instanceof Expr.Name n ? n.name() : null;
        if (kind == null || !SCHEDULES.contains(kind)) {
            String hint = kind == null ? null : Spelling.didYouMean(kind, SCHEDULES);
            diagnostics.error(e instanceof Expr.Call c ? c.callee().span() : e.span(), "E045",
                    "unknown schedule `" + (e instanceof Expr.Call c ? c.callee().text() : e.span().text()) + "`",
                    hint != null ? hint : "the schedules are " + String.join(", ", SCHEDULES.stream().sorted().toList()));
            return null;
        }
        if (!(e instanceof Expr.Call c)) return new CheckedRecipe.ScheduleSpec(target, kind, 0, false, 0, 1);
        Arguments args = new Arguments(c, diagnostics);
        double span = 0;
        boolean inEpochs = false;
        String spanName = kind.equals("step") || kind.equals("exponential") ? "every" : "over";
        Expr over = kind.equals("constant") ? null : args.get(-1, spanName);
        if (!kind.equals("constant")) {
            if (over instanceof Expr.Quantity q && q.value() > 0) {
                span = q.value();
                inEpochs = q.unit() == Expr.Unit.EPOCHS;
            } else {
                diagnostics.error(over == null ? c.span() : over.span(), "E046", "`" + kind + "` needs `" + spanName
                        + ":` with a unit", "for example `" + spanName + ": 20 epochs` or `" + spanName + ": 500 steps`");
            }
        }
        double target0 = 0, factor = 1;
        switch (kind) {
            case "linear", "cosine" -> target0 = value(args.get(-1, "to"), hyper, kind.equals("cosine") ? 0.0 : null, c, "to");
            case "warmup" -> target0 = value(args.get(-1, "from"), hyper, 0.0, c, "from");
            case "step", "exponential" -> factor = value(args.get(-1, "factor"), hyper, null, c, "factor");
            default -> {
            }
        }
        args.reportUnknown();
        return new CheckedRecipe.ScheduleSpec(target, kind, span, inEpochs, target0, factor);
    }

    /** A number that may mention the optimizer's hyperparameters (`to: 0.01 * lr`). */
    private double value(Expr e, Map<String, Double> hyper, Double fallback, Expr.Call call, String name) {
        if (e == null) {
            if (fallback != null) return fallback;
            diagnostics.error(call.span(), "E022", "`" + call.callee().text() + "` needs `" + name + ":`");
            return 0;
        }
        Double v = Constants.evaluate(e, hyper);
        if (v == null) {
            diagnostics.error(e.span(), "E023", "`" + name + "` must be a number (it may use the optimizer's hyperparameters, as in `0.01 * lr`)");
            return 0;
        }
        return v;
    }
}
