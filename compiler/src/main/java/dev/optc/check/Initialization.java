package dev.optc.check;

import dev.optc.ast.Expr;
import dev.optc.diagnostics.Diagnostics;
import java.util.Map;

/**
 * How a weight starts: an initializer and its parameter (the gain of {@code orthogonal}, the k of {@code sparse}).
 * Biases start at a constant (`bias: 0.1`), not through this.
 */
public record Initialization(String kind, double parameter) {
    /** Each initializer, and the name of its parameter or null. */
    static final Map<String, String> KINDS = Map.of(
            "glorot_uniform", "", "glorot_normal", "", "uniform_fan_in", "", "he_uniform", "", "he_normal", "",
            "orthogonal", "gain", "sparse", "k", "lsuv", "");

    public static final Initialization DEFAULT = new Initialization("glorot_uniform", 0);

    /** `glorot_uniform`, `orthogonal(gain: 2)`, `sparse(15)`; null after an error (reported). */
    static Initialization check(Expr e, Diagnostics diagnostics) {
        String kind = e instanceof Expr.Name n ? n.name() : e instanceof Expr.Call c ? c.callee().text() : null;
        if (kind == null || !KINDS.containsKey(kind)) {
            String hint = kind == null ? null : Spelling.didYouMean(kind, KINDS.keySet());
            if (kind != null && kind.equals("from")) {
                diagnostics.error(e.span(), "E091", "initialization `" + kind + "` is not implemented in this version of optc",
                        "use one of " + String.join(", ", KINDS.keySet().stream().sorted().toList()));
                return null;
            }
            diagnostics.error(e instanceof Expr.Call c ? c.callee().span() : e.span(), "E013",
                    "unknown initialization `" + (kind != null ? kind : e.span().text()) + "`",
                    hint != null ? hint : "the initializations are " + String.join(", ", KINDS.keySet().stream().sorted().toList()));
            return null;
        }
        String parameterName = KINDS.get(kind);
        double parameter = kind.equals("orthogonal") ? 1.0 : 0.0;
        if (e instanceof Expr.Call c) {
            Arguments args = new Arguments(c, diagnostics);
            if (!parameterName.isEmpty()) parameter = args.number(0, parameterName, parameter);
            args.reportUnknown();
        }
        if (kind.equals("sparse") && (parameter < 1 || parameter != Math.rint(parameter))) {
            diagnostics.error(e.span(), "E023", "`sparse` needs the number of non-zero incoming weights per unit",
                    "for example `sparse(k: 15)` (Martens, 2010)");
            return null;
        }
        if (kind.equals("orthogonal") && !(parameter > 0)) {
            diagnostics.error(e.span(), "E023", "`orthogonal` needs a gain > 0");
            return null;
        }
        return new Initialization(kind, parameter);
    }
}
