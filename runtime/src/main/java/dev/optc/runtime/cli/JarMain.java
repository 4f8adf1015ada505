package dev.optc.runtime.cli;

import dev.optc.runtime.EpochReport;
import dev.optc.runtime.Evaluation;
import dev.optc.runtime.TrainListener;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.data.DataException;
import dev.optc.runtime.data.DataSource;
import dev.optc.runtime.data.Dataset;
import dev.optc.runtime.report.ProgressBar;
import dev.optc.runtime.train.CompiledTrainer;
import dev.optc.runtime.train.TrainingDiverged;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.jar.Manifest;

/**
 * The entry point of a jar made by {@code optc compile}: {@code java -jar trainer.jar train|eval|predict ...} with
 * the options of {@code optc}. The trainer class is named by the manifest's {@code Optc-Trainer} attribute. Relative
 * data paths are resolved against the working directory. Written without a command-line library, so a trainer jar
 * holds nothing but the runtime and the generated classes.
 */
public final class JarMain {
    private static final String USAGE = """
            usage: java --add-modules jdk.incubator.vector -jar trainer.jar COMMAND [options]
              train   [--epochs N] [--seed S] [--data PATH] [--out DIR]   train; write DIR/final.safetensors (default runs/<recipe>)
              eval    --weights FILE [--data PATH]                        loss and accuracy on the validation and test data
              predict --weights FILE --input FILE.csv                     outputs (class probabilities), one line per row;
                                                                          the CSV is laid out as the training data
            """;

    private JarMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        try {
            Options options = Options.parse(args);
            CompiledTrainer trainer = newTrainer(options);
            return switch (args[0]) {
                case "train" -> train(trainer, options);
                case "eval" -> eval(trainer, options);
                case "predict" -> predict(trainer, options);
                default -> throw new IllegalArgumentException("unknown command " + args[0] + "\n" + USAGE);
            };
        } catch (IllegalArgumentException | DataException | TrainingDiverged | IOException e) {
            System.err.println("optc: " + e.getMessage());
            return 1;
        }
    }

    private static CompiledTrainer newTrainer(Options options) throws IOException {
        String name;
        try (InputStream in = JarMain.class.getResourceAsStream("/META-INF/MANIFEST.MF")) {
            if (in == null) throw new IllegalArgumentException("this jar has no manifest");
            name = new Manifest(in).getMainAttributes().getValue("Optc-Trainer");
        }
        if (name == null) throw new IllegalArgumentException("the manifest names no trainer (Optc-Trainer)");
        TrainOptions trainOptions = TrainOptions.defaults();
        if (options.seed != null) trainOptions = trainOptions.withSeed(options.seed);
        if (options.epochs != null) trainOptions = trainOptions.withEpochs(options.epochs);
        try {
            return (CompiledTrainer) Class.forName(name).getConstructor(TrainOptions.class).newInstance(trainOptions);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot create the trainer " + name + ": " + e);
        }
    }

    private static int train(CompiledTrainer trainer, Options options) throws IOException {
        Dataset.Split split = trainingData(trainer, options);
        System.out.printf(Locale.ROOT, "training %s: %d training rows, %d validation rows%n", trainer.recipeName(),
                split.train().rows(), split.validation() == null ? 0 : split.validation().rows());
        // As `optc train` does: a bar within each epoch on a terminal, replaced by the epoch's line; elsewhere the lines.
        ProgressBar bar = ProgressBar.forStandardOutput(System.out);
        trainer.fit(split.train(), split.validation(), new TrainListener() {
            @Override
            public void epochEnded(EpochReport report) {
                bar.clear();
                print(report);
            }

            @Override
            public void batchEnded(int epoch, int epochs, int batch, int batches, double runningLoss, double seconds) {
                bar.batch(epoch, epochs, batch, batches, runningLoss, seconds);
            }
        });
        report(trainer, split.validation(), testData(trainer, options));
        Path dir = options.out != null ? options.out : Path.of("runs", trainer.recipeName());
        Files.createDirectories(dir);
        Path weights = dir.resolve("final.safetensors");
        trainer.save(weights);
        System.out.println("wrote " + weights);
        return 0;
    }

    private static int eval(CompiledTrainer trainer, Options options) throws IOException {
        trainer.load(options.required("--weights", options.weights));
        Dataset.Split split = trainingData(trainer, options);
        report(trainer, split.validation() != null ? split.validation() : split.train(), testData(trainer, options));
        return 0;
    }

    private static int predict(CompiledTrainer trainer, Options options) throws IOException {
        trainer.load(options.required("--weights", options.weights));
        // The training CSV's layout, features first and a label column last (its values are not used), scaled as in
        // the recipe.
        Path file = options.required("--input", options.input);
        Dataset input = dev.optc.runtime.data.CsvData.load(file, null, (float) trainer.settings().data().scale());
        if (input.width() != trainer.inputWidth()) {
            throw new IllegalArgumentException(file + ": rows have " + input.width() + " features, the model takes " + trainer.inputWidth());
        }
        float[] out = trainer.predict(input.features(), input.rows());
        StringBuilder line = new StringBuilder();
        for (int r = 0; r < input.rows(); r++) {
            line.setLength(0);
            for (int j = 0; j < trainer.outputWidth(); j++) {
                if (j > 0) line.append(',');
                line.append(String.format(Locale.ROOT, "%.6g", out[r * trainer.outputWidth() + j]));
            }
            System.out.println(line);
        }
        return 0;
    }

    private static Dataset.Split trainingData(CompiledTrainer trainer, Options options) {
        DataSource source = trainer.settings().data();
        Dataset data = source.load(Path.of(""), options.data);
        Path file = options.data != null ? options.data : DataSource.resolve(Path.of(""), source.path());
        return dev.optc.runtime.train.CurriculumData.prepare(trainer, data, file, Path.of(""));
    }

    private static Dataset testData(CompiledTrainer trainer, Options options) {
        DataSource source = trainer.settings().test();
        return source == null ? null : source.load(Path.of(""), null);
    }

    private static void report(CompiledTrainer trainer, Dataset validation, Dataset test) {
        if (validation != null) {
            Evaluation v = trainer.evaluate(validation);
            System.out.printf(Locale.ROOT, "final validation accuracy %.4f, loss %.4f%n", v.accuracy(), v.loss());
        }
        if (test != null) {
            Evaluation t = trainer.evaluate(test);
            System.out.printf(Locale.ROOT, "test accuracy %.4f, loss %.4f (%d rows of %s)%n", t.accuracy(), t.loss(), t.rows(), test.name());
        }
    }

    private static void print(EpochReport r) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d  train loss %.4f", r.epoch(), r.epochs(), r.trainLoss()));
        if (!Double.isNaN(r.validationLoss())) {
            s.append(String.format(Locale.ROOT, "  val loss %.4f  val acc %.4f", r.validationLoss(), r.validationAccuracy()));
        }
        System.out.println(s.append(String.format(Locale.ROOT, "  %.3fs", r.seconds())));
    }

    /** The options of every command; each command reads the ones it takes. */
    private static final class Options {
        Integer epochs;
        Long seed;
        Path data;
        Path out;
        Path weights;
        Path input;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 1; i < args.length; i++) {
                String name = args[i];
                if (i + 1 >= args.length) throw new IllegalArgumentException(name + " needs a value");
                String value = args[++i];
                try {
                    switch (name) {
                        case "--epochs" -> o.epochs = Integer.parseInt(value);
                        case "--seed" -> o.seed = Long.parseLong(value);
                        case "--data" -> o.data = Path.of(value);
                        case "--out" -> o.out = Path.of(value);
                        case "--weights" -> o.weights = Path.of(value);
                        case "--input" -> o.input = Path.of(value);
                        default -> throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(name + " takes a number, not " + value);
                }
            }
            if (o.epochs != null && o.epochs < 1) throw new IllegalArgumentException("--epochs must be at least 1");
            return o;
        }

        Path required(String name, Path value) {
            if (value == null) throw new IllegalArgumentException(name + " is required");
            return value;
        }
    }
}
