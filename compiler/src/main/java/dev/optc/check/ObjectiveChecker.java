package dev.optc.check;

import dev.optc.ast.BodyStatement;
import dev.optc.ast.Decl;
import dev.optc.ast.Expr;
import dev.optc.diagnostics.Diagnostics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Shapes through an objective: parameters are scalars, vectors or matrices (`x: 2 = [3, -2]`, `W: [16, 64]`, a
 * dimension may be a name such as `n`), hyperparameters are scalars (`alpha = 0.01`), `X: data` takes its shape from
 * the data. The result must be a scalar.
 */
public final class ObjectiveChecker {
    static final Set<String> ELEMENTWISE = Set.of("abs", "exp", "log", "sqrt");
    static final Set<String> FUNCTIONS = Set.of("abs", "exp", "log", "sqrt", "sum", "mean", "transpose");

    /** A shape: dimensions that are integers or names; null stands for "not known before the data is read". */
    record Shape(List<Object> dims) {
        static final Shape SCALAR = new Shape(List.of());

        boolean scalar() { return dims.isEmpty(); }

        @Override
        public String toString() {
            return dims.isEmpty() ? "a scalar" : dims.toString().replace(" ", "");
        }
    }

    private final Diagnostics diagnostics;

    public ObjectiveChecker(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    public void check(Decl.ObjectiveDecl decl) {
        Map<String, Shape> scope = new HashMap<>();
        Map<String, Boolean> unknownShape = new HashMap<>();
        for (Decl.Param p : decl.params()) {
            String name = p.name().text();
            if (scope.containsKey(name) || unknownShape.containsKey(name)) {
                diagnostics.error(p.name().span(), "E035", "`" + name + "` is declared twice");
                continue;
            }
            if (p.type() == null) {
                if (p.value() == null || Constants.evaluate(p.value()) == null) {
                    diagnostics.error(p.span(), "E036", "`" + name + "` needs a shape or a numeric value",
                            "a parameter is `x: 2 = [3, -2]`, a hyperparameter `alpha = 0.01`, data `X: data`");
                    continue;
                }
                scope.put(name, Shape.SCALAR);
            } else if (p.type() instanceof Expr.Name n && n.name().equals("data")) {
                unknownShape.put(name, true);
            } else {
                Shape shape = declaredShape(p.type());
                if (shape == null) continue;
                if (p.value() != null) checkInitial(p.value(), shape);
                scope.put(name, shape);
            }
        }
        Shape result = null;
        for (BodyStatement s : decl.body()) {
            if (result != null) {
                diagnostics.error(s.span(), "E056", "statement after `return`");
                break;
            }
            switch (s) {
                case BodyStatement.Bind b -> {
                    Shape shape = shape(b.value(), scope, unknownShape);
                    if (shape != null) scope.put(b.name().text(), shape);
                    else unknownShape.put(b.name().text(), true);
                }
                case BodyStatement.Return r -> {
                    result = shape(r.value(), scope, unknownShape);
                    if (result != null && !result.scalar()) {
                        diagnostics.error(r.value().span(), "E060", "an objective must return a scalar, found " + result,
                                "reduce it with `sum(...)` or `mean(...)`");
                    }
                    if (result == null) result = Shape.SCALAR;
                }
            }
        }
        if (result == null && decl.complete()) {
            diagnostics.error(decl.name().span(), "E055", "objective `" + decl.name().text() + "` has no `return`");
        }
    }

    private Shape declaredShape(Expr type) {
        Integer n = ModelChecker.positiveInteger(type);
        if (n != null) return new Shape(List.of(n));
        if (type instanceof Expr.ListOf list && !list.elements().isEmpty()) {
            List<Object> dims = new ArrayList<>();
            for (Expr e : list.elements()) {
                Integer d = ModelChecker.positiveInteger(e);
                if (d != null) dims.add(d);
                else if (e instanceof Expr.Name name) dims.add(name.name());
                else {
                    diagnostics.error(e.span(), "E061", "a dimension is a positive integer or a name");
                    return null;
                }
            }
            return new Shape(dims);
        }
        diagnostics.error(type.span(), "E061", "a shape is a size (`2`), a list of sizes (`[16, 64]`) or `data`");
        return null;
    }

    private void checkInitial(Expr value, Shape shape) {
        if (Constants.evaluate(value) != null) return; // a scalar fills the whole tensor
        if (value instanceof Expr.ListOf list && shape.dims().size() == 1 && Objects.equals(shape.dims().get(0), list.elements().size())) {
            for (Expr e : list.elements()) {
                if (Constants.evaluate(e) == null) diagnostics.error(e.span(), "E061", "initial values must be numbers");
            }
            return;
        }
        diagnostics.error(value.span(), "E061", "the initial value does not fit shape " + shape,
                "give one number for every element, or one number for all");
    }

    /** The shape of an expression, or null when it depends on data or had an error. */
    private Shape shape(Expr expr, Map<String, Shape> scope, Map<String, Boolean> unknown) {
        return switch (expr) {
            case Expr.Number n -> Shape.SCALAR;
            case Expr.Name n -> {
                if (scope.containsKey(n.name())) yield scope.get(n.name());
                if (!unknown.containsKey(n.name())) {
                    List<String> known = new ArrayList<>(scope.keySet());
                    known.addAll(unknown.keySet());
                    diagnostics.error(n.span(), "E020", "unknown name `" + n.name() + "`", Spelling.didYouMean(n.name(), known));
                }
                yield null;
            }
            case Expr.Unary u -> shape(u.operand(), scope, unknown);
            case Expr.Index i -> {
                Shape s = shape(i.target(), scope, unknown);
                for (Expr e : i.indices()) {
                    if (ModelChecker.positiveInteger(e) == null && !(e instanceof Expr.Number num && num.value() == 0)) {
                        diagnostics.error(e.span(), "E061", "an index is a non-negative integer");
                    }
                }
                if (s == null) yield null;
                if (i.indices().size() > s.dims().size()) {
                    diagnostics.error(i.span(), "E061", "too many indices for " + s);
                    yield null;
                }
                for (int k = 0; k < i.indices().size(); k++) {
                    Double v = Constants.evaluate(i.indices().get(k));
                    if (v != null && s.dims().get(k) instanceof Integer size && v >= size) {
                        diagnostics.error(i.indices().get(k).span(), "E061", "index " + v.intValue() + " is out of range for size " + size);
                    }
                }
                yield new Shape(s.dims().subList(i.indices().size(), s.dims().size()));
            }
            case Expr.Binary b -> binary(b, scope, unknown);
            case Expr.Call c -> call(c, scope, unknown);
            default -> {
                diagnostics.error(expr.span(), "E054", "this expression has no meaning in an objective");
                yield null;
            }
        };
    }

    private Shape binary(Expr.Binary b, Map<String, Shape> scope, Map<String, Boolean> unknown) {
        Shape l = shape(b.left(), scope, unknown);
        Shape r = shape(b.right(), scope, unknown);
        if (l == null || r == null) return null;
        switch (b.op()) {
            case MATMUL -> {
                if (l.dims().size() != 2 || r.dims().isEmpty() || r.dims().size() > 2) {
                    diagnostics.error(b.span(), "E050", "`@` multiplies a matrix by a matrix or a vector, found " + l + " @ " + r);
                    return null;
                }
                if (!Objects.equals(l.dims().get(1), r.dims().get(0))) {
                    diagnostics.error(b.span(), "E050", "cannot multiply " + l + " by " + r, "the inner dimensions must agree");
                    return null;
                }
                List<Object> dims = new ArrayList<>(List.of(l.dims().get(0)));
                if (r.dims().size() == 2) dims.add(r.dims().get(1));
                return new Shape(dims);
            }
            case POWER -> {
                if (!r.scalar()) diagnostics.error(b.right().span(), "E050", "the exponent of `^` must be a scalar");
                return l;
            }
            case ADD, SUBTRACT, MULTIPLY, DIVIDE -> {
                if (l.scalar()) return r;
                if (r.scalar() || l.equals(r)) return l;
                diagnostics.error(b.span(), "E050", "cannot combine " + l + " and " + r + " with `" + b.op().symbol + "`",
                        "element-wise operations need equal shapes, or a scalar on one side");
                return null;
            }
            default -> {
                diagnostics.error(b.span(), "E054", "`" + b.op().symbol + "` has no meaning in an objective");
                return null;
            }
        }
    }

    private Shape call(Expr.Call c, Map<String, Shape> scope, Map<String, Boolean> unknown) {
        String fn = c.callee().text();
        if (!FUNCTIONS.contains(fn)) {
            diagnostics.error(c.callee().span(), "E021", "unknown function `" + fn + "`", Spelling.didYouMean(fn, FUNCTIONS));
            return null;
        }
        if (c.arguments().size() != 1 || c.arguments().get(0).name() != null) {
            diagnostics.error(c.span(), "E022", "`" + fn + "` takes one argument");
            return null;
        }
        Shape s = shape(c.arguments().get(0).value(), scope, unknown);
        if (s == null) return fn.equals("sum") || fn.equals("mean") ? Shape.SCALAR : null;
        return switch (fn) {
            case "sum", "mean" -> Shape.SCALAR;
            case "transpose" -> {
                if (s.dims().size() != 2) {
                    diagnostics.error(c.span(), "E050", "`transpose` takes a matrix, found " + s);
                    yield null;
                }
                yield new Shape(List.of(s.dims().get(1), s.dims().get(0)));
            }
            default -> s;
        };
    }
}
