package dev.optc.check;

import dev.optc.ast.BodyStatement;
import dev.optc.ast.Decl;
import dev.optc.ast.Expr;
import dev.optc.check.ModelGraph.ActivationKind;
import dev.optc.diagnostics.Diagnostics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Shape inference through a model: every layer's width, residual widths equal, the output width as declared. */
public final class ModelChecker {
    static final Set<String> LAYERS = Set.of("dense", "relu", "leaky_relu", "sigmoid", "tanh", "softmax", "batchnorm",
            "maxout", "dropout");

    private final Diagnostics diagnostics;
    private final Set<String> failed = new java.util.HashSet<>();

    public ModelChecker(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    /** The graph, or null when the model has errors. */
    public ModelGraph check(Decl.ModelDecl decl) {
        int errorsBefore = diagnostics.errorCount();
        if (decl.inputs().isEmpty()) {
            diagnostics.error(decl.name().span(), "E053", "model `" + decl.name().text() + "` has no input",
                    "declare its input and width: `model " + decl.name().text() + "(x: 784) -> 10`");
            return null;
        }
        if (decl.inputs().size() > 1) {
            diagnostics.error(decl.inputs().get(1).span(), "E053", "a model takes one input (the features of an example)");
        }
        Decl.Param in = decl.inputs().get(0);
        Integer inWidth = in.type() == null ? null : positiveInteger(in.type());
        if (inWidth == null) {
            diagnostics.error(in.type() == null ? in.span() : in.type().span(), "E053",
                    "the input `" + in.name().text() + "` needs a width", "write it as `" + in.name().text() + ": 784`");
            return null;
        }
        ModelGraph.Input input = new ModelGraph.Input(in.name().text(), inWidth, in.span());
        Map<String, ModelGraph.Node> scope = new HashMap<>();
        scope.put(input.name(), input);
        failed.clear();
        Map<String, Integer> bindingCounts = new HashMap<>();
        Map<String, ModelGraph.Node> names = new LinkedHashMap<>();
        List<ModelGraph.Node> layers = new ArrayList<>();
        ModelGraph.Node output = null;
        for (BodyStatement s : decl.body()) {
            if (output != null) {
                diagnostics.error(s.span(), "E056", "statement after `return`", "`return` ends the model");
                break;
            }
            String binding = s instanceof BodyStatement.Bind b ? b.name().text() : "out";
            int count = bindingCounts.merge(binding, 1, Integer::sum);
            String layerName = count == 1 ? binding : binding + "_" + count;
            Naming naming = new Naming(layerName, names);
            Expr value = s instanceof BodyStatement.Bind b ? b.value() : ((BodyStatement.Return) s).value();
            ModelGraph.Node node = node(value, scope, naming, layers);
            if (s instanceof BodyStatement.Bind b) {
                if (node != null) {
                    scope.put(b.name().text(), node);
                    failed.remove(b.name().text());
                } else {
                    // Its error is reported; later uses of the name would only repeat it.
                    scope.remove(b.name().text());
                    failed.add(b.name().text());
                }
            } else {
                output = node;
                if (output == null) return null;
            }
        }
        if (output == null) {
            if (diagnostics.errorCount() == errorsBefore && decl.complete()) {
                diagnostics.error(decl.name().span(), "E055", "model `" + decl.name().text() + "` has no `return`",
                        "end the model with `return <output layer>`");
            }
            return null;
        }
        if (decl.output() != null) {
            Integer declared = positiveInteger(decl.output());
            if (declared == null) {
                diagnostics.error(decl.output().span(), "E051", "the output width must be a positive integer");
            } else if (declared != output.width()) {
                diagnostics.error(output.span(), "E051", "the model returns width " + output.width()
                        + " but declares `-> " + declared + "`", "the last layer must have " + declared + " units");
            }
        }
        if (diagnostics.errorCount() > errorsBefore) return null;
        return new ModelGraph(decl.name().text(), input, output, layers);
    }

    /** Names the parametrized layers of one binding: the first gets the binding's name, later ones a suffix. */
    private final class Naming {
        private final String base;
        private final Map<String, ModelGraph.Node> taken;
        private int used;

        Naming(String base, Map<String, ModelGraph.Node> taken) {
            this.base = base;
            this.taken = taken;
        }

        String next(String kind, Expr.Call call) {
            Expr.Argument explicit = call.named("name");
            String name;
            if (explicit != null) {
                if (!(explicit.value() instanceof Expr.Str s) || s.value().isBlank()) {
                    diagnostics.error(explicit.value().span(), "E058", "`name:` takes a string, such as `name: \"h1\"`");
                    return base;
                }
                name = s.value();
            } else {
                name = used == 0 ? base : base + "_" + kind;
                int n = 2;
                while (taken.containsKey(name)) name = base + "_" + kind + (n++);
            }
            used++;
            if (taken.containsKey(name)) {
                diagnostics.error(explicit != null ? explicit.value().span() : call.span(), "E057",
                        "two layers are named `" + name + "`", "give one of them another `name:`");
            }
            taken.put(name, null);
            return name;
        }
    }

    private ModelGraph.Node node(Expr expr, Map<String, ModelGraph.Node> scope, Naming naming, List<ModelGraph.Node> layers) {
        return switch (expr) {
            case Expr.Name n -> {
                ModelGraph.Node node = scope.get(n.name());
                if (node == null && !failed.contains(n.name())) {
                    diagnostics.error(n.span(), "E020", "unknown name `" + n.name() + "`",
                            Spelling.didYouMean(n.name(), scope.keySet()));
                }
                yield node;
            }
            case Expr.Call c -> call(c, scope, naming, layers);
            case Expr.Invalid i -> null;
            case Expr.Binary b when b.op() == Expr.BinaryOp.ADD -> {
                ModelGraph.Node l = node(b.left(), scope, naming, layers);
                ModelGraph.Node r = node(b.right(), scope, naming, layers);
                if (l == null || r == null) yield null;
                if (l.width() != r.width()) {
                    diagnostics.error(b.span(), "E050", "cannot add tensors of widths " + l.width() + " and " + r.width(),
                            "a residual connection `h + f(h)` needs both sides to have the same width");
                    yield null;
                }
                yield add(layers, new ModelGraph.Add(l, r, b.span()));
            }
            default -> {
                diagnostics.error(expr.span(), "E054", "not a layer expression",
                        "a model is built from layers (`dense`, `relu`, ...), names bound earlier, and `+` for residual connections");
                yield null;
            }
        };
    }

    private ModelGraph.Node call(Expr.Call c, Map<String, ModelGraph.Node> scope, Naming naming, List<ModelGraph.Node> layers) {
        String fn = c.callee().text();
        if (!LAYERS.contains(fn)) {
            diagnostics.error(c.callee().span(), "E021", "unknown layer `" + fn + "`", hintOrList(fn));
            return null;
        }
        List<Expr.Argument> positional = c.positional();
        if (positional.isEmpty()) {
            diagnostics.error(c.span(), "E022", "`" + fn + "` needs its input as the first argument", "write `" + fn + "(h, ...)`");
            return null;
        }
        ModelGraph.Node input = node(positional.get(0).value(), scope, naming, layers);
        Arguments args = new Arguments(c, diagnostics, 1);
        ModelGraph.Node result = switch (fn) {
            case "dense" -> {
                Integer units = args.positiveInteger(1, "units", true);
                Expr biasArg = args.get(-1, "bias");
                boolean bias = true;
                double biasInit = 0;
                if (biasArg instanceof Expr.Bool b) {
                    bias = b.value();
                } else if (biasArg != null) {
                    Double v = Constants.evaluate(biasArg);
                    if (v == null) diagnostics.error(biasArg.span(), "E023", "`bias` is `true`, `false` or the biases' initial value",
                            "for example `bias: 0.1` for ReLU units (8.4 of the seed)");
                    else biasInit = v;
                }
                Expr initArg = args.get(-1, "init");
                Initialization init = initArg == null ? null : Initialization.check(initArg, diagnostics);
                args.allow("name");
                if (input == null || units == null) yield null;
                yield new ModelGraph.Dense(input, units, bias, biasInit, init, naming.next("dense", c), c.span());
            }
            case "relu", "sigmoid", "tanh", "softmax" -> {
                yield input == null ? null : new ModelGraph.Activation(ActivationKind.valueOf(fn.toUpperCase()), input, 0, c.span());
            }
            case "leaky_relu" -> {
                double a = args.number(1, "a", 0.01);
                yield input == null ? null : new ModelGraph.Activation(ActivationKind.LEAKY_RELU, input, a, c.span());
            }
            case "batchnorm" -> {
                double momentum = args.number(-1, "momentum", 0.1);
                double eps = args.number(-1, "delta", 1e-5);
                args.allow("name");
                if (!(momentum > 0 && momentum <= 1)) {
                    diagnostics.error(c.span(), "E059", "batchnorm's `momentum` must be in (0, 1]", "PyTorch's default is 0.1");
                    yield null;
                }
                if (input instanceof ModelGraph.Dense d && d.bias()) {
                    diagnostics.warning(d.span(), "W002", "this dense layer's bias is redundant: the batchnorm after it subtracts the mean and adds its own β",
                            "write `dense(..., bias: false)` (8.7.1 of the seed)");
                }
                yield input == null ? null : new ModelGraph.BatchNorm(input, momentum, eps, naming.next("bn", c), c.span());
            }
            case "maxout" -> {
                Integer k = args.positiveInteger(1, "k", true);
                if (input == null || k == null) yield null;
                if (input.width() % k != 0) {
                    diagnostics.error(c.span(), "E050", "maxout(" + k + ") needs a width divisible by " + k + ", found " + input.width(),
                            "maxout takes the maximum of each group of k units");
                    yield null;
                }
                yield new ModelGraph.Maxout(input, k, c.span());
            }
            case "dropout" -> {
                double p = args.number(1, "p", Double.NaN);
                if (!(p >= 0 && p < 1)) {
                    diagnostics.error(c.span(), "E059", "dropout needs a probability `p` in [0, 1)");
                    yield null;
                }
                yield input == null ? null : new ModelGraph.Dropout(input, p, c.span());
            }
            default -> throw new IllegalStateException(fn);
        };
        args.reportUnknown();
        return result == null ? null : add(layers, result);
    }

    private static ModelGraph.Node add(List<ModelGraph.Node> layers, ModelGraph.Node node) {
        layers.add(node);
        return node;
    }

    private static String hintOrList(String fn) {
        String hint = Spelling.didYouMean(fn, LAYERS);
        return hint != null ? hint : "the layers are " + String.join(", ", LAYERS.stream().sorted().toList());
    }

    static Integer positiveInteger(Expr e) {
        Double v = Constants.evaluate(e);
        if (v == null || v != Math.rint(v) || v < 1 || v > Integer.MAX_VALUE) return null;
        return v.intValue();
    }
}
