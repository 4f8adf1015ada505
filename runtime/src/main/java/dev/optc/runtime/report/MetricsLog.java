package dev.optc.runtime.report;

import dev.optc.runtime.json.Json;
import dev.optc.runtime.EpochReport;
import dev.optc.runtime.ParameterSpec;
import dev.optc.runtime.Trainer;
import dev.optc.runtime.train.Optimizable;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run's record on disk: {@code run.json} (the recipe, when it started, and what the caller tells about it) and
 * {@code metrics.jsonl}, one JSON object per epoch. Each line is flushed as it is written, so a run that is killed
 * keeps every epoch it finished. {@link HtmlReport} reads both.
 *
 * <pre>{"epoch":3,"epochs":30,"train_loss":0.41,"val_loss":0.44,"val_accuracy":0.87,"seconds":0.8,"steps":135,"lr":0.1}</pre>
 *
 * <p>NaN and infinities are written as {@code null} (JSON has neither), as is a validation figure when nothing is held
 * out.
 */
public final class MetricsLog implements Closeable {
    public static final String RUN_FILE = "run.json";
    public static final String METRICS_FILE = "metrics.jsonl";
    /** The keys every line has; extras may not reuse them. */
    static final Set<String> STANDARD_KEYS = Set.of("epoch", "epochs", "train_loss", "val_loss", "val_accuracy",
            "seconds", "steps");

    private final Path runFile;
    private final Map<String, Object> run;
    private final Writer metrics;

    private MetricsLog(Path runFile, Map<String, Object> run, Writer metrics) {
        this.runFile = runFile;
        this.run = run;
        this.metrics = metrics;
    }

    /**
     * Starts a run's record in {@code runDirectory} (created if needed). A previous run's {@code metrics.jsonl} there is
     * replaced, not appended to, so one file never mixes two runs.
     *
     * @param info what else to record about the run, such as its parameter count, optimizer, batch and seed
     */
    public static MetricsLog open(Path runDirectory, String recipe, Map<String, String> info) throws IOException {
        Files.createDirectories(runDirectory);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("recipe", recipe);
        run.put("started", now());
        putInfo(run, info);
        Path runFile = runDirectory.resolve(RUN_FILE);
        writeRunFile(runFile, run);
        Writer metrics = Files.newBufferedWriter(runDirectory.resolve(METRICS_FILE), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        return new MetricsLog(runFile, run, metrics);
    }

    /**
     * Continues the record of a run resumed from its checkpoint after {@code completedEpochs}: the lines of those epochs
     * are kept, later ones (written after the checkpoint, before the run stopped) dropped, since the resumed run does
     * them again. Reading stops at the first line that is not a metrics line, such as one cut short by a kill.
     * {@code run.json} keeps its start time and gains {@code resumed}. With no earlier record, this is {@link #open}.
     */
    public static MetricsLog resume(Path runDirectory, String recipe, Map<String, String> info, int completedEpochs)
            throws IOException {
        Path metricsFile = runDirectory.resolve(METRICS_FILE);
        if (!Files.isRegularFile(metricsFile)) return open(runDirectory, recipe, info);
        List<String> kept = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(metricsFile, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank()) continue;
                Object epoch;
                try {
                    epoch = Json.parse(line) instanceof Map<?, ?> m ? m.get("epoch") : null;
                } catch (Json.SyntaxError e) {
                    break;
                }
                if (!(epoch instanceof Number d) || d.doubleValue() > completedEpochs) break;
                kept.add(line);
            }
        }
        Path partial = runDirectory.resolve(METRICS_FILE + ".tmp");
        Files.write(partial, kept, StandardCharsets.UTF_8);
        Files.move(partial, metricsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        Map<String, Object> run = new LinkedHashMap<>();
        try {
            if (Json.parse(Files.readString(runDirectory.resolve(RUN_FILE))) instanceof Map<?, ?> m) {
                m.forEach((k, v) -> run.put((String) k, v));
            }
        } catch (IOException | Json.SyntaxError e) {
            // An unreadable run.json loses only the start time; the new one says what it can.
        }
        run.put("recipe", recipe);
        run.remove("finished");
        run.put("resumed", now());
        for (String key : info.keySet()) run.remove(key);
        putInfo(run, info);
        Path runFile = runDirectory.resolve(RUN_FILE);
        writeRunFile(runFile, run);
        Writer metrics = Files.newBufferedWriter(metricsFile, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        return new MetricsLog(runFile, run, metrics);
    }

    /**
     * Appends one epoch: the report's figures, its learning rate as {@code lr} and its gradient norm as
     * {@code grad_norm} when it has them (not NaN), its curvature as {@code curvature.gTg}, {@code curvature.gTHg},
     * {@code taylor.eps_gTg} (εgᵀg) and {@code taylor.half_eps2_gTHg} (½ε²gᵀHg) when monitored, then the extras. Unchecked, so it can be called from a
     * {@link dev.optc.runtime.TrainListener}.
     *
     * @param extra further figures of the epoch, such as {@code weight_norm.h1.weight} (see {@link #figures}), in the
     *              order they should appear; an {@code lr} or {@code grad_norm} here is used only when the report
     *              has none; null for none
     * @throws UncheckedIOException when the line cannot be written
     */
    public void epoch(EpochReport report, Map<String, Double> extra) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("epoch", report.epoch());
        line.put("epochs", report.epochs());
        line.put("train_loss", report.trainLoss());
        line.put("val_loss", report.validationLoss());
        line.put("val_accuracy", report.validationAccuracy());
        line.put("seconds", report.seconds());
        line.put("steps", report.steps());
        if (!Double.isNaN(report.learningRate())) line.put("lr", report.learningRate());
        if (!Double.isNaN(report.gradientNorm())) line.put("grad_norm", report.gradientNorm());
        if (report.curvature() != null) {
            // 8.2.1: the two terms of J(θ − εg) ≈ J(θ) − εgᵀg + ½ε²gᵀHg, and the products they are made of.
            line.put("curvature.gTg", report.curvature().gTg());
            line.put("curvature.gTHg", report.curvature().gTHg());
            if (!Double.isNaN(report.curvature().epsilon())) {
                line.put("taylor.eps_gTg", report.curvature().firstOrder());
                line.put("taylor.half_eps2_gTHg", report.curvature().secondOrder());
            }
        }
        if (extra != null) {
            for (Map.Entry<String, Double> e : extra.entrySet()) {
                if (STANDARD_KEYS.contains(e.getKey())) {
                    throw new IllegalArgumentException("an extra figure may not be named " + e.getKey());
                }
                line.putIfAbsent(e.getKey(), e.getValue());
            }
        }
        try {
            metrics.write(Json.write(line));
            metrics.write('\n');
            metrics.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds a fact to {@code run.json} now, such as the epoch early stopping kept or the test accuracy. */
    public void record(String key, String value) throws IOException {
        run.put(key, value);
        writeRunFile(runFile, run);
    }

    /**
     * The figures of a trainer worth logging after an epoch besides its {@link EpochReport}: every hyperparameter but
     * {@code lr} (the report has that) by its name, as the current schedule has set it ({@code momentum},
     * {@code beta1}...), and for every parameter tensor named {@code ….weight} its L2 norm as
     * {@code weight_norm.<name>}. Reads the trainer between epochs; one pass over the weights.
     */
    public static Map<String, Double> figures(Trainer trainer) {
        Map<String, Double> figures = new LinkedHashMap<>();
        for (String name : trainer.hyperparameterNames()) {
            if (name.equals("lr")) continue;
            figures.put(STANDARD_KEYS.contains(name) || name.equals("grad_norm") ? "hyperparameter." + name : name,
                    trainer.hyperparameter(name));
        }
        Optimizable flat = trainer instanceof Optimizable o ? o : null;
        for (ParameterSpec p : trainer.parameters()) {
            if (!p.name().endsWith("weight")) continue;
            // The flat buffer when there is one, so no tensor is copied.
            double norm = flat != null ? norm(flat.flatParameters(), p.offset(), p.offset() + p.size())
                    : norm(trainer.parameter(p.name()), 0, p.size());
            figures.put("weight_norm." + p.name(), norm);
        }
        return figures;
    }

    private static double norm(float[] values, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) sum += (double) values[i] * values[i];
        return Math.sqrt(sum);
    }

    /** Closes {@code metrics.jsonl} and records in {@code run.json} when the run finished. */
    @Override
    public void close() throws IOException {
        try {
            metrics.close();
        } finally {
            run.put("finished", now());
            writeRunFile(runFile, run);
        }
    }

    private static void putInfo(Map<String, Object> run, Map<String, String> info) {
        for (Map.Entry<String, String> e : info.entrySet()) {
            if (run.containsKey(e.getKey())) {
                throw new IllegalArgumentException("run info may not reuse the key " + e.getKey());
            }
            run.put(e.getKey(), e.getValue());
        }
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static void writeRunFile(Path file, Map<String, Object> run) throws IOException {
        Files.writeString(file, Json.write(run) + "\n", StandardCharsets.UTF_8);
    }
}
