package dev.optc.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompiledRecipe;
import dev.optc.api.Contenders;
import dev.optc.api.Optc;
import dev.optc.check.CheckedRecipe;
import dev.optc.runtime.ParameterSpec;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.Trainer;
import dev.optc.runtime.data.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The samples of samples/strategies/ as a user runs them: the table, the figure, and what each one shows. */
class StrategySamplesTest {
    private static final Path DIR = Path.of("strategies");

    private static DigitsSampleTest.Run train(Path out, String file, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("train", DIR.resolve(file).toString(), "--out", out.toString()));
        args.addAll(List.of(more));
        DigitsSampleTest.Run run = DigitsSampleTest.optc(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err() + run.out());
        return run;
    }

    /** The labels of the SVG's paths, after checking it is one well-formed document. */
    private static List<String> series(Path svg) throws Exception {
        assertTrue(Files.isRegularFile(svg), svg + " was not written");
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
        NodeList paths = doc.getElementsByTagName("path");
        List<String> labels = new java.util.ArrayList<>();
        for (int i = 0; i < paths.getLength(); i++) {
            Element p = (Element) paths.item(i);
            if (p.hasAttribute("data-series")) labels.add(p.getAttribute("data-series"));
        }
        return labels;
    }

    /** The final J of the table's row that starts with {@code label}. */
    private static double finalValue(String out, String label) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(label) + "\\s+(\\S+)\\s").matcher(out);
        assertTrue(m.find(), "no row for " + label + " in\n" + out);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void raceTabulatesEveryOptimizerAndDrawsTheirPaths(@TempDir Path out) throws Exception {
        DigitsSampleTest.Run run = train(out, "race.opt");
        assertEquals(List.of("sgd(lr: 0.019)", "momentum(lr: 0.019, alpha: 0.9)", "nesterov(lr: 0.01, alpha: 0.9)", "adam(lr: 0.3)"),
                series(out.resolve("valley.svg")));
        assertTrue(finalValue(run.out(), "momentum(lr: 0.019, alpha: 0.9)") < finalValue(run.out(), "sgd(lr: 0.019)") / 10, run.out());
        DigitsSampleTest.Run all = train(out.resolve("all"), "race.opt", "--recipe", "race_all");
        for (String solver : List.of("newton()", "cg()", "bfgs()", "lbfgs(history: 5)")) {
            assertTrue(finalValue(all.out(), solver) < 1e-8, solver + "\n" + all.out());
        }
        assertTrue(finalValue(all.out(), "coordinate_descent()") < 1e-8, "the quadratic is separable: one sweep\n" + all.out());
    }

    @Test
    void polyakAveragingEndsNearerTheValleysFloorThanTheIterate(@TempDir Path out) throws Exception {
        DigitsSampleTest.Run run = train(out, "polyak.opt");
        double plain = finalValue(run.out(), "sgd(lr: 0.02)");
        assertTrue(finalValue(run.out(), "sgd(lr: 0.02, average: polyak())") < plain / 2, run.out());
        assertTrue(finalValue(run.out(), "sgd(lr: 0.02, average: ema(0.9))") < plain / 2, run.out());
        assertEquals(3, series(out.resolve("polyak.svg")).size());
    }

    @Test
    void continuationLeavesTheLocalMinimumThatStopsGradientDescent(@TempDir Path out) throws Exception {
        double[] plain = finalPoint(train(out.resolve("plain"), "continuation.opt", "--recipe", "ripples_plain").out());
        assertTrue(Math.hypot(plain[0], plain[1]) > 3.5, "stuck near (3, −3)");
        for (String recipe : List.of("ripples_smoothing", "ripples_anneal")) {
            DigitsSampleTest.Run run = train(out.resolve(recipe), "continuation.opt", "--recipe", recipe);
            double[] p = finalPoint(run.out());
            assertTrue(Math.hypot(p[0], p[1]) < 1e-3, recipe + " ends at the global minimum (0, 0)\n" + run.out());
            assertTrue(run.out().contains("stage 5/5"), run.out());
        }
        assertEquals(1, series(out.resolve("plain/plain.svg")).size());
        assertEquals(1, series(out.resolve("ripples_smoothing/smoothing.svg")).size());
    }

    @Test
    void coordinateDescentZigZagsWhileNewtonIsDoneInOneStep(@TempDir Path out) throws Exception {
        DigitsSampleTest.Run run = train(out, "zigzag.opt");
        // 8.7.2: with α = 0.01 each sweep shrinks x by only 1/(1 + α)² ≈ 0.98, so after 50 sweeps f is still far from 0.
        assertTrue(finalValue(run.out(), "coordinate_descent()") > 0.01, run.out());
        assertTrue(finalValue(run.out(), "newton()") < 1e-12, run.out());
        assertEquals(List.of("coordinate_descent()", "newton()", "sgd(lr: 0.2)"), series(out.resolve("zigzag.svg")));
    }

    @Test
    void modelCompareTrainsEachOptimizerAsItsOwnRecipeWould(@TempDir Path out) throws Exception {
        DigitsSampleTest.Run run = train(out, "digits_race.opt", "--epochs", "1");
        for (String label : List.of("sgd(lr: 0.1)", "momentum(lr: 0.01, alpha: 0.9)", "rmsprop(lr: 0.001)", "adam(lr: 0.001)")) {
            assertTrue(run.out().lines().anyMatch(l -> l.startsWith(label + " ")), label + "\n" + run.out());
        }
        assertTrue(Files.size(out.resolve("4.safetensors")) > 0);

        // The oracle: the same file with one optimizer instead of `compare`, trained on its own.
        String source = Files.readString(DIR.resolve("digits_race.opt"));
        CompiledRecipe compared = Optc.compile(DIR.resolve("digits_race.opt")).first();
        List<CompiledRecipe> contenders = Contenders.of(compared);
        CheckedRecipe.DataSpec spec = compared.recipe().data();
        Dataset data = spec.source().load(DIR.toAbsolutePath(), null);
        Dataset.Split split = data.split(spec.source().validationRows(data.rows()), compared.recipe().seed());
        TrainOptions options = TrainOptions.defaults().withEpochs(1);
        for (int k : new int[] {1, 3}) {
            String label = compared.recipe().contenders().get(k).label();
            String alone = source.replaceFirst("(?m)^    compare .*$", "    optimizer = " + java.util.regex.Matcher.quoteReplacement(label));
            CompiledRecipe single = Optc.compile(alone, DIR.resolve("digits_race.opt").toString()).first();
            Trainer a = contenders.get(k).newTrainer(options), b = single.newTrainer(options);
            a.fit(split.train(), split.validation(), r -> { });
            b.fit(split.train(), split.validation(), r -> { });
            for (ParameterSpec p : a.parameters()) assertArrayEquals(b.parameter(p.name()), a.parameter(p.name()), label + " " + p.name());
        }
    }

    private static double[] finalPoint(String out) {
        Matcher m = Pattern.compile("(?m)^  p = \\[(\\S+), (\\S+)\\]").matcher(out);
        assertTrue(m.find(), out);
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
    }
}
