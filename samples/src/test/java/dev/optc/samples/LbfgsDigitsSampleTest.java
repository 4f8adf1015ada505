package dev.optc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** samples/strategies/lbfgs_digits.opt as a user runs it: one epoch line per L-BFGS iteration, the loss falling. */
class LbfgsDigitsSampleTest {
    @Test
    void everyIterationIsAnEpochLineAndTheLineSearchOnlyDescends(@TempDir Path out) {
        DigitsSampleTest.Run run = DigitsSampleTest.optc("train", Path.of("strategies", "lbfgs_digits.opt").toString(),
                "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err() + run.out());
        Matcher m = Pattern.compile("(?m)^epoch\\s+\\d+/16\\s+train loss (\\S+)\\s+val loss \\S+\\s+val acc (\\S+)").matcher(run.out());
        List<Double> losses = new ArrayList<>();
        double accuracy = 0;
        while (m.find()) {
            losses.add(Double.parseDouble(m.group(1)));
            accuracy = Double.parseDouble(m.group(2));
        }
        assertEquals(16, losses.size(), run.out());
        for (int i = 1; i < losses.size(); i++) assertTrue(losses.get(i) <= losses.get(i - 1), run.out());
        assertTrue(losses.getLast() < losses.getFirst() / 10, run.out());
        assertTrue(accuracy > 0.9, run.out());
    }
}
