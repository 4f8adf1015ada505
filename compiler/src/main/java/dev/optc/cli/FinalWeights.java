package dev.optc.cli;

import dev.optc.runtime.Evaluation;
import dev.optc.runtime.Trainer;
import dev.optc.runtime.data.Dataset;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/** The end of every training command: the final weights written, then scored on validation and test data. */
final class FinalWeights {
    private FinalWeights() {
    }

    static void saveAndScore(Trainer trainer, Path dir, Dataset.Split split, Dataset test, PrintStream stdout) throws IOException {
        Path weights = dir.resolve("final.safetensors");
        trainer.save(weights);
        if (split.validation() != null) {
            Evaluation v = trainer.evaluate(split.validation());
            stdout.printf(Locale.ROOT, "final validation accuracy %.4f, loss %.4f%n", v.accuracy(), v.loss());
        }
        if (test != null) {
            Evaluation t = trainer.evaluate(test);
            stdout.printf(Locale.ROOT, "test accuracy %.4f, loss %.4f (%d rows of %s)%n", t.accuracy(), t.loss(), t.rows(), test.name());
        }
        stdout.println("wrote " + weights);
    }
}
