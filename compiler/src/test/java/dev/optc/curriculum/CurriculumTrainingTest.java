package dev.optc.curriculum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompilationFailed;
import dev.optc.api.CompiledRecipe;
import dev.optc.api.Optc;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.data.DataSource;
import dev.optc.runtime.data.Dataset;
import dev.optc.runtime.train.CompiledTrainer;
import dev.optc.runtime.train.CurriculumData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A curriculum in a generated trainer: scores from a column or from saved weights, and a resume that changes nothing. */
class CurriculumTrainingTest {
    private static final int ROWS = 200;

    /** A CSV of 4 features, a `difficulty` column among them (third), and the label: rows whose values are all distinct. */
    private static Path csv(Path dir) throws IOException {
        SplittableRandom random = new SplittableRandom(12);
        StringBuilder s = new StringBuilder("a,b,difficulty,c,d,label\n");
        for (int r = 0; r < ROWS; r++) {
            double[] f = new double[4];
            for (int j = 0; j < 4; j++) f[j] = Math.round(random.nextDouble() * 1000) / 100.0;
            int label = (f[0] + f[1] > f[2] + f[3]) ? 1 : 0;
            s.append(f[0]).append(',').append(f[1]).append(',').append(r % 17 + 0.5).append(',')
                    .append(f[2]).append(',').append(f[3]).append(',').append(label).append('\n');
        }
        Path file = dir.resolve("scored.csv");
        Files.writeString(file, s);
        return file;
    }

    private static String recipe(Path data, String curriculum, String settings) {
        return """
                model Net(x: 4) -> 2 {
                    h = relu(dense(x, 8))
                    return dense(h, 2)
                }
                recipe r {
                    data       = csv("%s", validation: 0.25)
                    model      = Net
                    loss       = softmax_cross_entropy
                    optimizer  = sgd(lr: 0.1)
                    batch      = 16
                    epochs     = 6
                    seed       = 4
                    curriculum = %s
                %s
                }
                """.formatted(data.toString().replace('\\', '/'), curriculum, settings.indent(4));
    }

    /**
     * The score column leaves the features, and each training row keeps its own score: every training row is found in
     * the file (by its four features, all distinct) and its score is that row's `difficulty`.
     */
    @Test
    void aScoreColumnIsTakenOutOfTheFeaturesAndFollowsItsRows(@TempDir Path dir) throws CompilationFailed, IOException {
        Path file = csv(dir);
        CompiledRecipe compiled = Optc.compile(recipe(file, "difficulty(score: column(\"difficulty\"), pace: linear(from: 0.3, to: 1.0, over: 4 epochs))", ""),
                "curriculum_test.opt").first();
        CompiledTrainer trainer = (CompiledTrainer) compiled.newTrainer(TrainOptions.defaults());
        DataSource source = trainer.settings().data();
        Dataset all = source.load(dir, null);
        assertEquals(5, all.width(), "loaded with the score among the features");
        assertEquals(2, CurriculumData.scoreFeature(trainer.settings().curriculum(), file, null));
        CurriculumData.Scored scored = CurriculumData.splitColumn(all, 2, source.validationRows(ROWS), 4);
        Dataset train = scored.split().train();
        assertEquals(4, train.width());
        assertEquals(150, train.rows());
        assertEquals(50, scored.split().validation().rows());
        String[] lines = readLines(file);
        for (int r = 0; r < train.rows(); r++) {
            float[] f = Arrays.copyOfRange(train.features(), r * 4, r * 4 + 4);
            int match = -1;
            for (int i = 1; i < lines.length; i++) {
                String[] cells = lines[i].split(",");
                if (Float.parseFloat(cells[0]) == f[0] && Float.parseFloat(cells[1]) == f[1]
                        && Float.parseFloat(cells[3]) == f[2] && Float.parseFloat(cells[4]) == f[3]) {
                    match = i;
                }
            }
            assertFalse(match < 0, "training row " + r + " is not in the file");
            assertEquals(Double.parseDouble(lines[match].split(",")[2]), scored.scores()[r], 1e-6, "the score of training row " + r);
        }
    }

    /**
     * Checkpoint after 3 epochs, resume, finish: the same final bytes as 6 epochs in one go, for both modes (the
     * sampler's order is derived from the seed and the epoch, not carried from one epoch to the next).
     */
    @Test
    void aResumedCurriculumRunEndsWhereTheUninterruptedOneDoes(@TempDir Path dir) throws CompilationFailed, IOException {
        Path file = csv(dir);
        for (String mode : new String[] {"fraction", "stochastic"}) {
            CompiledRecipe compiled = Optc.compile(recipe(file, "difficulty(score: column(2), pace: step(from: 0.25, by: 0.25, every: 2 epochs), mode: "
                    + mode + ")", ""), "curriculum_test.opt").first();
            Dataset all = compiled.newTrainer(TrainOptions.defaults()) instanceof CompiledTrainer t ? t.settings().data().load(dir, null) : null;

            CompiledTrainer straight = (CompiledTrainer) compiled.newTrainer(TrainOptions.defaults());
            Dataset.Split split = CurriculumData.prepare(straight, all, file, dir);
            straight.fit(split.train(), split.validation(), r -> { });

            CompiledTrainer first = (CompiledTrainer) compiled.newTrainer(TrainOptions.defaults().withEpochs(3));
            CurriculumData.prepare(first, all, file, dir);
            first.fit(split.train(), split.validation(), r -> { });
            Path checkpoint = dir.resolve(mode + ".ckpt");
            first.saveCheckpoint(checkpoint);
            CompiledTrainer resumed = (CompiledTrainer) compiled.newTrainer(TrainOptions.defaults());
            CurriculumData.prepare(resumed, all, file, dir);
            resumed.resume(checkpoint);
            resumed.fit(split.train(), split.validation(), r -> { });

            Path a = dir.resolve(mode + "-straight.safetensors"), b = dir.resolve(mode + "-resumed.safetensors");
            straight.save(a);
            resumed.save(b);
            assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), mode + ": resumed and uninterrupted runs differ");
        }
    }

    /**
     * `loss_under`: the score of every row is its loss under the saved weights, as evaluating that row alone (with the
     * logits, in double) gives it.
     */
    @Test
    void lossUnderSavedWeightsIsEachRowsOwnLoss(@TempDir Path dir) throws CompilationFailed, IOException {
        Path file = csv(dir);
        CompiledRecipe plain = Optc.compile(recipe(file, "difficulty(score: column(\"difficulty\"), pace: linear(from: 0.3, to: 1.0, over: 4 epochs))", ""),
                "curriculum_test.opt").first();
        CompiledTrainer teacher = (CompiledTrainer) plain.newTrainer(TrainOptions.defaults().withEpochs(2));
        Dataset all = teacher.settings().data().load(dir, null);
        Dataset.Split split = CurriculumData.prepare(teacher, all, file, dir);
        teacher.fit(split.train(), null, r -> { });
        Path weights = dir.resolve("teacher.safetensors");
        teacher.save(weights);

        CompiledRecipe scoredByTeacher = Optc.compile(recipe(file, "difficulty(score: loss_under(\"teacher.safetensors\"), pace: linear(from: 0.3, to: 1.0, over: 4 epochs))", ""),
                "curriculum_test.opt").first();
        CompiledTrainer student = (CompiledTrainer) scoredByTeacher.newTrainer(TrainOptions.defaults());
        Dataset train = split.train();
        double[] losses = CurriculumData.lossUnder(student, weights, train);
        for (int r = 0; r < train.rows(); r++) {
            double own = teacher.evaluate(train.subset(new int[] {r}, "row")).loss();
            assertEquals(own, losses[r], 1e-5 * Math.max(1, own), "row " + r);
        }
        assertThrows(RuntimeException.class, () -> CurriculumData.lossUnder(student, dir.resolve("missing.safetensors"), train));
    }

    /**
     * `optc train` on a recipe whose score is a column: the column is not a feature (the model takes 4 inputs of the
     * file's 5 non-label columns), and metrics.jsonl records λ(e) = 0.3 + 0.7·min(1, (e − 1)/4) as curriculum_pace.
     */
    @Test
    void theCommandLineTrainsWithAScoreColumn(@TempDir Path dir) throws IOException {
        Path file = csv(dir);
        Path recipe = dir.resolve("scored.opt");
        Files.writeString(recipe, recipe(Path.of("scored.csv"), "difficulty(score: column(\"difficulty\"), pace: linear(from: 0.3, to: 1.0, over: 4 epochs))", ""));
        java.io.PrintStream old = System.out;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int code;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            code = dev.optc.cli.Main.run(new String[] {"train", recipe.toString(), "--out", dir.resolve("run").toString()});
        } finally {
            System.setOut(old);
        }
        assertEquals(0, code, out.toString());
        assertTrue(out.toString().contains("epoch 6/6"), out.toString());
        List<String> lines = Files.readAllLines(dir.resolve("run/metrics.jsonl"));
        assertEquals(6, lines.size());
        for (int e = 1; e <= 6; e++) {
            double pace = 0.3 + 0.7 * Math.min(1, (e - 1) / 4.0);
            java.util.regex.Matcher logged = java.util.regex.Pattern.compile("\"curriculum_pace\":([-0-9.eE]+)").matcher(lines.get(e - 1));
            assertTrue(logged.find(), lines.get(e - 1));
            assertEquals(pace, Double.parseDouble(logged.group(1)), 1e-12, "epoch " + e);
        }
    }

    private static String[] readLines(Path file) {
        try {
            return Files.readString(file).split("\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
