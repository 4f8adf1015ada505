package dev.optc.check;

import dev.optc.ast.Decl;
import dev.optc.ast.Expr;
import dev.optc.ast.OptimizerStatement;
import dev.optc.diagnostics.Diagnostics;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The element-wise rules of an update equation: what names mean (`theta`, `g`, `t`, hyperparameters, state, `let`s),
 * what may be assigned, and that every operation works on one element at a time.
 */
public final class OptimizerChecker {
    /** Element-wise built-ins and their arity. */
    public static final Map<String, Integer> FUNCTIONS = Map.of(
            "sqrt", 1, "exp", 1, "log", 1, "abs", 1, "sign", 1, "min", 2, "max", 2, "clamp", 3);
    /** Functions of the language that see whole tensors, so they have no meaning inside an update rule. */
    private static final Set<String> TENSOR_FUNCTIONS = Set.of(
            "sum", "mean", "transpose", "norm", "dense", "relu", "softmax", "batchnorm", "dot");

    private final Diagnostics diagnostics;

    public OptimizerChecker(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    public void check(Decl.OptimizerDecl decl) {
        Set<String> hyper = new LinkedHashSet<>();
        for (Decl.Param p : decl.hyperparameters()) {
            String name = p.name().text();
            if (!hyper.add(name)) {
                diagnostics.error(p.name().span(), "E035", "hyperparameter `" + name + "` is declared twice");
            }
            if (isBuiltIn(name)) {
                diagnostics.error(p.name().span(), "E031", "`" + name + "` is a built-in name of update rules and cannot be a hyperparameter",
                        "`theta` is the parameter, `g` its gradient and `t` the step count");
            }
            if (p.type() != null) {
                diagnostics.error(p.type().span(), "E036", "hyperparameters are numbers and take no type",
                        "write `" + name + " = <default>`");
            }
            if (p.value() != null && Constants.evaluate(p.value()) == null) {
                diagnostics.error(p.value().span(), "E036", "the default of hyperparameter `" + name + "` must be a number",
                        "hyperparameters are run-time numbers of the trainer");
            }
        }
        Set<String> states = new HashSet<>();
        Set<String> lets = new HashSet<>();
        Set<String> laterStates = new HashSet<>();
        for (OptimizerStatement s : decl.body()) {
            if (s instanceof OptimizerStatement.State st) st.inits().forEach(i -> laterStates.add(i.name().text()));
        }
        boolean assignsTheta = false;
        boolean seenAssignment = false;
        boolean seenLookahead = false;
        for (OptimizerStatement s : decl.body()) {
            switch (s) {
                case OptimizerStatement.State st -> {
                    for (OptimizerStatement.StateInit init : st.inits()) {
                        String name = init.name().text();
                        if (isBuiltIn(name) || hyper.contains(name) || lets.contains(name) || !states.add(name)) {
                            diagnostics.error(init.name().span(), "E038", "`" + name + "` is already declared");
                            continue;
                        }
                        Expr value = init.initial();
                        boolean constant = Constants.evaluate(value) != null
                                || value instanceof Expr.Name n && hyper.contains(n.name());
                        if (!constant) {
                            diagnostics.error(value.span(), "E036", "the initial value of state `" + name
                                    + "` must be a number or a hyperparameter", "state starts equal for every element");
                        }
                    }
                }
                case OptimizerStatement.Let let -> {
                    expression(let.value(), hyper, states, lets, laterStates);
                    String name = let.name().text();
                    if (isBuiltIn(name) || hyper.contains(name) || states.contains(name) || !lets.add(name)) {
                        diagnostics.error(let.name().span(), "E038", "`" + name + "` is already declared",
                                "a `let` introduces a new name; assign to a state without `let`");
                    }
                }
                case OptimizerStatement.Lookahead la -> {
                    if (seenLookahead) {
                        diagnostics.error(la.span(), "E039", "an update rule has at most one `lookahead`");
                    } else if (seenAssignment) {
                        diagnostics.error(la.span(), "E039", "`lookahead` must come before every assignment",
                                "the gradient is evaluated at the lookahead point before the rule runs");
                    }
                    seenLookahead = true;
                    expression(la.point(), hyper, states, lets, laterStates);
                }
                case OptimizerStatement.Update up -> {
                    expression(up.value(), hyper, states, lets, laterStates);
                    seenAssignment = true;
                    String target = up.target().text();
                    if (target.equals("theta")) {
                        assignsTheta = true;
                    } else if (target.equals("g")) {
                        diagnostics.error(up.target().span(), "E030", "cannot assign to the gradient `g`",
                                "declare a state (`state d = 0`) and assign that instead");
                    } else if (target.equals("t")) {
                        diagnostics.error(up.target().span(), "E031", "cannot assign to the step count `t`");
                    } else if (hyper.contains(target)) {
                        diagnostics.error(up.target().span(), "E031", "cannot assign to hyperparameter `" + target + "`",
                                "hyperparameters are fixed during a step; to adapt a rate per element, keep it in a state "
                                        + "(`state eps = " + target + "`)");
                    } else if (lets.contains(target)) {
                        diagnostics.error(up.target().span(), "E037", "cannot assign to `let` binding `" + target + "`",
                                "declare it as `state " + target + " = ...` to keep it between steps");
                    } else if (!states.contains(target)) {
                        if (laterStates.contains(target)) {
                            diagnostics.error(up.target().span(), "E032", "state `" + target + "` is assigned before it is declared",
                                    "move its `state` declaration above this line");
                        } else {
                            diagnostics.error(up.target().span(), "E020", "unknown name `" + target + "`",
                                    hintFor(target, hyper, states, lets, "declare it with `state " + target + " = 0`"));
                        }
                    }
                }
            }
        }
        if (!assignsTheta && decl.complete()) {
            diagnostics.error(decl.name().span(), "E034", "optimizer `" + decl.name().text() + "` never assigns `theta`",
                    "an update rule must change the parameter, e.g. `theta -= lr * g`");
        }
    }

    private void expression(Expr expr, Set<String> hyper, Set<String> states, Set<String> lets, Set<String> laterStates) {
        switch (expr) {
            case Expr.Number n -> {
            }
            case Expr.Invalid i -> {
            }
            case Expr.Name n -> {
                String name = n.name();
                if (isBuiltIn(name) || hyper.contains(name) || states.contains(name) || lets.contains(name)) return;
                if (laterStates.contains(name)) {
                    diagnostics.error(n.span(), "E032", "state `" + name + "` is read before it is declared",
                            "move its `state` declaration above this line");
                } else {
                    diagnostics.error(n.span(), "E020", "unknown name `" + name + "`", hintFor(name, hyper, states, lets, null));
                }
            }
            case Expr.Unary u -> expression(u.operand(), hyper, states, lets, laterStates);
            case Expr.Binary b -> {
                if (b.op() == Expr.BinaryOp.MATMUL) {
                    diagnostics.error(b.span(), "E033", "`@` is not element-wise", "an update rule runs on one element at a time; use `*`");
                    return;
                }
                expression(b.left(), hyper, states, lets, laterStates);
                expression(b.right(), hyper, states, lets, laterStates);
            }
            case Expr.Conditional c -> {
                expression(c.condition(), hyper, states, lets, laterStates);
                expression(c.then(), hyper, states, lets, laterStates);
                expression(c.otherwise(), hyper, states, lets, laterStates);
            }
            case Expr.Call c -> {
                String fn = c.callee().text();
                Integer arity = FUNCTIONS.get(fn);
                if (arity == null) {
                    if (TENSOR_FUNCTIONS.contains(fn)) {
                        diagnostics.error(c.span(), "E033", "`" + fn + "` is not element-wise",
                                "an update rule runs on one element at a time; the element-wise functions are "
                                        + String.join(", ", sortedFunctions()));
                    } else {
                        diagnostics.error(c.callee().span(), "E021", "unknown function `" + fn + "`",
                                hintOrList(Spelling.didYouMean(fn, FUNCTIONS.keySet())));
                    }
                    return;
                }
                if (c.arguments().size() != arity) {
                    diagnostics.error(c.span(), "E022", "`" + fn + "` takes " + arity + " argument" + (arity == 1 ? "" : "s")
                            + ", found " + c.arguments().size());
                }
                for (Expr.Argument a : c.arguments()) {
                    if (a.name() != null) {
                        diagnostics.error(a.name().span(), "E022", "element-wise functions take no named arguments");
                    }
                    expression(a.value(), hyper, states, lets, laterStates);
                }
            }
            case Expr.Index i -> diagnostics.error(i.span(), "E033", "indexing is not element-wise",
                    "an update rule sees one element of theta and g at a time");
            default -> diagnostics.error(expr.span(), "E033", "this expression has no meaning in an update rule",
                    "an update rule is arithmetic on numbers, hyperparameters, state, theta, g and t");
        }
    }

    private static List<String> sortedFunctions() {
        return FUNCTIONS.keySet().stream().sorted().toList();
    }

    private static String hintOrList(String hint) {
        return hint != null ? hint : "the element-wise functions are " + String.join(", ", sortedFunctions());
    }

    private static String hintFor(String name, Set<String> hyper, Set<String> states, Set<String> lets, String fallback) {
        Set<String> known = new LinkedHashSet<>(List.of("theta", "g", "t"));
        known.addAll(hyper);
        known.addAll(states);
        known.addAll(lets);
        String hint = Spelling.didYouMean(name, known);
        return hint != null ? hint : fallback;
    }

    static boolean isBuiltIn(String name) {
        return name.equals("theta") || name.equals("g") || name.equals("t");
    }
}
