package dev.optc.check;

import dev.optc.ast.Expr;
import dev.optc.diagnostics.Diagnostics;
import java.util.Set;

/** `plot = trajectories("valley.svg")`, for an objective of exactly two scalars (one `x: 2`, or two scalars). */
final class PlotChecker {
    private static final Set<String> PLOTS = Set.of("trajectories");

    private final Diagnostics diagnostics;

    PlotChecker(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    /** The plot, or null after an error. {@code objective} is null when it had errors of its own. */
    TrajectoryPlot check(Expr value, CheckedRecipe.ObjectiveChoice objective) {
        String kind = value instanceof Expr.Call c ? c.callee().text() : value instanceof Expr.Name n ? n.name() : null;
        if (kind == null || !PLOTS.contains(kind) || !(value instanceof Expr.Call call)) {
            String hint = kind == null ? null : Spelling.didYouMean(kind, PLOTS);
            diagnostics.error(value.span(), "E063", "`plot` takes `trajectories(\"file.svg\")`",
                    hint != null ? hint : "it draws J's contour lines and each optimizer's path into an SVG file");
            return null;
        }
        Arguments args = new Arguments(call, diagnostics);
        Expr file = args.get(0, "file");
        args.reportUnknown();
        if (!(file instanceof Expr.Str s) || !s.value().endsWith(".svg") || s.value().length() < 5) {
            diagnostics.error(file == null ? call.span() : file.span(), "E063", "`trajectories` needs the name of an SVG file",
                    "for example `trajectories(\"valley.svg\")`; it is written into the run's folder (--out)");
            return null;
        }
        if (objective != null) {
            int scalars = objective.graph().parameters().stream().mapToInt(p -> {
                int n = 1;
                for (int d : p.shape()) n *= d;
                return n;
            }).sum();
            if (scalars != 2) {
                diagnostics.error(value.span(), "E063", "`trajectories` draws paths in a plane, but objective `"
                        + objective.graph().name() + "` has " + scalars + " scalar parameter" + (scalars == 1 ? "" : "s"),
                        "plot an objective of two scalars (`x: 2`, or two scalars), or remove `plot`");
                return null;
            }
        }
        return new TrajectoryPlot(s.value(), value.span());
    }
}
