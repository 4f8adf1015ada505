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

    /**
     * An update rule and the prefix of its hyperparameters' public names: `h1` in `h1.lr` for a per-layer group when
     * a recipe has several, null otherwise.
     */
    record Rule(String prefix, CheckedRecipe.OptimizerChoice choice) {
        String publicName(String hyperparameter) { return prefix == null ? hyperparameter : prefix + "." + hyperparameter; }
    }

    CheckedRecipe.Around check(Map<String, Decl.Setting> settings, CheckedRecipe.OptimizerChoice optimizer) {
        return check(settings, optimizer == null ? List.of() : List.of(new Rule(null, optimizer)));
    }

    CheckedRecipe.Around check(Map<String, Decl.Setting> settings, List<Rule> rules) {
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
        List<CheckedRecipe.ScheduleSpec> schedules = settings.containsKey("schedule") && !rules.isEmpty()
                ? schedules(settings.get("schedule").value(), rules) : List.of();
        for (Rule rule : rules) {
            for (String name : rule.choice().hyperparameters().keySet()) {
                boolean used = (name.equals("decay") && decay > 0) || (name.equals("clip") && clipValue > 0)
                        || (name.equals("average_decay") && average != null);
                if (used) {
                    diagnostics.error(rule.choice().span(), "E044", "optimizer `" + rule.choice().rule().name().text()
                            + "` has a hyperparameter `" + name + "`, which the recipe's own `" + name.replace("average_decay", "average") + "` setting also uses",
                            "rename the hyperparameter in the optimizer");
                }
            }
        }
        return new CheckedRecipe.Around(decay, clipValue, clipNorm, average, emaDecay, List.copyOf(schedules), accumulate);
    }

    /**
     * One spec per scheduled hyperparameter of each rule. `S` and `S for lr` schedule `lr`; with per-layer groups
     * they schedule every group's `lr` (each from its own ε₀, as a learning-rate scheduler does for all parameter
     * groups), and `S for h1.lr` only group h1's.
     */
    private List<CheckedRecipe.ScheduleSpec> schedules(Expr e, List<Rule> rules) {
        List<Expr> items = e instanceof Expr.ListOf l ? l.elements() : List.of(e);
        if (items.isEmpty()) {
            diagnostics.error(e.span(), "E040", "`schedule` needs at least one schedule", "remove the setting to keep hyperparameters constant");
        }
        List<CheckedRecipe.ScheduleSpec> specs = new ArrayList<>();
        Map<String, Expr> seen = new HashMap<>();
        for (Expr item : items) {
            Expr schedule = item instanceof Expr.For f ? f.value() : item;
            Expr target = item instanceof Expr.For f ? f.targets() : null;
            String group = null;
            String name = "lr";
            if (target instanceof Expr.Name n) {
                name = n.name();
            } else if (target instanceof Expr.Member m && m.target() instanceof Expr.Name g && rules.size() > 1) {
                group = g.name();
                name = m.member().text();
            } else if (target != null) {
                diagnostics.error(target.span(), "E040", "a schedule applies to one hyperparameter, named after `for`",
                        rules.size() > 1 ? "for example `for lr` (every group's), or `for " + rules.get(0).prefix() + ".lr` (one group's)"
                                : "for example `for lr`");
                continue;
            }
            List<Rule> scheduled = scheduled(rules, group, name, item, target);
            if (scheduled.isEmpty()) continue;
            Shape shape = shape(schedule);
            if (shape == null) continue;
            for (Rule rule : scheduled) {
                String publicName = rule.publicName(name);
                if (seen.put(publicName, item) != null) {
                    diagnostics.error(item.span(), "E042", "`" + publicName + "` is scheduled twice");
                    continue;
                }
                Double value = value(shape, rule.choice().hyperparameters());
                if (value == null) break; // reported once for the item, not once per group
                specs.add(new CheckedRecipe.ScheduleSpec(publicName, shape.kind(), shape.span(), shape.inEpochs(),
                        shape.kind().equals("step") || shape.kind().equals("exponential") ? 0 : value,
                        shape.kind().equals("step") || shape.kind().equals("exponential") ? value : 1));
            }
        }
        return List.copyOf(specs);
    }

    /** The rules whose hyperparameter `name` the item schedules: group's only, or every rule that has it. */
    private List<Rule> scheduled(List<Rule> rules, String group, String name, Expr item, Expr target) {
        Expr where = target != null ? target : item;
        List<Rule> candidates = rules;
        if (group != null) {
            String g = group;
            candidates = rules.stream().filter(r -> g.equals(r.prefix())).toList();
            if (candidates.isEmpty()) {
                List<String> prefixes = rules.stream().map(Rule::prefix).toList();
                String hint = Spelling.didYouMean(g, prefixes);
                diagnostics.error(where.span(), "E025", "no optimizer group is named `" + g + "`",
                        hint != null ? hint : "a group is named after its first layer: " + String.join(", ", prefixes));
                return List.of();
            }
        }
        List<Rule> having = candidates.stream().filter(r -> r.choice().hyperparameters().containsKey(name)).toList();
        if (having.isEmpty()) {
            CheckedRecipe.OptimizerChoice first = candidates.get(0).choice();
            String hint = Spelling.didYouMean(name, first.hyperparameters().keySet());
            diagnostics.error(where.span(), "E025",
                    candidates.size() == 1 ? "`" + first.rule().name().text() + "` has no hyperparameter `" + name + "` to schedule"
                            : "no optimizer group has a hyperparameter `" + name + "` to schedule",
                    hint != null ? hint : "its hyperparameters are " + String.join(", ", first.hyperparameters().keySet()));
        }
        return having;
    }

    /**
     * A schedule's kind and span, checked once; its value (`to:`, `from:` or `factor:`) is evaluated for each
     * rule it applies to, since it may mention that rule's hyperparameters (`to: 0.01 * lr`).
     */
    private record Shape(String kind, double span, boolean inEpochs, Expr argument, Double fallback, Expr.Call call, String argumentName) {
    }

    private Shape shape(Expr e) {
        String kind = e instanceof Expr.Call c ? c.callee().text() : e instanceof Expr.Name n ? n.name() : null;
        if (kind == null || !SCHEDULES.contains(kind)) {
            String hint = kind == null ? null : Spelling.didYouMean(kind, SCHEDULES);
            diagnostics.error(e instanceof Expr.Call c ? c.callee().span() : e.span(), "E045",
                    "unknown schedule `" + (e instanceof Expr.Call c ? c.callee().text() : e.span().text()) + "`",
                    hint != null ? hint : "the schedules are " + String.join(", ", SCHEDULES.stream().sorted().toList()));
            return null;
        }
        if (!(e instanceof Expr.Call c)) return new Shape(kind, 0, false, null, null, null, null);
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
        Shape shape = switch (kind) {
            case "linear" -> new Shape(kind, span, inEpochs, args.get(-1, "to"), null, c, "to");
            case "cosine" -> new Shape(kind, span, inEpochs, args.get(-1, "to"), 0.0, c, "to");
            case "warmup" -> new Shape(kind, span, inEpochs, args.get(-1, "from"), 0.0, c, "from");
            case "step", "exponential" -> new Shape(kind, span, inEpochs, args.get(-1, "factor"), null, c, "factor");
            default -> new Shape(kind, span, inEpochs, null, null, null, null);
        };
        args.reportUnknown();
        return shape;
    }

    /** The shape's value for one rule; null, reported, when it is missing or not a number. */
    private Double value(Shape shape, Map<String, Double> hyper) {
        if (shape.call() == null) return 0.0;
        return value(shape.argument(), hyper, shape.fallback(), shape.call(), shape.argumentName());
    }

    /** A number that may mention the optimizer's hyperparameters (`to: 0.01 * lr`). */
    private Double value(Expr e, Map<String, Double> hyper, Double fallback, Expr.Call call, String name) {
        if (e == null) {
            if (fallback != null) return fallback;
            diagnostics.error(call.span(), "E022", "`" + call.callee().text() + "` needs `" + name + ":`");
            return null;
        }
        Double v = Constants.evaluate(e, hyper);
        if (v == null) {
            diagnostics.error(e.span(), "E023", "`" + name + "` must be a number (it may use the optimizer's hyperparameters, as in `0.01 * lr`)");
            return null;
        }
        return v;
    }
}
