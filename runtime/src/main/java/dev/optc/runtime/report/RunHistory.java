package dev.optc.runtime.report;

import dev.optc.runtime.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedSet;

/**
 * A run's record as {@link MetricsLog} left it, read back.
 *
 * @param run    what {@code run.json} says (recipe, start time, parameter count...); empty when there is none
 * @param keys   every figure's key, in the order the figures first appear
 * @param epochs one map per line of {@code metrics.jsonl}; a figure written as {@code null} reads as NaN
 */
public record RunHistory(Map<String, Object> run, SequencedSet<String> keys, List<Map<String, Double>> epochs) {

    /**
     * Reads {@code run.json} (optional) and {@code metrics.jsonl}. A line that is not a metrics line is an error naming
     * the file and line, except the last one when the file does not end in a newline: that one is what a kill left
     * half-written, and is left out.
     */
    public static RunHistory read(Path runDirectory) throws ReportException {
        if (!Files.isDirectory(runDirectory)) {
            throw new ReportException(runDirectory + ": no such run directory");
        }
        Path metrics = runDirectory.resolve(MetricsLog.METRICS_FILE);
        if (!Files.isRegularFile(metrics)) {
            throw new ReportException(metrics + ": no metrics here (optc train writes them as it trains)");
        }
        Map<String, Object> run = readRun(runDirectory.resolve(MetricsLog.RUN_FILE));
        String text;
        try {
            text = Files.readString(metrics, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ReportException(metrics + ": cannot read: " + e.getMessage(), e);
        }
        SequencedSet<String> keys = new LinkedHashSet<>();
        List<Map<String, Double>> epochs = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) continue;
            Map<String, Double> epoch;
            try {
                epoch = figures(line, metrics, i + 1);
            } catch (ReportException e) {
                // The last line without its newline was cut short by a kill while it was written: what the log's
                // flush-per-line promises is every line before it.
                if (i == lines.length - 1) break;
                throw e;
            }
            keys.addAll(epoch.keySet());
            epochs.add(epoch);
        }
        if (epochs.isEmpty()) throw new ReportException(metrics + ": no epochs recorded yet");
        return new RunHistory(Collections.unmodifiableMap(run), Collections.unmodifiableSequencedSet(keys),
                List.copyOf(epochs));
    }

    /** The values of one key, epoch by epoch, NaN where a line lacks it. */
    public double[] series(String key) {
        double[] values = new double[epochs.size()];
        for (int i = 0; i < values.length; i++) {
            Double v = epochs.get(i).get(key);
            values[i] = v == null ? Double.NaN : v;
        }
        return values;
    }

    private static Map<String, Double> figures(String line, Path file, int number) throws ReportException {
        Object parsed;
        try {
            parsed = Json.parse(line);
        } catch (Json.SyntaxError e) {
            throw new ReportException(file + ":" + number + ": not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new ReportException(file + ":" + number + ": expected a JSON object, one per line");
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = (String) e.getKey();
            switch (e.getValue()) {
                case null -> figures.put(key, Double.NaN);
                case Number n -> figures.put(key, n.doubleValue());
                default -> throw new ReportException(file + ":" + number + ": \"" + key + "\" is not a number");
            }
        }
        if (!(figures.get("epoch") instanceof Double epoch) || epoch.isNaN()) {
            throw new ReportException(file + ":" + number + ": the line has no \"epoch\"");
        }
        return figures;
    }

    private static Map<String, Object> readRun(Path file) throws ReportException {
        if (!Files.isRegularFile(file)) return Map.of();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ReportException(file + ": cannot read: " + e.getMessage(), e);
        }
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (Json.SyntaxError e) {
            throw new ReportException(file + ": not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> map)) throw new ReportException(file + ": expected a JSON object");
        Map<String, Object> run = new LinkedHashMap<>();
        map.forEach((k, v) -> run.put((String) k, v));
        return run;
    }
}
