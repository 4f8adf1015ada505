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

/** `optc train samples/strategies/sparse_coding.opt`: H and W alternate, and the printed cost falls at every sweep. */
class SparseCodingSampleTest {
    @Test
    void theCostFallsAtEverySweep(@TempDir Path out) {
        DigitsSampleTest.Run run = DigitsSampleTest.optc("train", "strategies/sparse_coding.opt", "--steps", "5", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("block coordinate descent over [H] then [W]"), run.out());
        Matcher sweeps = Pattern.compile("(?m)^sweep +\\d+/5 +J = (\\S+)").matcher(run.out());
        List<Double> costs = new ArrayList<>();
        while (sweeps.find()) costs.add(Double.parseDouble(sweeps.group(1)));
        assertEquals(5, costs.size(), run.out());
        for (int i = 1; i < costs.size(); i++) assertTrue(costs.get(i) < costs.get(i - 1), "J falls: " + costs);
        assertTrue(run.out().contains("H = [") && run.out().contains("(28752 values)"), "H is [16, 1797]: " + run.out());
    }
}
