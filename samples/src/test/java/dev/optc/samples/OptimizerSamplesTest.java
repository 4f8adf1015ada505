package dev.optc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompiledRecipe;
import dev.optc.api.Optc;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every recipe of samples/optimizers/digits.opt (each optimizer of the prelude, the settings around a rule, per-layer
 * groups with a schedule) and the user-defined AdaBelief of adabelief.opt train the digits MLP as a user runs them,
 * with `optc train`, to at least 90% validation accuracy in their 10 epochs (they reach 0.92–0.99, delta-bar-delta,
 * a full-batch method in the seed, and adadelta the lowest; an untrained
 * network is near 0.10, and a rule that diverges or does not move the weights stays far below).
 */
class OptimizerSamplesTest {
    private static final double ACCURACY = 0.90;

    static Stream<Arguments> recipes() throws Exception {
        Stream<Arguments> digits = Optc.compile(Path.of("optimizers/digits.opt")).recipes().stream()
                .map(CompiledRecipe::name).map(name -> Arguments.of("optimizers/digits.opt", name));
        return Stream.concat(digits, Stream.of(Arguments.of("optimizers/adabelief.opt", "digits_adabelief")));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("recipes")
    void trainsTheDigitsMlp(String file, String recipe, @TempDir Path out) {
        DigitsSampleTest.Run run = DigitsSampleTest.optc("train", file, "--recipe", recipe, "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        Matcher accuracy = Pattern.compile("final validation accuracy (\\d\\.\\d+)").matcher(run.out());
        assertTrue(accuracy.find(), run.out());
        double value = Double.parseDouble(accuracy.group(1));
        assertTrue(value >= ACCURACY, recipe + ": validation accuracy " + value + "\n" + run.out());
    }
}
