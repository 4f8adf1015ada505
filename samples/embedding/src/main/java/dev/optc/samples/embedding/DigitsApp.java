package dev.optc.samples.embedding;

import dev.optc.generated.DigitsTrainer;
import dev.optc.runtime.Evaluation;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.data.DataSource;
import dev.optc.runtime.data.Dataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * An application that trains, evaluates and uses a model through the class optc-maven-plugin generated from
 * src/main/opt/digits.opt: no compiler at run time, only dev.optc:optc-runtime.
 *
 * <pre>mvn compile exec:exec              (or: java --add-modules jdk.incubator.vector -cp ... DigitsApp digits.csv)</pre>
 */
public final class DigitsApp {
    private DigitsApp() {
    }

    public static void main(String[] args) throws IOException {
        Path csv = Path.of(args.length > 0 ? args[0] : "../data/digits.csv");

        // The generated trainer is an ordinary class: construct it, as many as needed, each independent.
        DigitsTrainer trainer = new DigitsTrainer(TrainOptions.seed(42));

        // The recipe's data settings (scale 1/16, 20% held out) applied to the file given on the command line.
        DataSource source = trainer.settings().data();
        Dataset all = source.load(Path.of(""), csv);
        Dataset.Split split = all.split(source.validationRows(all.rows()), trainer.settings().seed());
        System.out.printf(Locale.ROOT, "training %s on %d rows, validating on %d%n", trainer.recipeName(),
                split.train().rows(), split.validation().rows());

        trainer.fit(split.train(), split.validation(), report -> System.out.printf(Locale.ROOT,
                "epoch %2d  train loss %.4f  validation accuracy %.4f%n", report.epoch(), report.trainLoss(),
                report.validationAccuracy()));

        Evaluation evaluation = trainer.evaluate(split.validation());
        System.out.printf(Locale.ROOT, "validation accuracy %.4f, loss %.4f (%d rows)%n", evaluation.accuracy(),
                evaluation.loss(), evaluation.rows());

        // Predictions: class probabilities per row.
        Dataset validation = split.validation();
        int rows = 5;
        float[] probabilities = trainer.predict(Arrays.copyOf(validation.features(), rows * validation.width()), rows);
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int k = 1; k < trainer.outputWidth(); k++) {
                if (probabilities[r * trainer.outputWidth() + k] > probabilities[r * trainer.outputWidth() + best]) best = k;
            }
            System.out.printf(Locale.ROOT, "row %d: predicted %d (p = %.3f), label %d%n", r, best,
                    probabilities[r * trainer.outputWidth() + best], validation.labels()[r]);
        }

        // The weights as a safetensors file with PyTorch's names; a fresh trainer loads them and agrees.
        Path weights = Path.of("target", "digits.safetensors");
        Files.createDirectories(weights.getParent());
        trainer.save(weights);
        DigitsTrainer restored = new DigitsTrainer(TrainOptions.defaults());
        restored.load(weights);
        System.out.printf(Locale.ROOT, "reloaded from %s: validation accuracy %.4f%n", weights,
                restored.evaluate(validation).accuracy());
    }
}
