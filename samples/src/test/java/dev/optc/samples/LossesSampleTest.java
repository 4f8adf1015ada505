package dev.optc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * `samples/networks/losses.opt`: each of cross_entropy, binary_cross_entropy and l1 trains the digits MLP through the
 * CLI, its loss falls, and the validation accuracy reaches a floor well above chance (0.1). The floors sit a few
 * points under what the sample reached when written (0.975, 0.961, 0.894 with seed 42).
 */
class LossesSampleTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({"losses_cross_entropy, 0.95", "losses_binary_cross_entropy, 0.93", "losses_l1, 0.85"})
    void eachLossTrainsTheDigitsMlp(String recipe, double floor, @TempDir Path out) {
        DigitsSampleTest.Run run = DigitsSampleTest.optc("train", "networks/losses.opt", "--recipe", recipe, "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        Matcher losses = Pattern.compile("(?m)^epoch +\\d+/\\d+ +train loss (\\d+\\.\\d+)").matcher(run.out());
        double first = Double.NaN, last = Double.NaN;
        while (losses.find()) {
            last = Double.parseDouble(losses.group(1));
            if (Double.isNaN(first)) first = last;
        }
        assertTrue(last < 0.7 * first, "the training loss falls: " + first + " → " + last + "\n" + run.out());
        Matcher accuracy = Pattern.compile("final validation accuracy (\\d\\.\\d+)").matcher(run.out());
        assertTrue(accuracy.find(), run.out());
        double value = Double.parseDouble(accuracy.group(1));
        assertTrue(value >= floor, recipe + ": validation accuracy " + value + "\n" + run.out());
    }
}
