package dev.optc.samples;

import static dev.optc.samples.DigitsSampleTest.optc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitoring and curriculum samples of samples/strategies/ as a user runs them. */
class MonitoringSamplesTest {

    /**
     * conditioning.opt prints gᵀg, gᵀHg and both Taylor terms every epoch; on this run the seed's observation holds: gᵀg
     * at epoch 9 is larger than at epoch 1 while the training loss has fallen, and ½ε²gᵀHg has grown faster than εgᵀg.
     */
    @Test
    void conditioningShowsTheGradientGrowingWhileTheLossFalls(@TempDir Path out) {
        DigitsSampleTest.Run run = optc("train", "strategies/conditioning.opt", "--epochs", "9", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        List<double[]> epochs = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^epoch +\\d+/9 +train loss (\\S+) .* gTg (\\S+) +gTHg (\\S+) +eps\\*gTg (\\S+) +eps\\^2/2\\*gTHg (\\S+)")
                .matcher(run.out());
        while (m.find()) {
            epochs.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
                    Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5))});
        }
        assertEquals(9, epochs.size(), run.out());
        double[] first = epochs.getFirst(), last = epochs.getLast();
        assertTrue(last[0] < first[0], "the loss falls:\n" + run.out());
        assertTrue(last[1] > first[1], "gᵀg grows:\n" + run.out());
        for (double[] e : epochs) assertEquals(0.01 * e[1], e[3], 0.01 * e[1] * 2e-3, "εgᵀg with ε = 0.01, as printed");
        assertTrue(last[4] / last[3] > first[4] / first[3], "½ε²gᵀHg catches up with εgᵀg:\n" + run.out());
    }

    @Test
    void curriculumTrainsWithTheShippedTeachersScores(@TempDir Path out) {
        DigitsSampleTest.Run run = optc("train", "strategies/curriculum.opt", "--recipe", "easy_first", "--epochs", "2",
                "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err() + run.out());
        assertTrue(run.out().contains("epoch 2/2"), run.out());
    }

    /** early_stopping.opt stops before its 100 epochs and keeps the best epoch: its final validation loss is the lowest printed. */
    @Test
    void earlyStoppingStopsAndKeepsTheBestEpoch(@TempDir Path out) {
        DigitsSampleTest.Run run = optc("train", "strategies/early_stopping.opt", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        Matcher stopped = Pattern.compile("keeping the weights of epoch (\\d+)").matcher(run.out());
        assertTrue(stopped.find(), run.out());
        Matcher losses = Pattern.compile("(?m)^epoch +(\\d+)/100 .* val loss (\\S+)").matcher(run.out());
        double best = Double.POSITIVE_INFINITY;
        int bestEpoch = 0, lastEpoch = 0;
        while (losses.find()) {
            lastEpoch = Integer.parseInt(losses.group(1));
            double v = Double.parseDouble(losses.group(2));
            if (v < best) {
                best = v;
                bestEpoch = lastEpoch;
            }
        }
        assertTrue(lastEpoch < 100, "stopped early");
        assertEquals(bestEpoch, Integer.parseInt(stopped.group(1)));
        Matcher fin = Pattern.compile("final validation accuracy \\S+, loss (\\S+)").matcher(run.out());
        assertTrue(fin.find(), run.out());
        assertEquals(best, Double.parseDouble(fin.group(1)), 1e-4, "the final weights are the best epoch's");
    }
}
