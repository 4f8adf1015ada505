package dev.optc.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `optc train samples/digits.opt` as a user runs it: the accuracy it reaches, and that a rerun is bit-identical. */
class DigitsSampleTest {
    private static final Path SAMPLE = Path.of("digits.opt");

    record Run(int exitCode, String out, String err) {
    }

    static Run optc(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void trainsToAtLeast95PercentValidationAccuracyWithinItsDefaultEpochs(@TempDir Path out) throws Exception {
        Run run = optc("train", SAMPLE.toString(), "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        Matcher epochs = Pattern.compile("(?m)^epoch +\\d+/(\\d+) +train loss").matcher(run.out());
        int lines = 0;
        while (epochs.find()) lines++;
        assertTrue(lines >= 1, "one line per epoch:\n" + run.out());
        Matcher accuracy = Pattern.compile("final validation accuracy (\\d\\.\\d+)").matcher(run.out());
        assertTrue(accuracy.find(), run.out());
        double value = Double.parseDouble(accuracy.group(1));
        assertTrue(value >= 0.95, "validation accuracy " + value + "\n" + run.out());
        assertTrue(Files.size(out.resolve("final.safetensors")) > 0);
    }

    @Test
    void theSameSeedGivesIdenticalLossesAndBitIdenticalWeights(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a"), b = dir.resolve("b");
        Run first = optc("train", SAMPLE.toString(), "--epochs", "4", "--out", a.toString());
        Run second = optc("train", SAMPLE.toString(), "--epochs", "4", "--out", b.toString());
        assertEquals(0, first.exitCode(), first.err());
        assertEquals(losses(first.out()), losses(second.out()));
        assertArrayEquals(Files.readAllBytes(a.resolve("final.safetensors")), Files.readAllBytes(b.resolve("final.safetensors")));
        Run other = optc("train", SAMPLE.toString(), "--epochs", "4", "--seed", "7", "--out", dir.resolve("c").toString());
        assertTrue(!losses(first.out()).equals(losses(other.out())), "another seed trains differently");
    }

    /** The epoch lines without their timings. */
    private static String losses(String out) {
        return out.lines().filter(l -> l.startsWith("epoch")).map(l -> l.replaceAll("\\s+\\d+\\.\\d+s$", ""))
                .reduce("", (x, y) -> x + y + "\n");
    }
}
