package dev.optc.check;

import dev.optc.ast.Expr;
import dev.optc.diagnostics.Diagnostics;
import dev.optc.runtime.data.DataSource;
import java.util.Set;

/**
 * The data sources of `data = ...` and `test = ...`:
 * {@code csv("digits.csv", label: "class", scale: 1/16, validation: 0.2)},
 * {@code idx("/usr/share/datasets/fashion-mnist", split: "train", scale: 1/255, validation: 5000)},
 * {@code npy("features.npy", "labels.npy", scale: 1, validation: 0.1)}.
 */
final class DataSourceChecker {
    private final Diagnostics diagnostics;

    DataSourceChecker(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    /** The spec, or null after an error. {@code training}: whether a validation split may be held out of it. */
    CheckedRecipe.DataSpec check(Expr value, boolean training) {
        if (!(value instanceof Expr.Call c)) {
            diagnostics.error(value.span(), "E040", "a data source is `csv(...)`, `idx(...)` or `npy(...)`",
                    "for example `csv(\"digits.csv\", validation: 0.2)`");
            return null;
        }
        String format = c.callee().text();
        if (!RecipeSchema.DATA_FORMATS.contains(format)) {
            diagnostics.error(c.callee().span(), "E013", "unknown data source `" + format + "`",
                    hintOr(Spelling.didYouMean(format, RecipeSchema.DATA_FORMATS), "the data sources are csv, idx and npy"));
            return null;
        }
        Arguments args = new Arguments(c, diagnostics);
        String path = string(args, 0, format.equals("npy") ? "features" : "path", c, true);
        String labels = format.equals("npy") ? string(args, 1, "labels", c, true) : null;
        String label = format.equals("csv") ? string(args, -1, "label", c, false) : null;
        String split = format.equals("idx") ? string(args, -1, "split", c, false) : null;
        if (split == null && format.equals("idx")) split = training ? "train" : "t10k";
        if (split != null && !Set.of("train", "t10k").contains(split)) {
            diagnostics.error(args.get(-1, "split").span(), "E023", "`split` is \"train\" or \"t10k\"", "the two parts of an MNIST-style data set");
        }
        double scale = args.number(-1, "scale", 1.0);
        double validation = training ? args.number(-1, "validation", 0.0) : 0.0;
        args.reportUnknown();
        if (path == null || (format.equals("npy") && labels == null)) return null;
        if (validation < 0 || (validation >= 1 && validation != Math.rint(validation))) {
            diagnostics.error(args.get(-1, "validation").span(), "E023", "`validation` is a fraction in [0, 1) or a whole number of rows");
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            diagnostics.error(args.get(-1, "scale").span(), "E023", "`scale` must be a positive number");
        }
        return new CheckedRecipe.DataSpec(new DataSource(format, path, labels, label, split, scale, validation), c.span());
    }

    private String string(Arguments args, int index, String name, Expr.Call call, boolean required) {
        Expr e = args.get(index, name);
        if (e == null) {
            if (required) {
                diagnostics.error(call.span(), "E022", "`" + call.callee().text() + "` needs `" + name + "`", "paths are relative to the recipe file");
            }
            return null;
        }
        if (e instanceof Expr.Str s) return s.value();
        diagnostics.error(e.span(), "E023", "`" + name + "` takes a string");
        return null;
    }

    private static String hintOr(String hint, String fallback) {
        return hint != null ? hint : fallback;
    }
}
