package dev.optc.runtime.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's report: one self-contained HTML page (no scripts, no fonts, no images to fetch) with inline SVG charts of
 * every figure {@link MetricsLog} recorded, a table of the final figures, and the recipe's source. It opens from a file,
 * an e-mail attachment or a CI artifact alike.
 */
public final class HtmlReport {
    private HtmlReport() { }

    private record KnownChart(String key, String title, String valueLabel, boolean linear) { }

    /** The extras' charts that come first, in this order; any other extra follows with a chart of its own. */
    private static final List<KnownChart> KNOWN = List.of(
            new KnownChart("lr", "Learning rate", "learning rate", true),
            new KnownChart("grad_norm", "Gradient norm", "L2 norm of the gradient", false),
            new KnownChart("weight_norm", "Weight norms", "L2 norm", false),
            new KnownChart("taylor", "Ill-conditioning (8.2.1): εgᵀg against ½ε²gᵀHg", "term of J(θ − εg)", false),
            new KnownChart("curvature", "gᵀg and gᵀHg on the monitoring batch", "value", false));

    /**
     * Writes the report of the run in {@code runDirectory} to {@code out}.
     *
     * @param recipeFile the recipe's source, shown at the end of the page; null to leave it out
     * @throws ReportException when the run directory, its metrics or the recipe cannot be read
     * @throws IOException       when the page cannot be written
     */
    public static void write(Path runDirectory, Path recipeFile, Path out) throws IOException {
        RunHistory history = RunHistory.read(runDirectory);
        String source = null;
        if (recipeFile != null) {
            if (!Files.isRegularFile(recipeFile)) throw new ReportException(recipeFile + ": no such recipe file");
            try {
                source = Files.readString(recipeFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ReportException(recipeFile + ": cannot read: " + e, e);
            }
        }
        String page = render(history, runDirectory.toString(), recipeFile == null ? null : recipeFile.toString(), source);
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(out, page, StandardCharsets.UTF_8);
    }

    static String render(RunHistory history, String runName, String recipeName, String recipeSource) {
        String recipe = history.run().get("recipe") instanceof String r ? r : runName;
        StringBuilder page = new StringBuilder();
        page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(escape(recipe)).append(" · optc run report</title>\n")
                .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n<main>\n");
        page.append("<h1>").append(escape(recipe)).append("</h1>\n");
        page.append("<p class=\"subtitle\">optc run report · ").append(escape(runName)).append("</p>\n");

        page.append("<section class=\"tables\">\n");
        runTable(history, page);
        finalTable(history, page);
        page.append("</section>\n");

        page.append("<section class=\"charts\">\n");
        for (LineChart chart : charts(history)) {
            page.append("<figure>\n<figcaption>").append(escape(chart.title())).append("</figcaption>\n")
                    .append(chart.svg()).append("\n</figure>\n");
        }
        page.append("</section>\n");

        if (recipeSource != null) {
            page.append("<section class=\"recipe\">\n<h2>Recipe <span class=\"file\">").append(escape(recipeName))
                    .append("</span></h2>\n<pre><code>").append(escape(recipeSource)).append("</code></pre>\n</section>\n");
        }
        return page.append("</main>\n</body>\n</html>\n").toString();
    }

    /** Every chart the run's figures call for; empty ones, and extras that never changed, left out. */
    static List<LineChart> charts(RunHistory history) {
        double[] epochs = history.series("epoch");
        List<LineChart> charts = new ArrayList<>();
        charts.add(new LineChart("Loss", "loss", epochs)
                .add("training", history.series("train_loss"))
                .add("validation", history.series("val_loss")));
        charts.add(new LineChart("Validation accuracy", "accuracy", epochs)
                .add("validation", history.series("val_accuracy")).linear());
        // Extras group by the part of their key before the first dot: weight_norm.h1.weight, weight_norm.h2.weight...
        Map<String, LineChart> groups = new LinkedHashMap<>();
        for (KnownChart known : KNOWN) {
            LineChart chart = new LineChart(known.title(), known.valueLabel(), epochs);
            groups.put(known.key(), known.linear() ? chart.linear() : chart);
        }
        for (String key : history.keys()) {
            if (MetricsLog.STANDARD_KEYS.contains(key)) continue;
            int dot = key.indexOf('.');
            String group = dot < 0 ? key : key.substring(0, dot);
            groups.computeIfAbsent(group, g -> new LineChart(g, g, epochs))
                    .add(seriesLabel(dot < 0 ? key : key.substring(dot + 1)), history.series(key));
        }
        charts.removeIf(LineChart::isEmpty);
        // A figure that never changed (sgd's constant lr, adam's betas) says all it has in the table of final figures.
        for (LineChart chart : groups.values()) if (!chart.isEmpty() && !chart.isFlat()) charts.add(chart);
        return charts;
    }

    /** The curvature figures' keys are ASCII for tools; their legends use the seed's notation. */
    private static String seriesLabel(String key) {
        return switch (key) {
            case "eps_gTg" -> "εgᵀg";
            case "half_eps2_gTHg" -> "½ε²gᵀHg";
            case "gTg" -> "gᵀg";
            case "gTHg" -> "gᵀHg";
            default -> key;
        };
    }

    private static void runTable(RunHistory history, StringBuilder page) {
        Map<String, Object> run = history.run();
        Map<String, Double> last = history.epochs().getLast();
        page.append("<table class=\"run\">\n<caption>Run</caption>\n");
        for (Map.Entry<String, Object> e : run.entrySet()) {
            Object v = e.getValue();
            row(page, e.getKey(), v instanceof Number n ? number(n.doubleValue()) : String.valueOf(v));
        }
        if (run.containsKey("started") && !run.containsKey("finished")) {
            row(page, "finished", "— (still running, or stopped before the end)");
        }
        Double planned = last.get("epochs");
        row(page, "epochs completed", plain(last.get("epoch"))
                + (planned != null && !planned.isNaN() ? " of " + plain(planned) : ""));
        if (last.containsKey("steps")) row(page, "steps", plain(last.get("steps")));
        double seconds = 0;
        for (double s : history.series("seconds")) if (Double.isFinite(s)) seconds += s;
        if (history.keys().contains("seconds")) row(page, "training time", String.format(Locale.ROOT, "%.1f s", seconds));
        page.append("</table>\n");
    }

    /** The last epoch's figures, and for losses and accuracies the best one and when it came. */
    private static void finalTable(RunHistory history, StringBuilder page) {
        Map<String, Double> last = history.epochs().getLast();
        double[] epochs = history.series("epoch");
        page.append("<table class=\"final\">\n<caption>Final figures</caption>\n")
                .append("<thead><tr><th>figure</th><th>last epoch</th><th>best</th><th>at epoch</th></tr></thead>\n<tbody>\n");
        for (String key : history.keys()) {
            if (key.equals("epoch") || key.equals("epochs") || key.equals("steps") || key.equals("seconds")) continue;
            double[] values = history.series(key);
            int best = -1;
            boolean lower = key.contains("loss");
            if (lower || key.contains("accuracy")) {
                for (int i = 0; i < values.length; i++) {
                    if (!Double.isFinite(values[i])) continue;
                    if (best < 0 || (lower ? values[i] < values[best] : values[i] > values[best])) best = i;
                }
            }
            Double v = last.get(key);
            page.append("<tr><th>").append(escape(figureName(key))).append("</th><td>")
                    .append(v == null || v.isNaN() ? "—" : number(v)).append("</td><td>")
                    .append(best < 0 ? "" : number(values[best])).append("</td><td>")
                    .append(best < 0 ? "" : plain(epochs[best])).append("</td></tr>\n");
        }
        page.append("</tbody>\n</table>\n");
    }

    private static String figureName(String key) {
        return switch (key) {
            case "train_loss" -> "training loss";
            case "val_loss" -> "validation loss";
            case "val_accuracy" -> "validation accuracy";
            case "lr" -> "learning rate";
            case "grad_norm" -> "gradient norm";
            default -> key.startsWith("weight_norm.") ? "weight norm " + key.substring("weight_norm.".length()) : key;
        };
    }

    private static void row(StringBuilder page, String name, String value) {
        page.append("<tr><th>").append(escape(name)).append("</th><td>").append(escape(value)).append("</td></tr>\n");
    }

    // ---- text ----

    /** Escapes text for HTML and SVG content and for attribute values in double quotes. */
    static String escape(String text) {
        if (text == null) return "";
        StringBuilder s = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> s.append("&lt;");
                case '>' -> s.append("&gt;");
                case '&' -> s.append("&amp;");
                case '"' -> s.append("&quot;");
                case '\'' -> s.append("&#39;");
                default -> s.append(c);
            }
        }
        return s.toString();
    }

    /** Four significant digits, in plain notation where that stays short. */
    static String number(double v) {
        if (!Double.isFinite(v)) return Double.isNaN(v) ? "—" : (v > 0 ? "∞" : "−∞");
        if (v == 0) return "0";
        double magnitude = Math.abs(v);
        if (magnitude >= 1e-3 && magnitude < 1e6) {
            String s = new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
            return s.startsWith("-") ? "−" + s.substring(1) : s;
        }
        return scientific(v, 3);
    }

    /** {@code 2.5e-4}: at most {@code digits} decimals in the mantissa, trailing zeros dropped. */
    static String scientific(double v, int digits) {
        String s = String.format(Locale.ROOT, "%." + digits + "e", v);
        int e = s.indexOf('e');
        String mantissa = s.substring(0, e);
        if (mantissa.contains(".")) mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        int exponent = Integer.parseInt(s.substring(e + 1));
        return (mantissa + "e" + exponent).replace('-', '−');
    }

    private static String plain(Double v) {
        if (v == null || v.isNaN()) return "—";
        return v == Math.rint(v) ? Long.toString(v.longValue()) : number(v);
    }

    private static final String STYLE = """
            :root { color-scheme: light; --ink: #1d232b; --muted: #5d6773; --rule: #dde2e8; --panel: #f6f8fa; }
            body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
                   color: var(--ink); background: #fff; }
            main { max-width: 1180px; margin: 0 auto; padding: 24px 20px 40px; }
            h1 { font-size: 26px; margin: 0; }
            h2 { font-size: 18px; margin: 28px 0 8px; }
            .subtitle { color: var(--muted); margin: 2px 0 20px; }
            .tables { display: flex; flex-wrap: wrap; gap: 16px 32px; align-items: flex-start; }
            table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
            caption { text-align: left; font-weight: 600; font-size: 15px; padding-bottom: 6px; }
            th, td { padding: 3px 12px 3px 0; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
            tbody th, .run th { font-weight: normal; color: var(--muted); }
            .final td { text-align: right; }
            thead th { font-size: 12px; color: var(--muted); font-weight: 600; }
            .final thead th:not(:first-child) { text-align: right; }
            .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 20px;
                      margin-top: 24px; }
            figure { margin: 0; padding: 10px 12px 4px; border: 1px solid var(--rule); border-radius: 6px; }
            figcaption { font-weight: 600; font-size: 15px; }
            svg { display: block; width: 100%; height: auto; font-size: 12px; fill: var(--ink); }
            svg .grid line { stroke: #e8ebef; stroke-width: 1; }
            svg .ticks line { stroke: var(--muted); }
            svg .ticks text { fill: var(--muted); }
            svg .axis { fill: none; stroke: var(--muted); stroke-width: 1; }
            svg .axis-label { fill: var(--muted); font-size: 12px; }
            svg .legend line { stroke-width: 2.5; }
            svg .series { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
            .recipe .file { font-weight: normal; color: var(--muted); font-size: 14px; }
            pre { background: var(--panel); border: 1px solid var(--rule); border-radius: 6px; padding: 12px 14px;
                  overflow-x: auto; font: 13px/1.5 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
            """;
}
