package dev.optc.runtime.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlReportTest {

    @TempDir
    Path dir;

    /** Five epochs written by hand; epoch 3 has no validation loss, so that line breaks in two. */
    private static final String METRICS = """
            {"epoch":1,"epochs":5,"train_loss":2.3,"val_loss":2.1,"val_accuracy":0.2,"seconds":0.5,"steps":10,"lr":0.1,"grad_norm":4.0,"weight_norm.h1.weight":1.0,"weight_norm.out.weight":0.5}
            {"epoch":2,"epochs":5,"train_loss":1.2,"val_loss":1.3,"val_accuracy":0.6,"seconds":0.5,"steps":20,"lr":0.08,"grad_norm":2.5,"weight_norm.h1.weight":1.5,"weight_norm.out.weight":0.7}
            {"epoch":3,"epochs":5,"train_loss":0.6,"val_loss":null,"val_accuracy":0.7,"seconds":0.5,"steps":30,"lr":0.06,"grad_norm":1.5,"weight_norm.h1.weight":1.8,"weight_norm.out.weight":0.8}

            {"epoch":4,"epochs":5,"train_loss":0.3,"val_loss":0.5,"val_accuracy":0.8,"seconds":0.5,"steps":40,"lr":0.04,"grad_norm":1.0,"weight_norm.h1.weight":2.0,"weight_norm.out.weight":0.9}
            {"epoch":5,"epochs":5,"train_loss":0.1,"val_loss":0.4,"val_accuracy":0.85,"seconds":0.5,"steps":50,"lr":0.02,"grad_norm":0.5,"weight_norm.h1.weight":2.1,"weight_norm.out.weight":1.0}
            """;

    private Path run(String metrics) throws IOException {
        Path run = dir.resolve("run");
        Files.createDirectories(run);
        Files.writeString(run.resolve("metrics.jsonl"), metrics);
        Files.writeString(run.resolve("run.json"), "{\"recipe\":\"tiny\",\"started\":\"2025-01-01T00:00:00Z\",\"batch\":\"32\"}\n");
        return run;
    }

    @Test
    void oneChartPerFigureWithEveryPoint() throws IOException {
        Path run = run(METRICS);
        Path recipe = dir.resolve("tiny.opt");
        Files.writeString(recipe, "recipe tiny { epochs = 5 } // a < b && c > d\n");
        Path out = dir.resolve("out/report.html");
        HtmlReport.write(run, recipe, out);
        String html = Files.readString(out);

        List<String> svgs = between(html, "<svg", "</svg>");
        assertEquals(List.of("Loss", "Validation accuracy", "Learning rate", "Gradient norm", "Weight norms"),
                between(html, "<figcaption>", "</figcaption>"));
        assertEquals(5, svgs.size());
        assertEquals(Map.of("training", List.of(5), "validation", List.of(2, 2)), pathPoints(svgs.get(0)));
        assertEquals(Map.of("validation", List.of(5)), pathPoints(svgs.get(1)));
        assertEquals(Map.of("lr", List.of(5)), pathPoints(svgs.get(2)));
        assertEquals(Map.of("grad_norm", List.of(5)), pathPoints(svgs.get(3)));
        assertEquals(Map.of("h1.weight", List.of(5), "out.weight", List.of(5)), pathPoints(svgs.get(4)));
        assertTrue(svgs.get(4).contains(">h1.weight</text>"), "a legend when there are two series");
        assertTrue(svgs.get(0).contains(">epoch</text>"), "the x axis is labelled");

        assertTrue(html.contains("a &lt; b &amp;&amp; c &gt; d"), "the recipe is escaped");
        assertFalse(html.contains("a < b"));
        assertFalse(html.contains("<script"), "no scripts");
        assertFalse(html.matches("(?s).*(src|href)=.*"), "nothing to fetch");
        assertTrue(html.contains("<tr><th>validation accuracy</th><td>0.85</td><td>0.85</td><td>5</td></tr>"), html);
        assertTrue(html.contains("<tr><th>epochs completed</th><td>5 of 5</td></tr>"));
    }

    @Test
    void theCurvatureFiguresGetTheIllConditioningChart() throws IOException {
        Path run = run("""
                {"epoch":1,"epochs":2,"train_loss":1.0,"val_loss":null,"val_accuracy":null,"seconds":0.1,"steps":1,"curvature.gTg":0.2,"curvature.gTHg":0.1,"taylor.eps_gTg":0.002,"taylor.half_eps2_gTHg":5e-6}
                {"epoch":2,"epochs":2,"train_loss":0.5,"val_loss":null,"val_accuracy":null,"seconds":0.1,"steps":2,"curvature.gTg":0.4,"curvature.gTHg":0.8,"taylor.eps_gTg":0.004,"taylor.half_eps2_gTHg":4e-5}
                """);
        Path out = dir.resolve("curved.html");
        HtmlReport.write(run, null, out);
        String html = Files.readString(out);
        assertEquals(List.of("Loss", "Ill-conditioning (8.2.1): εgᵀg against ½ε²gᵀHg", "gᵀg and gᵀHg on the monitoring batch"),
                between(html, "<figcaption>", "</figcaption>"));
        List<String> svgs = between(html, "<svg", "</svg>");
        assertEquals(Map.of("εgᵀg", List.of(2), "½ε²gᵀHg", List.of(2)), pathPoints(svgs.get(1)));
        assertEquals(Map.of("gᵀg", List.of(2), "gᵀHg", List.of(2)), pathPoints(svgs.get(2)));
    }

    @Test
    void aValidationFreeRunHasNoAccuracyChartAndAConstantLearningRateNoChart() throws IOException {
        Path run = run("""
                {"epoch":1,"epochs":2,"train_loss":1.0,"val_loss":null,"val_accuracy":null,"seconds":0.1,"steps":1,"lr":0.1}
                {"epoch":2,"epochs":2,"train_loss":0.5,"val_loss":null,"val_accuracy":null,"seconds":0.1,"steps":2,"lr":0.1}
                """);
        String html = HtmlReport.render(RunHistory.read(run), "run", null, null);
        assertEquals(List.of("Loss"), between(html, "<figcaption>", "</figcaption>"));
        assertEquals(Map.of("training", List.of(2)), pathPoints(between(html, "<svg", "</svg>").getFirst()));
        assertFalse(html.contains("<pre>"), "no recipe given");
        assertTrue(html.contains("<tr><th>learning rate</th><td>0.1</td>"), "but the table has it");
    }

    @Test
    void everyPointLiesInsideItsChart() throws IOException {
        // One epoch (a degenerate x range), a loss spanning eight decades (log scale), a figure that goes negative.
        for (String metrics : List.of(
                "{\"epoch\":1,\"epochs\":1,\"train_loss\":0.5,\"val_loss\":null,\"val_accuracy\":null}\n",
                "{\"epoch\":1,\"train_loss\":1e3,\"drift\":-2.5}\n{\"epoch\":2,\"train_loss\":1e-5,\"drift\":0.25}\n")) {
            String html = HtmlReport.render(RunHistory.read(run(metrics)), "run", null, null);
            for (String svg : between(html, "<svg", "</svg>")) {
                Matcher box = Pattern.compile("viewBox=\"0 0 (\\d+) (\\d+)\"").matcher(svg);
                assertTrue(box.find());
                Matcher point = Pattern.compile("[ML]([-\\d.]+),([-\\d.]+)").matcher(svg);
                int points = 0;
                while (point.find()) {
                    points++;
                    double x = Double.parseDouble(point.group(1));
                    double y = Double.parseDouble(point.group(2));
                    assertTrue(x >= 0 && x <= Double.parseDouble(box.group(1)) && y >= 0
                            && y <= Double.parseDouble(box.group(2)), point.group() + " in " + svg);
                }
                assertTrue(points > 0);
                assertFalse(svg.contains("NaN") || svg.contains("Infinity"), svg);
            }
        }
    }

    @Test
    void aMissingRunDirectoryIsNamed() {
        Path missing = dir.resolve("nope");
        ReportException e = assertThrows(ReportException.class,
                () -> HtmlReport.write(missing, null, dir.resolve("r.html")));
        assertEquals(missing + ": no such run directory", e.getMessage());
    }

    @Test
    void missingMetricsAreNamed() throws IOException {
        Files.createDirectories(dir.resolve("empty"));
        ReportException e = assertThrows(ReportException.class,
                () -> HtmlReport.write(dir.resolve("empty"), null, dir.resolve("r.html")));
        assertTrue(e.getMessage().startsWith(dir.resolve("empty/metrics.jsonl") + ": no metrics"), e.getMessage());
    }

    @Test
    void aMalformedLineIsNamedByFileAndLine() throws IOException {
        Path run = run("""
                {"epoch":1,"train_loss":1.0}
                {"epoch":2,"train_loss":}
                """);
        ReportException e = assertThrows(ReportException.class, () -> HtmlReport.write(run, null, dir.resolve("r.html")));
        assertEquals(run.resolve("metrics.jsonl") + ":2: not valid JSON: unexpected character '}' at character 25", e.getMessage());
        assertFalse(Files.exists(dir.resolve("r.html")));

        Path cut = run("{\"epoch\":1,\"train_loss\":1.0}\n{\"epoch\":2,\"train_lo");
        assertEquals(1, RunHistory.read(cut).epochs().size(), "the last line, without its newline, was cut by a kill");
    }

    /** For each series path in one chart, the number of points in each of its unbroken pieces. */
    private static Map<String, List<Integer>> pathPoints(String svg) {
        Map<String, List<Integer>> points = new LinkedHashMap<>();
        Matcher m = Pattern.compile("<path class=\"series\" data-series=\"([^\"]*)\"[^>]* d=\"([^\"]*)\"").matcher(svg);
        while (m.find()) {
            List<Integer> pieces = new ArrayList<>();
            for (String piece : m.group(2).split("(?=M)")) {
                assertTrue(piece.matches("M[-\\d.]+,[-\\d.]+(L[-\\d.]+,[-\\d.]+)*"), piece);
                pieces.add(piece.split("[ML]").length - 1);
            }
            points.put(m.group(1), pieces);
        }
        return points;
    }

    private static List<String> between(String text, String open, String close) {
        List<String> found = new ArrayList<>();
        for (int at = text.indexOf(open); at >= 0; at = text.indexOf(open, at + 1)) {
            found.add(text.substring(at + open.length(), text.indexOf(close, at)));
        }
        return found;
    }
}
