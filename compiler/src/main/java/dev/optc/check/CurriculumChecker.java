package dev.optc.check;

import dev.optc.ast.Expr;
import dev.optc.diagnostics.Diagnostics;
import dev.optc.runtime.data.DataException;
import dev.optc.runtime.data.DataSource;
import dev.optc.runtime.train.CurriculumData;
import dev.optc.runtime.train.CurriculumPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * `curriculum = difficulty(score: column("difficulty") | column(64) | loss_under("teacher.safetensors"),
 * pace: linear(from: 0.2, to: 1.0, over: 10 epochs) | step(from: 0.25, by: 0.25, every: 2 epochs, to: 1.0),
 * mode: fraction | stochastic, hard: 0.5)` (8.7.6). A score column is checked against the header of the recipe's CSV
 * when the file is there to read; it is then not a feature.
 */
final class CurriculumChecker {
    static final Set<String> SCORES = Set.of("column", "loss_under");
    static final Set<String> PACES = Set.of("linear", "step");
    static final Set<String> MODES = Set.of("fraction", "stochastic");

    private final Diagnostics diagnostics;

    CurriculumChecker(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    /**
     * The plan, or null after an error.
     *
     * @param data          the recipe's data, or null when it has errors
     * @param recipeDirectory where relative data paths start; null when unknown (the column is then checked at run time)
     */
    CurriculumPlan check(Expr value, CheckedRecipe.DataSpec data, Path recipeDirectory) {
        if (!(value instanceof Expr.Call c) || !c.callee().text().equals("difficulty")) {
            diagnostics.error(value.span(), "E040", "`curriculum` takes `difficulty(score: ..., pace: ...)`",
                    "for example `difficulty(score: column(\"difficulty\"), pace: linear(from: 0.2, to: 1.0, over: 10 epochs))`");
            return null;
        }
        int errorsBefore = diagnostics.errorCount();
        Arguments args = new Arguments(c, diagnostics);
        Expr scoreArg = args.get(0, "score");
        Expr paceArg = args.get(1, "pace");
        Expr modeArg = args.get(-1, "mode");
        double hard = args.number(-1, "hard", 0.5);
        args.reportUnknown();
        if (scoreArg == null) diagnostics.error(c.span(), "E022", "`difficulty` needs `score`", "for example `score: column(\"difficulty\")`");
        if (paceArg == null) diagnostics.error(c.span(), "E022", "`difficulty` needs `pace`", "for example `pace: linear(from: 0.2, to: 1.0, over: 10 epochs)`");
        String mode = "fraction";
        if (modeArg != null) {
            String name = modeArg instanceof Expr.Name n ? n.name() : null;
            if (name == null || !MODES.contains(name)) {
                diagnostics.error(modeArg.span(), "E023", "`mode` is `fraction` (only the easiest share is drawn) or `stochastic` "
                        + "(hard examples drawn with a growing weight)", name == null ? null : Spelling.didYouMean(name, MODES));
            } else {
                mode = name;
            }
        }
        if (!(hard > 0 && hard < 1)) {
            diagnostics.error(args.get(-1, "hard").span(), "E023", "`hard` is the share of examples counted as hard, in (0, 1)");
        } else if (c.named("hard") != null && !mode.equals("stochastic") && (modeArg == null || mode.equals("fraction"))
                && (modeArg == null || modeArg instanceof Expr.Name n && n.name().equals("fraction"))) {
            diagnostics.error(c.named("hard").span(), "E023", "`hard` splits the examples for `mode: stochastic` only",
                    "remove it, or write `mode: stochastic`");
        }
        Score score = scoreArg == null ? null : score(scoreArg, data, recipeDirectory);
        Pace pace = paceArg == null ? null : pace(paceArg);
        if (diagnostics.errorCount() > errorsBefore || score == null || pace == null) return null;
        return new CurriculumPlan(score.kind, score.name, score.index, pace.kind, pace.from, pace.to, pace.span, pace.by, mode, hard);
    }

    private record Score(String kind, String name, int index) {
    }

    private record Pace(String kind, double from, double to, int span, double by) {
    }

    private Score score(Expr e, CheckedRecipe.DataSpec data, Path recipeDirectory) {
        if (e instanceof Expr.Name n && n.name().equals("teacher_loss")) {
            diagnostics.error(e.span(), "E091", "`teacher_loss` scores by the recipe's `teacher`, which this version of optc does not carry out",
                    "read the teacher's weights yourself: `score: loss_under(\"teacher.safetensors\")`");
            return null;
        }
        String name = e instanceof Expr.Call c ? c.callee().text() : e instanceof Expr.Name n ? n.name() : null;
        if (!(e instanceof Expr.Call c) || !SCORES.contains(name)) {
            String hint = name == null ? null : Spelling.didYouMean(name, SCORES);
            diagnostics.error(e instanceof Expr.Call call ? call.callee().span() : e.span(), "E013",
                    "a difficulty score is `column(\"name\")`, `column(index)` or `loss_under(\"weights.safetensors\")`",
                    hint != null ? hint : "scores come from a column of the data or from the loss under a trained model");
            return null;
        }
        Arguments args = new Arguments(c, diagnostics);
        Expr arg = args.get(0, name.equals("column") ? "column" : "weights");
        args.reportUnknown();
        if (arg == null) {
            diagnostics.error(c.span(), "E022", "`" + name + "` needs " + (name.equals("column") ? "a column's name or 0-based index" : "a weights file"));
            return null;
        }
        if (name.equals("loss_under")) {
            if (!(arg instanceof Expr.Str s)) {
                diagnostics.error(arg.span(), "E023", "`loss_under` takes the path of a weights file, a string",
                        "for example `loss_under(\"teacher.safetensors\")`, relative to the recipe");
                return null;
            }
            return new Score("loss_under", s.value(), -1);
        }
        Score score;
        if (arg instanceof Expr.Str s) {
            score = new Score("column", s.value(), -1);
        } else {
            Double v = Constants.evaluate(arg);
            if (v == null || v < 0 || v != Math.rint(v) || v > Integer.MAX_VALUE) {
                diagnostics.error(arg.span(), "E023", "`column` takes a column's name (a string) or its 0-based index (a whole number ≥ 0)");
                return null;
            }
            score = new Score("column", null, v.intValue());
        }
        if (data != null) checkAgainstData(score, arg, data, recipeDirectory);
        return score;
    }

    /** The column must be in the CSV, and not its label: checked when the file can be read now. */
    private void checkAgainstData(Score score, Expr arg, CheckedRecipe.DataSpec data, Path recipeDirectory) {
        DataSource source = data.source();
        if (!source.format().equals("csv")) {
            diagnostics.error(arg.span(), "E065", "a score column needs `csv` data; this recipe's data is `" + source.format() + "`",
                    "score by `loss_under(\"weights.safetensors\")` instead");
            return;
        }
        if (recipeDirectory == null) return;
        Path file = recipeDirectory.resolve(source.path()).normalize();
        if (!Files.isRegularFile(file)) return; // reported when training loads it
        List<String> names;
        try {
            names = CurriculumData.header(file);
        } catch (DataException e) {
            return;
        }
        int label = source.label() == null ? names.size() - 1 : names.indexOf(source.label());
        int column = score.name() != null ? names.indexOf(score.name()) : score.index();
        String what = score.name() != null ? "no column named \"" + score.name() + "\"" : "no column " + score.index();
        if (column < 0 || column >= names.size()) {
            String hint = score.name() != null ? Spelling.didYouMean(score.name(), Set.copyOf(names)) : null;
            diagnostics.error(arg.span(), "E065", source.path() + " has " + what,
                    hint != null ? hint : "its " + names.size() + " columns are "
                            + (names.size() <= 8 ? String.join(", ", names) : "numbered 0 to " + (names.size() - 1)));
        } else if (column == label) {
            diagnostics.error(arg.span(), "E065", "column `" + names.get(column) + "` of " + source.path() + " is the label, not a difficulty score",
                    "give the column that holds each example's difficulty");
        }
    }

    private Pace pace(Expr e) {
        String name = e instanceof Expr.Call c ? c.callee().text() : e instanceof Expr.Name n ? n.name() : null;
        if (!(e instanceof Expr.Call c) || !PACES.contains(name)) {
            String hint = name == null ? null : Spelling.didYouMean(name, PACES);
            diagnostics.error(e.span(), "E013", "a pace is `linear(from: 0.2, to: 1.0, over: 10 epochs)` or "
                    + "`step(from: 0.25, by: 0.25, every: 2 epochs)`", hint);
            return null;
        }
        Arguments args = new Arguments(c, diagnostics);
        boolean linear = name.equals("linear");
        double from = share(args, "from", linear ? 0.2 : 0.25);
        double to = share(args, "to", 1.0);
        double by = linear ? 0 : share(args, "by", 0.25);
        String spanName = linear ? "over" : "every";
        Expr spanArg = args.get(-1, spanName);
        args.reportUnknown();
        int span = 0;
        if (spanArg == null) {
            diagnostics.error(c.span(), "E022", "`" + name + "` needs `" + spanName + "`", "for example `" + spanName + ": 10 epochs`");
        } else if (spanArg instanceof Expr.Quantity q && q.unit() == Expr.Unit.EPOCHS && q.value() >= 1 && q.value() == Math.rint(q.value())) {
            span = (int) q.value();
        } else {
            diagnostics.error(spanArg.span(), "E046", "`" + spanName + "` takes a whole number of epochs",
                    "for example `" + spanName + ": 10 epochs`: the curriculum moves on between epochs");
        }
        if (Double.isNaN(from) || Double.isNaN(to) || Double.isNaN(by) || span == 0) return null;
        return new Pace(name, from, to, span, by);
    }

    /** A pace's value: the share of the data, or the weight of hard examples, so in [0, 1]; NaN after an error. */
    private double share(Arguments args, String name, double fallback) {
        Expr e = args.get(-1, name);
        if (e == null) return fallback;
        Double v = Constants.evaluate(e);
        if (v == null) {
            diagnostics.error(e.span(), "E023", "`" + name + "` must be a number");
            return Double.NaN;
        }
        if (v < 0 || v > 1) {
            diagnostics.error(e.span(), "E023", "`" + name + "` is " + e.span().text() + ", outside [0, 1]",
                    "a pace is a share of the examples (mode: fraction) or a weight of the hard ones (mode: stochastic)");
            return Double.NaN;
        }
        return v;
    }
}
