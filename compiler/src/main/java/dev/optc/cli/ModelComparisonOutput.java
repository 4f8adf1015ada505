package dev.optc.cli;

import dev.optc.api.CompiledRecipe;
import dev.optc.api.Contenders;
import dev.optc.check.Contender;
import dev.optc.runtime.Evaluation;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.TrainResult;
import dev.optc.runtime.Trainer;
import dev.optc.runtime.data.Dataset;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * `optc train` on a model recipe with `compare`: every optimizer trains the model from the same initial weights (the
 * recipe's seed) on the same split and batches, for the recipe's epochs; then a table of the final figures, each
 * optimizer's weights in {@code DIR/<n>.safetensors} (n counts the list from 1).
 */
final class ModelComparisonOutput {
    private ModelComparisonOutput() {
    }

    static int run(CompiledRecipe compiled, Dataset.Split split, Dataset test, TrainOptions options, Path dir, PrintStream out)
            throws IOException {
        List<Contender> contenders = compiled.recipe().contenders();
        List<CompiledRecipe> recipes = Contenders.of(compiled);
        out.printf(Locale.ROOT, "comparing %d optimizers on %s: %d training rows, %d validation rows, the same seed and batches%n",
                contenders.size(), compiled.recipe().model().name(), split.train().rows(),
                split.validation() == null ? 0 : split.validation().rows());
        int width = "optimizer".length();
        for (Contender c : contenders) width = Math.max(width, c.label().length());
        String row = "%-" + width + "s  %6s  %10s  %9s  %8s  %7s%s  %8s%n";
        out.printf(Locale.ROOT, row, "optimizer", "epochs", "train loss", "train acc", "val loss", "val acc",
                test != null ? "  test acc" : "", "time (s)");
        Files.createDirectories(dir);
        for (int i = 0; i < contenders.size(); i++) {
            Trainer trainer = recipes.get(i).newTrainer(options);
            long begin = System.nanoTime();
            TrainResult result = trainer.fit(split.train(), split.validation(), report -> { });
            double seconds = (System.nanoTime() - begin) / 1e9;
            Evaluation train = trainer.evaluate(split.train());
            Evaluation validation = split.validation() == null ? null : trainer.evaluate(split.validation());
            String testColumn = test == null ? "" : String.format(Locale.ROOT, "  %8.4f", trainer.evaluate(test).accuracy());
            out.printf(Locale.ROOT, row, contenders.get(i).label(), result.epochs().size(), f(train.loss()), f(train.accuracy()),
                    validation == null ? "—" : f(validation.loss()), validation == null ? "—" : f(validation.accuracy()), testColumn,
                    String.format(Locale.ROOT, "%.2f", seconds));
            trainer.save(dir.resolve((i + 1) + ".safetensors"));
        }
        out.println("wrote " + dir.resolve("1.safetensors") + " … " + contenders.size() + ".safetensors, in the order of `compare`");
        return 0;
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
