package dev.optc.check;

import dev.optc.ast.Decl;
import dev.optc.ast.Expr;
import dev.optc.diagnostics.Diagnostics;
import dev.optc.runtime.train.EarlyStopping;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** `stop = early(...)` and `checkpoint = every(2 epochs) | best | [every(1 epochs), best]`. */
final class ProgressChecker {
    static final Set<String> WATCHED = Set.of("validation.loss", "validation.accuracy", "train.loss");

    static final Set<String> MONITORED = Set.of("loss", "accuracy", "grad_norm", "lr", "curvature");

    /**
     * What the recipe asks for; the defaults are no early stopping, no checkpoints during training, and the loss and
     * accuracy on the console.
     */
    public record Progress(EarlyStopping stop, int checkpointEvery, boolean checkpointBest, Set<String> monitor) {
        static final Progress NONE = new Progress(null, 0, false, Set.of("loss", "accuracy"));
    }

    private final Diagnostics diagnostics;

    ProgressChecker(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    Progress check(Map<String, Decl.Setting> settings) {
        EarlyStopping stop = settings.containsKey("stop") ? stop(settings.get("stop").value()) : null;
        int every = 0;
        boolean best = false;
        if (settings.containsKey("checkpoint")) {
            Expr e = settings.get("checkpoint").value();
            for (Expr item : e instanceof Expr.ListOf l ? l.elements() : List.of(e)) {
                if (item instanceof Expr.Name n && n.name().equals("best")) {
                    best = true;
                } else if (item instanceof Expr.Call c && c.callee().text().equals("every")) {
                    Arguments args = new Arguments(c, diagnostics);
                    Expr interval = args.get(0, "interval");
                    args.reportUnknown();
                    if (interval instanceof Expr.Quantity q && q.unit() == Expr.Unit.EPOCHS && q.value() >= 1 && q.value() == Math.rint(q.value())) {
                        every = (int) q.value();
                    } else {
                        diagnostics.error(interval == null ? c.span() : interval.span(), "E046", "`every` takes a whole number of epochs",
                                "for example `every(2 epochs)`");
                    }
                } else {
                    diagnostics.error(item.span(), "E040", "`checkpoint` takes `every(N epochs)`, `best`, or a list of them");
                }
            }
        }
        Set<String> monitor = Set.of("loss", "accuracy");
        if (settings.containsKey("monitor")) {
            Expr e = settings.get("monitor").value();
            java.util.Set<String> chosen = new java.util.LinkedHashSet<>();
            for (Expr item : e instanceof Expr.ListOf l ? l.elements() : List.of(e)) {
                String name = item instanceof Expr.Name n ? n.name() : null;
                if (name == null || !MONITORED.contains(name)) {
                    String hint = name == null ? null : Spelling.didYouMean(name, MONITORED);
                    diagnostics.error(item.span(), "E040", "`monitor` lists some of " + String.join(", ", MONITORED.stream().sorted().toList()),
                            hint);
                } else {
                    chosen.add(name);
                }
            }
            monitor = Set.copyOf(chosen);
        }
        return new Progress(stop, every, best, monitor);
    }

    private EarlyStopping stop(Expr e) {
        if (!(e instanceof Expr.Call c) || !c.callee().text().equals("early")) {
            diagnostics.error(e.span(), "E040", "`stop` takes `early(patience: 3, watch: validation.loss, min_delta: 0)`");
            return null;
        }
        Arguments args = new Arguments(c, diagnostics);
        Expr patienceArg = args.get(0, "patience");
        Integer patience = patienceArg == null ? Integer.valueOf(5) : ModelChecker.positiveInteger(patienceArg);
        Expr watchArg = args.get(-1, "watch");
        String watch = watchArg == null ? "validation.loss" : watchArg.span().text().replace(" ", "");
        double minDelta = args.number(-1, "min_delta", 0.0);
        args.reportUnknown();
        if (patience == null) {
            diagnostics.error(patienceArg.span(), "E023", "`patience` is a positive number of epochs");
            return null;
        }
        if (!WATCHED.contains(watch)) {
            String hint = Spelling.didYouMean(watch, WATCHED);
            diagnostics.error(watchArg.span(), "E023", "`early` watches one of " + String.join(", ", WATCHED.stream().sorted().toList()),
                    hint);
            return null;
        }
        if (minDelta < 0) {
            diagnostics.error(args.get(-1, "min_delta").span(), "E023", "`min_delta` must be ≥ 0");
            return null;
        }
        return new EarlyStopping(watch, patience, minDelta);
    }
}
