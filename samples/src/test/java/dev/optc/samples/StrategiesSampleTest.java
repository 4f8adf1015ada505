package dev.optc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stage samples of samples/strategies/ as a user runs them: the stages they print and the accuracy they reach. */
class StrategiesSampleTest {

    static double finalAccuracy(DigitsSampleTest.Run run) {
        Matcher accuracy = Pattern.compile("final validation accuracy (\\d\\.\\d+)").matcher(run.out());
        assertTrue(accuracy.find(), run.out());
        return Double.parseDouble(accuracy.group(1));
    }

    @Test
    void greedyPretrainingPrintsTheStagesOfFigure87AndReaches95Percent(@TempDir Path out) {
        DigitsSampleTest.Run run = DigitsSampleTest.optc("train", "strategies/greedy.opt", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("stage 1/4  greedy 1/3: h1 64→32, out_greedy1 32→10; 4 epochs"), run.out());
        assertTrue(run.out().contains("stage 2/4  greedy 2/3: h1 64→32 frozen, h2 32→32, out_greedy2 32→10; 4 epochs"), run.out());
        assertTrue(run.out().contains("stage 3/4  greedy 3/3: h1 64→32 frozen, h2 32→32 frozen, h3 32→32, out 32→10; 4 epochs"), run.out());
        assertTrue(run.out().contains("stage 4/4  finetune: h1 64→32, h2 32→32, h3 32→32, out 32→10; 10 epochs"), run.out());
        double accuracy = finalAccuracy(run);
        assertTrue(accuracy >= 0.95, "validation accuracy " + accuracy + "\n" + run.out());
    }

    @Test
    void yuEtAlsVariantFeedsTheRawInputBesideThePreviousStagesOutput(@TempDir Path out) {
        DigitsSampleTest.Run run = DigitsSampleTest.optc("train", "strategies/greedy.opt", "--recipe", "yu", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("stage 2/4  greedy 2/3 (raw input): h1 64→32 frozen, out_greedy1 32→10 frozen, h2 74→32, "
                + "out_greedy2 32→10; 4 epochs"), run.out());
        double accuracy = finalAccuracy(run);
        assertTrue(accuracy >= 0.95, "validation accuracy " + accuracy + "\n" + run.out());
    }

    @Test
    void fitnetsTrainsTheTeacherThenTheStudentOnItsHintThenOnTheTask(@TempDir Path out) {
        DigitsSampleTest.Run run = DigitsSampleTest.optc("train", "strategies/fitnets.opt", "--recipe", "student", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("teacher  wide: h1 64→128, out 128→10"), run.out());
        assertTrue(run.out().contains("stage 1/2  hints: h1 64→16, h2 16→16, h3 16→16, h3_regressor 16→128; 5 epochs on the hint loss"), run.out());
        double accuracy = finalAccuracy(run);
        assertTrue(accuracy >= 0.9, "validation accuracy " + accuracy + "\n" + run.out());
    }

    @Test
    void transferStartsFromTheShippedCheckpointWithItsLayersFrozenFirst(@TempDir Path out) {
        DigitsSampleTest.Run run = DigitsSampleTest.optc("train", "strategies/transfer.opt", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("stage 1/2  frozen h1, h2: h1 64→32 frozen, h2 32→32 frozen, h3 32→32, out 32→10; 4 epochs"), run.out());
        // h1 and h2 come trained: one epoch of training h3 and out alone already classifies most digits.
        Matcher first = Pattern.compile("epoch 1/4 .* val acc (\\d\\.\\d+)").matcher(run.out());
        assertTrue(first.find(), run.out());
        assertTrue(Double.parseDouble(first.group(1)) >= 0.8, run.out());
        double accuracy = finalAccuracy(run);
        assertTrue(accuracy >= 0.95, "validation accuracy " + accuracy + "\n" + run.out());
    }
}
