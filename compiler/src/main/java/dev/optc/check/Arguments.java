package dev.optc.check;

import dev.optc.ast.Expr;
import dev.optc.diagnostics.Diagnostics;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the arguments of one call (`dense(h, 256, bias: false)`): positional by index or named, with a default,
 * reporting wrong types, and at the end every argument that nothing asked for.
 */
final class Arguments {
    private final Expr.Call call;
    private final Diagnostics diagnostics;
    private final Set<String> asked = new HashSet<>();
    private int positionalUsed;

    /** For calls whose positional arguments are all read through this object. */
    Arguments(Expr.Call call, Diagnostics diagnostics) {
        this(call, diagnostics, 0);
    }

    /** {@code consumed} leading positional arguments are read by the caller (a layer's input). */
    Arguments(Expr.Call call, Diagnostics diagnostics, int consumed) {
        this.call = call;
        this.diagnostics = diagnostics;
        this.positionalUsed = consumed;
    }

    /** The argument at {@code index} (positional) or named {@code name}; null when absent. */
    Expr get(int index, String name) {
        asked.add(name);
        Expr.Argument named = call.named(name);
        List<Expr.Argument> positional = call.positional();
        if (index >= 0 && index < positional.size()) {
            positionalUsed = Math.max(positionalUsed, index + 1);
            if (named != null) {
                diagnostics.error(named.span(), "E035", "`" + name + "` is given twice", "it is also the argument at position " + (index + 1));
            }
            return positional.get(index).value();
        }
        return named == null ? null : named.value();
    }

    Integer positiveInteger(int index, String name, boolean required) {
        Expr e = get(index, name);
        if (e == null) {
            if (required) {
                diagnostics.error(call.span(), "E022", "`" + call.callee().text() + "` needs `" + name + "`",
                        "for example `" + call.callee().text() + "(h, 128)`");
            }
            return null;
        }
        Integer v = ModelChecker.positiveInteger(e);
        if (v == null) diagnostics.error(e.span(), "E023", "`" + name + "` must be a positive integer");
        return v;
    }

    double number(int index, String name, double fallback) {
        Expr e = get(index, name);
        if (e == null) return fallback;
        Double v = Constants.evaluate(e);
        if (v == null) {
            diagnostics.error(e.span(), "E023", "`" + name + "` must be a number");
            return fallback;
        }
        return v;
    }

    boolean bool(String name, boolean fallback) {
        Expr e = get(-1, name);
        if (e == null) return fallback;
        if (e instanceof Expr.Bool b) return b.value();
        diagnostics.error(e.span(), "E023", "`" + name + "` must be `true` or `false`");
        return fallback;
    }

    void allow(String name) {
        asked.add(name);
    }

    void reportUnknown() {
        List<Expr.Argument> positional = call.positional();
        for (int i = positionalUsed; i < positional.size(); i++) {
            diagnostics.error(positional.get(i).span(), "E022", "too many arguments to `" + call.callee().text() + "`");
        }
        for (Expr.Argument a : call.arguments()) {
            if (a.name() != null && !asked.contains(a.name().text())) {
                String hint = Spelling.didYouMean(a.name().text(), asked);
                diagnostics.error(a.name().span(), "E025", "`" + call.callee().text() + "` has no argument `" + a.name().text() + "`",
                        hint != null ? hint : asked.isEmpty() ? null : "its arguments are " + String.join(", ", asked.stream().sorted().toList()));
            }
        }
    }
}
