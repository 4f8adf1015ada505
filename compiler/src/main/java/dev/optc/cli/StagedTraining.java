package dev.optc.cli;

import dev.optc.api.CompiledRecipe;
import dev.optc.api.StagedRun;
import dev.optc.runtime.EpochReport;
import dev.optc.runtime.ParameterSpec;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.TrainResult;
import dev.optc.runtime.data.Dataset;
import dev.optc.runtime.stages.Stage;
import dev.optc.runtime.stages.StageDriver;
import dev.optc.runtime.stages.StageListener;
import dev.optc.runtime.train.CompiledTrainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * `optc train` for a recipe with stages: a line per stage (its layers, their shapes, which are frozen), then its epochs.
 * {@code --epochs} sets every stage's epochs.
 */
final class StagedTraining {
    private StagedTraining() {
    }

    static int train(CompiledRecipe compiled, Path file, Dataset.Split split, Dataset test, TrainOptions options, Path out,
                     PrintStream stdout) throws IOException {
        Set<String> monitor = compiled.recipe().progress().monitor();
        int count = compiled.stages().stages().size();
        stdout.printf(Locale.ROOT, "training %s in %d stages: %d training rows, %d validation rows%n", compiled.name(), count,
                split.train().rows(), split.validation() == null ? 0 : split.validation().rows());
        Path dir = out != null ? out : Path.of("runs", compiled.name());
        Files.createDirectories(dir);
        StageDriver.Result result = StagedRun.train(compiled, options, file.toAbsolutePath().getParent(), split.train(),
                split.validation(), new StageListener() {
                    @Override
                    public void stageStarted(int index, int stages, Stage stage, CompiledTrainer trainer) {
                        String at = index < 0 ? "teacher" : "stage " + (index + 1) + "/" + stages;
                        // Only the last stage carries the recipe's `checkpoint` settings, so only it writes there.
                        if (index >= 0) trainer.setCheckpointDirectory(dir);
                        trainer.monitorGradientNorm(monitor.contains("grad_norm"));
                        stdout.printf(Locale.ROOT, "%s  %s: %s%n", at, stage.label(), describe(trainer, stage, options.epochs()));
                    }

                    @Override
                    public void epochEnded(int index, Stage stage, EpochReport report) {
                        stdout.println("  " + TrainCommand.line(report, monitor));
                    }

                    @Override
                    public void stageEnded(int index, Stage stage, CompiledTrainer trainer, TrainResult r) {
                        if (r.stoppedEarly()) stdout.println("  stopped early; keeping the weights of epoch " + r.bestEpoch());
                    }
                });
        CompiledTrainer trainer = result.trainer();
        FinalWeights.saveAndScore(trainer, dir, split, test, stdout);
        return 0;
    }

    /** `h1 64→128 frozen, h2 128→64, out 64→10; hint loss`: the stage's dense layers in order, as figure 8.7 draws them. */
    static String describe(CompiledTrainer trainer, Stage stage, Integer epochsOverride) {
        List<String> parts = new ArrayList<>();
        for (ParameterSpec p : trainer.parameters()) {
            if (!p.name().endsWith(".weight") || p.shape().length != 2) continue;
            String layer = p.name().substring(0, p.name().length() - ".weight".length());
            parts.add(layer + " " + p.shape()[1] + "→" + p.shape()[0] + (stage.frozen().contains(layer) ? " frozen" : ""));
        }
        return String.join(", ", parts) + "; " + (epochsOverride != null ? epochsOverride : stage.epochs()) + " epochs" + (stage.hint() ? " on the hint loss" : "");
    }
}
