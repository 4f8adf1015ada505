package dev.optc.runtime.report;

import dev.optc.runtime.EpochReport;
import dev.optc.runtime.ParameterSpec;
import dev.optc.runtime.Trainer;
import dev.optc.runtime.train.Optimizable;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A run's record on disk: {@code run.json} (the recipe, when it started, and what the caller tells about it) and
 * {@code metrics.jsonl}, one JSON object per epoch. Each line is flushed as it is written, so a run that is killed
 * keeps every epoch it finished. {@link HtmlReport} reads both.
 *
 * <pre>{"epoch":3,"train_loss":0.41,"val_loss":0.44,"val_accuracy":0.87,"seconds":0.8,"steps":135,"lr":0.1}</pre>
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
        run.put("started", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        for (Map.Entry<String, String> e : info.entrySet()) {
            if (run.containsKey(e.getKey())) {
                throw new IllegalArgumentException("run info may not reuse the key " + e.getKey());
            }
            run.put(e.getKey(), e.getValue());
        }
        Path runFile = runDirectory.resolve(RUN_FILE);
        writeRunFile(runFile, run);
        Writer metrics = Files.newBufferedWriter(runDirectory.resolve(METRICS_FILE), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        return new MetricsLog(runFile, run, metrics);
    }

    /**
     * Appends one epoch. Unchecked, so it can be called from a {@link dev.optc.runtime.TrainListener}.
     *
     * @param extra further figures of the epoch, such as {@code lr}, {@code grad_norm} or
     *              {@code weight_norm.h1.weight}, in the order they should appear
     * @throws UncheckedIOException when the line cannot be written
     */
    public void epoch(EpochReport report, Map<String, Double> extra) {
        if (extra == null) extra = Map.of();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("epoch", report.epoch());
        line.put("epochs", report.epochs());
        line.put("train_loss", report.trainLoss());
        line.put("val_loss", report.validationLoss());
        line.put("val_accuracy", report.validationAccuracy());
        line.put("seconds", report.seconds());
        line.put("steps", report.steps());
        for (Map.Entry<String, Double> e : extra.entrySet()) {
            if (STANDARD_KEYS.contains(e.getKey())) {
                throw new IllegalArgumentException("an extra figure may not be named " + e.getKey());
            }
            line.put(e.getKey(), e.getValue());
        }
        try {
            metrics.write(Json.write(line));
            metrics.write('\n');
            metrics.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The figures of a trainer worth logging after an epoch, besides its {@link EpochReport}: every hyperparameter by
     * its name ({@code lr}, {@code momentum}..., as the current schedule has set it), {@code grad_norm} (the L2 norm of
     * the last step's gradient, before clipping) and, for every parameter tensor named {@code ….weight}, its L2 norm as
     * {@code weight_norm.<name>}. Reads the trainer between epochs; it costs one pass over the parameters.
     */
    public static Map<String, Double> figures(Trainer trainer) {
        Map<String, Double> figures = new LinkedHashMap<>();
        for (String name : trainer.hyperparameterNames()) {
            figures.put(STANDARD_KEYS.contains(name) ? "hyperparameter." + name : name, trainer.hyperparameter(name));
        }
        Optimizable flat = trainer instanceof Optimizable o ? o : null;
        if (flat != null) figures.put("grad_norm", norm(flat.flatGradients(), 0, flat.flatGradients().length));
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
            run.put("finished", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            writeRunFile(runFile, run);
        }
    }

    private static void writeRunFile(Path file, Map<String, Object> run) throws IOException {
        Files.writeString(file, Json.write(run) + "\n", StandardCharsets.UTF_8);
    }
}
