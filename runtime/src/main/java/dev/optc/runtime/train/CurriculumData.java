package dev.optc.runtime.train;

import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.data.DataException;
import dev.optc.runtime.data.DataSource;
import dev.optc.runtime.data.Dataset;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a curriculum's difficulty scores come from, computed once before training: a column of the training CSV
 * (taken out of the features before the model sees them), or the loss of every training example under weights of the
 * same model read from a file (`loss_under("teacher.safetensors")`).
 */
public final class CurriculumData {
    private CurriculumData() {
    }

    /** Training and validation rows without the score column, and the score of every training row. */
    public record Scored(Dataset.Split split, double[] scores) {
    }

    /**
     * The position among the features of the plan's score column: the CSV's columns minus the label column. Reads the
     * header of {@code csv} only.
     *
     * @throws DataException when the column is not there, or is the label column
     */
    public static int scoreFeature(CurriculumPlan plan, Path csv, String labelColumn) {
        List<String> names = header(csv);
        int label = labelColumn == null ? names.size() - 1 : names.indexOf(labelColumn);
        int column = plan.scoreName() != null ? names.indexOf(plan.scoreName()) : plan.scoreIndex();
        String what = plan.scoreName() != null ? "column \"" + plan.scoreName() + "\"" : "column " + plan.scoreIndex();
        if (column < 0 || column >= names.size()) {
            throw new DataException(csv + ": the curriculum's score names " + what + ", but the file's columns are "
                    + (names.size() <= 16 ? String.join(", ", names) : names.size() + " columns, 0 to " + (names.size() - 1)));
        }
        if (column == label) throw new DataException(csv + ": the curriculum's score " + what + " is the label column");
        return label >= 0 && column > label ? column - 1 : column;
    }

    /** The column names of a CSV file's header row (the first line that is not blank). */
    public static List<String> header(Path csv) {
        try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String line = in.readLine();
            while (line != null && line.isBlank()) line = in.readLine();
            if (line == null) throw new DataException(csv + ": no header row");
            if (!line.isEmpty() && line.charAt(0) == '\uFEFF') line = line.substring(1);
            List<String> names = new ArrayList<>();
            for (String cell : line.split(",", -1)) {
                String name = cell.strip();
                if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) name = name.substring(1, name.length() - 1).strip();
                names.add(name);
            }
            return names;
        } catch (IOException e) {
            throw new DataException(csv + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Holds out validation rows of {@code data} (which still has the score among its features, at {@code feature}) as
     * {@link Dataset#split} does, then takes the score out of both parts. The scores were multiplied by the data's
     * scale with the features; only their order matters, which a positive scale keeps.
     */
    public static Scored splitColumn(Dataset data, int feature, int validationRows, long seed) {
        Dataset.Split split = data.split(validationRows, seed);
        Dataset train = split.train();
        double[] scores = new double[train.rows()];
        for (int r = 0; r < scores.length; r++) scores[r] = train.features()[r * train.width() + feature];
        return new Scored(new Dataset.Split(without(train, feature), split.validation() == null ? null : without(split.validation(), feature)),
                scores);
    }

    /** The dataset without one feature column. */
    public static Dataset without(Dataset data, int feature) {
        int width = data.width();
        float[] kept = new float[data.rows() * (width - 1)];
        for (int r = 0; r < data.rows(); r++) {
            System.arraycopy(data.features(), r * width, kept, r * (width - 1), feature);
            System.arraycopy(data.features(), r * width + feature + 1, kept, r * (width - 1) + feature, width - 1 - feature);
        }
        return new Dataset(data.name(), kept, data.labels(), data.rows(), width - 1, data.classes());
    }

    /**
     * The loss of every example of {@code data} under the weights in {@code weights}, read into a fresh trainer of the
     * same recipe (so {@code trainer} itself is not touched): −log p(label) for softmax cross-entropy, the mean squared
     * error of the row's outputs against its one-hot label for mse.
     */
    public static double[] lossUnder(CompiledTrainer trainer, Path weights, Dataset data) {
        CompiledTrainer teacher;
        try {
            teacher = trainer.getClass().getConstructor(TrainOptions.class).newInstance(TrainOptions.defaults());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create a second " + trainer.getClass().getSimpleName(), e);
        }
        if (!Files.isRegularFile(weights)) {
            throw new DataException(weights + ": no such file; the curriculum's `loss_under` reads weights of the recipe's model "
                    + "(train it briefly, for example, and give its final.safetensors)");
        }
        try {
            teacher.load(weights);
        } catch (IOException | IllegalArgumentException e) {
            throw new DataException(weights + ": cannot be read as weights of " + trainer.recipeName() + "'s model: " + e.getMessage(), e);
        }
        int width = teacher.outputWidth();
        float[] outputs = teacher.predict(data.features(), data.rows());
        boolean crossEntropy = trainer.settings().loss().equals("softmax_cross_entropy");
        double[] losses = new double[data.rows()];
        for (int r = 0; r < data.rows(); r++) {
            int label = data.labels()[r];
            if (crossEntropy) {
                // predict gives probabilities; one that underflowed to 0 counts as the smallest float.
                losses[r] = -Math.log(Math.max(outputs[r * width + label], Float.MIN_VALUE));
            } else {
                double sum = 0;
                for (int j = 0; j < width; j++) {
                    double diff = outputs[r * width + j] - (j == label ? 1.0 : 0.0);
                    sum += diff * diff;
                }
                losses[r] = sum / width;
            }
        }
        return losses;
    }

    /**
     * Holds out the validation rows of {@code data} (loaded as the trainer's recipe says, a score column still among
     * its features) and, for a recipe with a curriculum, gives the trainer the difficulty of every training row: a
     * score column is taken out of the features, a `loss_under` file is read relative to {@code base}.
     *
     * @param dataFile the CSV {@code data} came from, for its header
     */
    public static Dataset.Split prepare(CompiledTrainer trainer, Dataset data, Path dataFile, Path base) {
        TrainingSettings settings = trainer.settings();
        int validation = settings.data().validationRows(data.rows());
        CurriculumPlan plan = settings.curriculum();
        if (plan == null) return data.split(validation, settings.seed());
        if (plan.scoresFromColumn()) {
            Scored scored = splitColumn(data, scoreFeature(plan, dataFile, settings.data().label()), validation, settings.seed());
            trainer.setDifficulty(scored.scores());
            return scored.split();
        }
        Dataset.Split split = data.split(validation, settings.seed());
        trainer.setDifficulty(lossUnder(trainer, weightsFile(plan, base), split.train()));
        return split;
    }

    /** The weights file of a `loss_under` plan, relative to {@code base} (the recipe's folder, or the working directory). */
    public static Path weightsFile(CurriculumPlan plan, Path base) {
        return DataSource.resolve(base, plan.scoreName());
    }
}
