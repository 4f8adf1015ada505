package dev.optc.check;

import dev.optc.ast.BodyStatement;
import dev.optc.ast.Decl;
import dev.optc.ast.Expr;
import dev.optc.check.ObjectiveGraph.Node;
import dev.optc.diagnostics.Diagnostics;
import dev.optc.diagnostics.SourceSpan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Shapes through an objective: parameters are scalars, vectors or matrices (`x: 2 = [3, -2]`, `W: [16, 64]`; a
 * dimension may be a name such as `n`), hyperparameters are scalars (`alpha = 0.01`), `X: data` takes its shape from
 * the data. The result must be a scalar. When every shape is known, the objective becomes an {@link ObjectiveGraph}.
 */
public final class ObjectiveChecker {
    static final Set<String> FUNCTIONS = Set.of("abs", "exp", "log", "sqrt", "sum", "mean", "transpose");

    /** The mark of a dimension that comes from the data, so is not known before it is read. */
    private static final String DATA = "?";

    /**
     * Whether two dimensions can be equal: the same, or one of them not known before the data is read. A named
     * dimension (`n` of `H: [16, n]`) met with a number is bound to it, for {@link #check(Decl.ObjectiveDecl, Map)}.
     */
    boolean agree(Object a, Object b) {
        if (a instanceof String s && !s.startsWith(DATA) && b instanceof Integer i) bindings.putIfAbsent(s, i);
        if (b instanceof String s && !s.startsWith(DATA) && a instanceof Integer i) bindings.putIfAbsent(s, i);
        return Objects.equals(a, b) || a instanceof String s && s.startsWith(DATA) || b instanceof String t && t.startsWith(DATA);
    }

    boolean agree(Shape a, Shape b) {
        if (a.dims().size() != b.dims().size()) return false;
        for (int i = 0; i < a.dims().size(); i++) if (!agree(a.dims().get(i), b.dims().get(i))) return false;
        return true;
    }

    /** A shape: dimensions that are integers or names. */
    record Shape(List<Object> dims) {
        static final Shape SCALAR = new Shape(List.of());

        boolean scalar() { return dims.isEmpty(); }

        boolean known() { return dims.stream().allMatch(d -> d instanceof Integer); }

        int[] ints() { return dims.stream().mapToInt(d -> (Integer) d).toArray(); }

        @Override
        public String toString() {
            return dims.isEmpty() ? "a scalar" : dims.toString().replace(" ", "");
        }
    }

    /** A checked value: its shape, and its graph node when every shape below it is known. */
    private record Value(Shape shape, Node node) {
    }

    private final Diagnostics diagnostics;
    private final Set<String> failed = new HashSet<>();
    /** Named dimensions bound to numbers: found by one pass with the data's shapes, used by the next. */
    private final Map<String, Integer> bindings = new HashMap<>();
    /** The data inputs' shapes and sources, when a recipe gave them. */
    private Map<String, DataInputs.Input> data = Map.of();

    public ObjectiveChecker(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    /** The graph, or null when the objective has errors or depends on data. */
    public ObjectiveGraph check(Decl.ObjectiveDecl decl) {
        data = Map.of();
        bindings.clear();
        return checkOnce(decl);
    }

    /**
     * The graph of an objective over data, its data inputs given: a first pass binds the named dimensions by meeting
     * them with the data's (`transpose(W) @ H` against X [64, 1797] binds n = 1797), a second builds the graph.
     */
    ObjectiveGraph check(Decl.ObjectiveDecl decl, Map<String, DataInputs.Input> inputs) {
        data = inputs;
        bindings.clear();
        Map<String, Integer> found = new HashMap<>();
        for (int pass = 0; pass < 3; pass++) {
            new ObjectiveChecker(new Diagnostics(), inputs, found).checkOnce(decl);
        }
        bindings.putAll(found);
        return checkOnce(decl);
    }

    private ObjectiveChecker(Diagnostics diagnostics, Map<String, DataInputs.Input> inputs, Map<String, Integer> bindings) {
        this.diagnostics = diagnostics;
        this.data = inputs;
        this.bindings.putAll(bindings);
        this.shared = bindings;
    }

    /** Where a binding pass leaves what it found. */
    private Map<String, Integer> shared;

    private ObjectiveGraph checkOnce(Decl.ObjectiveDecl decl) {
        ObjectiveGraph graph = checkBody(decl);
        if (shared != null) shared.putAll(bindings);
        return graph;
    }

    private ObjectiveGraph checkBody(Decl.ObjectiveDecl decl) {
        int errorsBefore = diagnostics.errorCount();
        failed.clear();
        Map<String, Value> scope = new HashMap<>();
        List<ObjectiveGraph.Parameter> parameters = new ArrayList<>();
        List<String> hyperparameters = new ArrayList<>();
        for (Decl.Param p : decl.params()) {
            String name = p.name().text();
            if (scope.containsKey(name) || failed.contains(name)) {
                diagnostics.error(p.name().span(), "E035", "`" + name + "` is declared twice");
                continue;
            }
            if (p.type() == null) {
                Double v = p.value() == null ? null : Constants.evaluate(p.value());
                if (v == null) {
                    diagnostics.error(p.span(), "E036", "`" + name + "` needs a shape or a numeric value",
                            "a parameter is `x: 2 = [3, -2]`, a hyperparameter `alpha = 0.01`, data `X: data`");
                    failed.add(name);
                    continue;
                }
                hyperparameters.add(name);
                scope.put(name, new Value(Shape.SCALAR, new ObjectiveGraph.Hyperparameter(name, v, p.span())));
            } else if (p.type() instanceof Expr.Name n && n.name().equals("data")) {
                DataInputs.Input input = data.get(name);
                if (input != null) {
                    Shape shape = new Shape(List.of(input.shape()[0], input.shape()[1]));
                    scope.put(name, new Value(shape, new ObjectiveGraph.Data(name, input.shape(), input.source(), p.span())));
                } else {
                    // Known only when the data is read: these dimensions agree with any other.
                    scope.put(name, new Value(new Shape(List.of(DATA + name + ".rows", DATA + name + ".columns")), null));
                }
            } else {
                Shape shape = declaredShape(p.type());
                if (shape == null) {
                    failed.add(name);
                    continue;
                }
                double uniform = uniform(p.value());
                double[] initial = p.value() == null || uniform != 0 ? new double[] {0} : initial(p.value(), shape);
                if (initial == null) {
                    failed.add(name);
                    continue;
                }
                Node node = null;
                if (shape.known()) {
                    ObjectiveGraph.Parameter parameter = new ObjectiveGraph.Parameter(name, shape.ints(), initial, p.span(), uniform);
                    parameters.add(parameter);
                    node = parameter;
                }
                scope.put(name, new Value(shape, node));
            }
        }
        Value result = null;
        for (BodyStatement s : decl.body()) {
            if (result != null) {
                diagnostics.error(s.span(), "E056", "statement after `return`");
                break;
            }
            switch (s) {
                case BodyStatement.Bind b -> {
                    Value v = value(b.value(), scope);
                    if (v != null) {
                        scope.put(b.name().text(), v);
                        failed.remove(b.name().text());
                    } else {
                        scope.remove(b.name().text());
                        failed.add(b.name().text());
                    }
                }
                case BodyStatement.Return r -> {
                    result = value(r.value(), scope);
                    if (result != null && !result.shape().scalar()) {
                        diagnostics.error(r.value().span(), "E060", "an objective must return a scalar, found " + result.shape(),
                                "reduce it with `sum(...)` or `mean(...)`");
                        result = null;
                    }
                    if (result == null) result = new Value(Shape.SCALAR, null);
                }
            }
        }
        if (result == null && decl.complete()) {
            diagnostics.error(decl.name().span(), "E055", "objective `" + decl.name().text() + "` has no `return`",
                    "end it with `return <scalar expression>`");
        }
        if (result == null || result.node() == null || diagnostics.errorCount() > errorsBefore) return null;
        return new ObjectiveGraph(decl.name().text(), List.copyOf(parameters), List.copyOf(hyperparameters), result.node());
    }

    private Shape declaredShape(Expr type) {
        Integer n = ModelChecker.positiveInteger(type);
        if (n != null) return new Shape(List.of(n));
        if (type instanceof Expr.ListOf list && !list.elements().isEmpty() && list.elements().size() <= 2) {
            List<Object> dims = new ArrayList<>();
            for (Expr e : list.elements()) {
                Integer d = ModelChecker.positiveInteger(e);
                if (d != null) dims.add(d);
                else if (e instanceof Expr.Name name) dims.add(bindings.containsKey(name.name()) ? bindings.get(name.name()) : name.name());
                else {
                    diagnostics.error(e.span(), "E061", "a dimension is a positive integer or a name");
                    return null;
                }
            }
            return new Shape(dims);
        }
        diagnostics.error(type.span(), "E061", "a shape is a size (`2`), a list of one or two sizes (`[16, 64]`) or `data`");
        return null;
    }

    /**
     * The half-width a of an initial value `uniform(a)`, drawn from U(−a, a) by the recipe's seed: what breaks the
     * symmetry between a dictionary's atoms. 0 when the value is something else, or -1 after an error (reported).
     */
    private double uniform(Expr value) {
        if (!(value instanceof Expr.Call c) || !c.callee().text().equals("uniform")) return 0;
        Double a = c.arguments().size() == 1 && c.arguments().get(0).name() == null ? Constants.evaluate(c.arguments().get(0).value()) : null;
        if (a == null || !(a > 0) || Double.isInfinite(a)) {
            diagnostics.error(c.span(), "E061", "`uniform` takes one positive number, the half-width a of U(−a, a)",
                    "for example `W: [16, 64] = uniform(0.1)`");
            return -1;
        }
        return a;
    }

    private double[] initial(Expr value, Shape shape) {
        Double scalar = Constants.evaluate(value);
        if (scalar != null) return new double[] {scalar}; // one number fills the whole tensor
        if (value instanceof Expr.ListOf list && shape.dims().size() == 1 && Objects.equals(shape.dims().get(0), list.elements().size())) {
            double[] values = new double[list.elements().size()];
            for (int i = 0; i < values.length; i++) {
                Double v = Constants.evaluate(list.elements().get(i));
                if (v == null) {
                    diagnostics.error(list.elements().get(i).span(), "E061", "initial values must be numbers");
                    return null;
                }
                values[i] = v;
            }
            return values;
        }
        diagnostics.error(value.span(), "E061", "the initial value does not fit shape " + shape,
                "give one number for every element, or one number for all");
        return null;
    }

    /** The value of an expression, or null after an error (reported once). */
    private Value value(Expr expr, Map<String, Value> scope) {
        return switch (expr) {
            case Expr.Number n -> new Value(Shape.SCALAR, new ObjectiveGraph.Constant(n.value(), n.span()));
            case Expr.Invalid i -> null;
            case Expr.Name n -> {
                Value v = scope.get(n.name());
                if (v == null && !failed.contains(n.name())) {
                    diagnostics.error(n.span(), "E020", "unknown name `" + n.name() + "`", Spelling.didYouMean(n.name(), scope.keySet()));
                }
                yield v;
            }
            case Expr.Unary u when u.op() == Expr.UnaryOp.NEGATE -> {
                Value v = value(u.operand(), scope);
                yield v == null ? null : new Value(v.shape(), v.node() == null ? null
                        : new ObjectiveGraph.Unary(ObjectiveGraph.UnaryOp.NEGATE, v.node(), u.span()));
            }
            case Expr.Index i -> index(i, scope);
            case Expr.Binary b -> binary(b, scope);
            case Expr.Call c -> call(c, scope);
            default -> {
                diagnostics.error(expr.span(), "E054", "this expression has no meaning in an objective",
                        "an objective is arithmetic on its parameters with sum, mean, abs, exp, log, sqrt, transpose, ^ and @");
                yield null;
            }
        };
    }

    private Value index(Expr.Index i, Map<String, Value> scope) {
        Value target = value(i.target(), scope);
        List<Integer> at = new ArrayList<>();
        for (Expr e : i.indices()) {
            Double v = Constants.evaluate(e);
            if (v == null || v < 0 || v != Math.rint(v)) {
                diagnostics.error(e.span(), "E061", "an index is a non-negative integer");
                return null;
            }
            at.add(v.intValue());
        }
        if (target == null) return null;
        Shape s = target.shape();
        if (at.size() > s.dims().size()) {
            diagnostics.error(i.span(), "E061", "too many indices for " + s);
            return null;
        }
        int offset = 0;
        for (int k = 0; k < at.size(); k++) {
            if (s.dims().get(k) instanceof Integer size && at.get(k) >= size) {
                diagnostics.error(i.indices().get(k).span(), "E061", "index " + at.get(k) + " is out of range for size " + size);
                return null;
            }
        }
        Shape result = new Shape(s.dims().subList(at.size(), s.dims().size()));
        if (target.node() == null || !s.known()) return new Value(result, null);
        int[] dims = s.ints();
        int stride = 1;
        for (int k = dims.length - 1; k >= 0; k--) {
            if (k < at.size()) offset += at.get(k) * stride;
            stride *= dims[k];
        }
        return new Value(result, new ObjectiveGraph.Index(target.node(), offset, result.ints(), i.span()));
    }

    private Value binary(Expr.Binary b, Map<String, Value> scope) {
        Value l = value(b.left(), scope);
        Value r = value(b.right(), scope);
        if (l == null || r == null) return null;
        Shape ls = l.shape(), rs = r.shape();
        switch (b.op()) {
            case MATMUL -> {
                if (ls.dims().size() != 2 || rs.dims().isEmpty() || rs.dims().size() > 2) {
                    diagnostics.error(b.span(), "E050", "`@` multiplies a matrix by a matrix or a vector, found " + ls + " @ " + rs);
                    return null;
                }
                if (!agree(ls.dims().get(1), rs.dims().get(0))) {
                    diagnostics.error(b.span(), "E050", "cannot multiply " + ls + " by " + rs, "the inner dimensions must agree");
                    return null;
                }
                List<Object> dims = new ArrayList<>(List.of(ls.dims().get(0)));
                if (rs.dims().size() == 2) dims.add(rs.dims().get(1));
                Shape shape = new Shape(dims);
                return new Value(shape, both(l, r) && shape.known()
                        ? new ObjectiveGraph.MatMul(l.node(), r.node(), shape.ints(), b.span()) : null);
            }
            case POWER, ADD, SUBTRACT, MULTIPLY, DIVIDE -> {
                Shape shape;
                if (b.op() == Expr.BinaryOp.POWER && !rs.scalar()) {
                    diagnostics.error(b.right().span(), "E050", "the exponent of `^` must be a scalar");
                    return null;
                }
                if (ls.scalar()) shape = rs;
                else if (rs.scalar() || ls.equals(rs)) shape = ls;
                else if (agree(ls, rs)) shape = ls.known() ? ls : rs;
                else {
                    diagnostics.error(b.span(), "E050", "cannot combine " + ls + " and " + rs + " with `" + b.op().symbol + "`",
                            "element-wise operations need equal shapes, or a scalar on one side");
                    return null;
                }
                ObjectiveGraph.BinaryOp op = ObjectiveGraph.BinaryOp.valueOf(b.op().name());
                return new Value(shape, both(l, r) && shape.known()
                        ? new ObjectiveGraph.Binary(op, l.node(), r.node(), shape.ints(), b.span()) : null);
            }
            default -> {
                diagnostics.error(b.span(), "E054", "`" + b.op().symbol + "` has no meaning in an objective");
                return null;
            }
        }
    }

    private Value call(Expr.Call c, Map<String, Value> scope) {
        String fn = c.callee().text();
        if (!FUNCTIONS.contains(fn)) {
            String hint = Spelling.didYouMean(fn, FUNCTIONS);
            diagnostics.error(c.callee().span(), "E021", "unknown function `" + fn + "`",
                    hint != null ? hint : "the functions of objectives are " + String.join(", ", FUNCTIONS.stream().sorted().toList()));
            return null;
        }
        if (c.arguments().size() != 1 || c.arguments().get(0).name() != null) {
            diagnostics.error(c.span(), "E022", "`" + fn + "` takes one argument");
            return null;
        }
        Value v = value(c.arguments().get(0).value(), scope);
        if (v == null) return null;
        Shape s = v.shape();
        Node n = v.node();
        SourceSpan span = c.span();
        return switch (fn) {
            case "sum", "mean" -> new Value(Shape.SCALAR, n == null ? null : new ObjectiveGraph.Reduce(fn.equals("mean"), n, span));
            case "transpose" -> {
                if (s.dims().size() != 2) {
                    diagnostics.error(span, "E050", "`transpose` takes a matrix, found " + s);
                    yield null;
                }
                Shape t = new Shape(List.of(s.dims().get(1), s.dims().get(0)));
                yield new Value(t, n == null || !t.known() ? null : new ObjectiveGraph.Transpose(n, t.ints(), span));
            }
            default -> new Value(s, n == null ? null
                    : new ObjectiveGraph.Unary(ObjectiveGraph.UnaryOp.valueOf(fn.toUpperCase()), n, span));
        };
    }

    private static boolean both(Value a, Value b) {
        return a.node() != null && b.node() != null;
    }

    static String describe(int[] shape) {
        return shape.length == 0 ? "a scalar" : Arrays.toString(shape).replace(" ", "");
    }
}
