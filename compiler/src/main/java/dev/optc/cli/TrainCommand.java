package dev.optc.cli;

import dev.optc.api.CompilationFailed;
import dev.optc.api.CompiledRecipe;
import dev.optc.api.Optc;
import dev.optc.check.CheckedRecipe;
import dev.optc.diagnostics.DiagnosticRenderer;
import dev.optc.runtime.EpochReport;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.Trainer;
import dev.optc.runtime.data.DataException;
import dev.optc.runtime.data.Dataset;
import dev.optc.runtime.TrainResult;
import dev.optc.runtime.report.MetricsLog;
import dev.optc.runtime.report.ProgressBar;
import dev.optc.runtime.TrainListener;
import java.util.LinkedHashMap;
import java.util.Map;
import dev.optc.runtime.train.CompiledObjective;
import dev.optc.runtime.train.CompiledTrainer;
import dev.optc.runtime.train.Minimization;
import dev.optc.runtime.train.TrainingDiverged;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "train", description = "Trains a recipe and writes its final weights (safetensors).")
final class TrainCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "the .opt file")
    Path file;

    @Option(names = "--recipe", paramLabel = "NAME", description = "which recipe, when the file has several")
    String recipeName;

    @Option(names = "--epochs", paramLabel = "N", description = "overrides the recipe's epochs")
    Integer epochs;

    @Option(names = "--seed", paramLabel = "S", description = "overrides the recipe's seed")
    Long seed;

    @Option(names = "--data", paramLabel = "PATH", description = "replaces the path of the recipe's training data")
    Path data;

    @Option(names = "--resume", paramLabel = "CHECKPOINT", description = "continues a run from its checkpoint.safetensors")
    Path resume;

    @Option(names = "--steps", paramLabel = "N", description = "overrides the recipe's steps (objectives)")
    Integer steps;

    @Option(names = "--out", paramLabel = "DIR", description = "where to write final.safetensors (default runs/<recipe>)")
    Path out;

    @Override
    public Integer call() {
        PrintStream stdout = System.out;
        try {
            Optc.Compilation compilation = Optc.compile(SourceLoader.read(file), file);
            System.err.print(new DiagnosticRenderer().render(compilation.warnings()));
            CompiledRecipe compiled = recipeName == null ? compilation.first() : compilation.recipe(recipeName);
            CheckedRecipe recipe = compiled.recipe();
            if (compiled.minimizesObjective()) return minimize(compiled, stdout);
            Dataset test = DataLoading.test(recipe, file);
            if (epochs != null && epochs < 1) throw new SourceLoader.UserError("--epochs must be at least 1");
            TrainOptions options = TrainOptions.defaults();
            if (seed != null) options = options.withSeed(seed);
            if (epochs != null) options = options.withEpochs(epochs);
            if (compiled.stages() != null || !recipe.contenders().isEmpty()) {
                // Neither has a curriculum (the checker refuses it), so the data needs no trainer to score it.
                Dataset.Split split = DataLoading.training(recipe, file, data);
                if (!recipe.contenders().isEmpty()) {
                    return ModelComparisonOutput.run(compiled, split, test, options, out != null ? out : Path.of("runs", recipe.name()), stdout);
                }
                if (resume != null) throw new SourceLoader.UserError("--resume is not implemented for recipes with stages");
                return StagedTraining.train(compiled, file, split, test, options, out, stdout);
            }
            Trainer trainer = compiled.newTrainer(options);
            Path dir = out != null ? out : Path.of("runs", recipe.name());
            Files.createDirectories(dir);
            CompiledTrainer compiledTrainer = (CompiledTrainer) trainer;
            Dataset.Split split = DataLoading.training(recipe, file, data, compiledTrainer);
            compiledTrainer.setCheckpointDirectory(dir);
            java.util.Set<String> monitor = recipe.progress().monitor();
            compiledTrainer.monitorGradientNorm(monitor.contains("grad_norm"));
            compiledTrainer.monitorCurvature(monitor.contains("curvature"));
            if (resume != null) {
                compiledTrainer.resume(resume);
                stdout.println("resuming " + recipe.name() + " after epoch " + compiledTrainer.completedEpochs() + " from " + resume);
            }
            stdout.printf(Locale.ROOT, "training %s: %d parameters, %d training rows, %d validation rows%n", recipe.name(),
                    trainer.parameters().stream().mapToInt(p -> p.size()).sum(), split.train().rows(),
                    split.validation() == null ? 0 : split.validation().rows());
            Map<String, String> info = new LinkedHashMap<>();
            info.put("source", file.toString());
            info.put("parameters", Integer.toString(trainer.parameters().stream().mapToInt(p -> p.size()).sum()));
            info.put("optimizer", recipe.optimizer() != null ? recipe.optimizer().rule().name().text()
                    : recipe.solver() != null ? recipe.solver().kind() : "none");
            info.put("batch", recipe.batch() == 0 ? "full" : Integer.toString(recipe.batch()));
            info.put("seed", Long.toString(seed != null ? seed : recipe.seed()));
            info.put("training rows", Integer.toString(split.train().rows()));
            info.put("validation rows", Integer.toString(split.validation() == null ? 0 : split.validation().rows()));
            TrainResult result;
            // Metrics as JSON Lines in the run's folder, for `optc report`; flushed every epoch, so a killed run keeps them.
            try (MetricsLog metrics = resume != null
                    ? MetricsLog.resume(dir, recipe.name(), info, compiledTrainer.completedEpochs())
                    : MetricsLog.open(dir, recipe.name(), info)) {
                // A bar within each epoch on a terminal; the epoch's line replaces it. Elsewhere only the lines.
                ProgressBar bar = ProgressBar.forStandardOutput(stdout);
                result = trainer.fit(split.train(), split.validation(), new TrainListener() {
                    @Override
                    public void epochEnded(EpochReport report) {
                        bar.clear();
                        stdout.println(line(report, monitor));
                        Map<String, Double> figures = MetricsLog.figures(trainer);
                        if (recipe.curriculum() != null) figures.put("curriculum_pace", recipe.curriculum().pace(report.epoch()));
                        metrics.epoch(report, figures);
                    }

                    @Override
                    public void batchEnded(int epoch, int epochs, int batch, int batches, double loss, double seconds) {
                        bar.batch(epoch, epochs, batch, batches, loss, seconds);
                    }
                });
                if (result.stoppedEarly()) metrics.record("stopped early", "kept the weights of epoch " + result.bestEpoch());
            }
            if (result.stoppedEarly()) {
                stdout.println("stopped early: no improvement for " + recipe.progress().stop().patience()
                        + " epochs; keeping the weights of epoch " + result.bestEpoch());
            }
            FinalWeights.saveAndScore(trainer, dir, split, test, stdout);
            return 0;
        } catch (CompilationFailed e) {
            System.err.print(e.getMessage());
            return 1;
        } catch (SourceLoader.UserError | DataException | TrainingDiverged e) {
            System.err.println("optc: " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            System.err.println("optc: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            System.err.println("optc: " + e.getMessage());
            return 1;
        }
    }

    private int minimize(CompiledRecipe compiled, PrintStream stdout) throws IOException, SourceLoader.UserError {
        if (steps != null && steps < 1) throw new SourceLoader.UserError("--steps must be at least 1");
        TrainOptions options = TrainOptions.defaults();
        if (seed != null) options = options.withSeed(seed);
        if (steps != null) options = options.withSteps(steps);
        int total = steps != null ? steps : compiled.recipe().steps();
        if (ObjectiveStrategyOutput.applies(compiled.recipe())) {
            return ObjectiveStrategyOutput.run(compiled, options, total, out != null ? out : Path.of("runs", compiled.name()), stdout);
        }
        CompiledObjective minimizer = compiled.newMinimizer(options);
        int every = Math.max(1, total / 10);
        String width = Integer.toString(String.valueOf(total).length());
        String method = compiled.recipe().alternates() ? "block coordinate descent over " + compiled.recipe().blocks().stream()
                .map(b -> "[" + String.join(", ", b.tensors()) + "]").collect(java.util.stream.Collectors.joining(" then "))
                : compiled.recipe().solver() != null ? compiled.recipe().solver().kind()
                : compiled.recipe().optimizer().rule().name().text();
        stdout.printf(Locale.ROOT, "minimizing %s with %s: %s%d %s%n", minimizer.objectiveName(), method,
                compiled.recipe().solver() != null ? "at most " : "", total, compiled.recipe().alternates() ? "sweeps" : "steps");
        Minimization result = minimizer.minimize((t, value) -> {
            if (t == 1 || t % every == 0 || t == total) {
                stdout.printf(Locale.ROOT, "%s %" + width + "d/%d  J = %.6g%n", compiled.recipe().alternates() ? "sweep" : "step", t, total, value);
            }
        });
        stdout.printf(Locale.ROOT, "final J = %.6g after %d %s%n", result.finalValue(), minimizer.step(),
                compiled.recipe().alternates() ? "sweeps" : "steps");
        for (var p : minimizer.parameters()) {
            float[] v = java.util.Arrays.copyOfRange(result.parameters(), p.offset(), p.offset() + p.size());
            stdout.println("  " + p.name() + " = " + format(v));
        }
        Path dir = out != null ? out : Path.of("runs", compiled.name());
        Files.createDirectories(dir);
        Path weights = dir.resolve("final.safetensors");
        minimizer.save(weights);
        stdout.println("wrote " + weights);
        return 0;
    }

    private static String format(float[] v) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < Math.min(v.length, 8); i++) s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6g", v[i]));
        if (v.length > 8) s.append(", ... (").append(v.length).append(" values)");
        return s.append(']').toString();
    }

    static String line(EpochReport r, java.util.Set<String> monitor) {
        StringBuilder s = new StringBuilder(line(r));
        int at = s.lastIndexOf("  ");
        String seconds = s.substring(at);
        s.setLength(at);
        if (monitor.contains("lr") && !Double.isNaN(r.learningRate())) s.append(String.format(Locale.ROOT, "  lr %.3g", r.learningRate()));
        if (monitor.contains("grad_norm")) s.append(String.format(Locale.ROOT, "  |g| %.3g", r.gradientNorm()));
        if (r.curvature() != null) s.append(curvature(r.curvature()));
        return s.append(seconds).toString();
    }

    /** 8.2.1 on the monitoring batch: gᵀg, gᵀHg, and the Taylor terms εgᵀg and ½ε²gᵀHg when the rule has an lr. */
    static String curvature(dev.optc.runtime.Curvature c) {
        String s = String.format(Locale.ROOT, "  gTg %.3g  gTHg %.3g", c.gTg(), c.gTHg());
        // Without an lr, the rate at which the two Taylor terms would cancel: 2gᵀg/gᵀHg.
        if (Double.isNaN(c.epsilon())) return s + String.format(Locale.ROOT, "  2gTg/gTHg %.3g", c.largestDecreasingRate());
        return s + String.format(Locale.ROOT, "  eps*gTg %.3g  eps^2/2*gTHg %.3g", c.firstOrder(), c.secondOrder());
    }

    static String line(EpochReport r) {
        String width = Integer.toString(String.valueOf(r.epochs()).length());
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "epoch %" + width + "d/%d  train loss %.4f", r.epoch(),
                r.epochs(), r.trainLoss()));
        if (!Double.isNaN(r.validationLoss())) {
            s.append(String.format(Locale.ROOT, "  val loss %.4f  val acc %.4f", r.validationLoss(), r.validationAccuracy()));
        }
        return s.append(String.format(Locale.ROOT, "  %.3fs", r.seconds())).toString();
    }
}
