package dev.optc.runtime.report;

import java.io.BufferedReader;
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

    public static RunHistory read(Path runDirectory) throws ReportException {
        if (!Files.isDirectory(runDirectory)) {
            throw new ReportException(runDirectory + ": no such run directory");
        }
        Path metrics = runDirectory.resolve(MetricsLog.METRICS_FILE);
        if (!Files.isRegularFile(metrics)) {
            throw new ReportException(metrics + ": no metrics in this run directory (train with a metrics log first)");
        }
        Map<String, Object> run = readRun(runDirectory.resolve(MetricsLog.RUN_FILE));
        SequencedSet<String> keys = new LinkedHashSet<>();
        List<Map<String, Double>> epochs = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(metrics, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) continue;
                Map<String, Double> epoch = figures(line, metrics, number);
                keys.addAll(epoch.keySet());
                epochs.add(epoch);
            }
        } catch (ReportException e) {
            throw e;
        } catch (IOException e) {
            throw new ReportException(metrics + ": cannot read: " + e.getMessage(), e);
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
                case Double d -> figures.put(key, d);
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
