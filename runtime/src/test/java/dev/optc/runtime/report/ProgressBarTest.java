package dev.optc.runtime.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The progress bar's text for given counts and times, its redraw rate, and its silence off a terminal. */
class ProgressBarTest {

    @Test
    void rendersBatchesRateTimeLeftAndRunningLoss() {
        // 15 of 45 batches in 0.5 s: 30 batches/s, 30 batches left → 1.00 s; the bar is 24 × 15/45 = 8 '=' then '>'.
        assertEquals("epoch  3/30 [========>               ] 15/45  30 batches/s  ETA 1.00s  loss 0.2346",
                ProgressBar.render(3, 30, 15, 45, 0.23456, 0.5));
        // 1 of 1000 batches in 2 s: 0.5 batches/s (a decimal below 10), 999 left → 1998 s = 33:18.
        assertEquals("epoch 1/1 [>                       ]    1/1000  0.5 batches/s  ETA 33:18  loss 2.3026",
                ProgressBar.render(1, 1, 1, 1000, 2.302585, 2.0));
    }

    @Test
    void writesDurationsInTheirShortestForm() {
        assertEquals("0.07s", ProgressBar.duration(0.07));
        assertEquals("42s", ProgressBar.duration(42.2));
        assertEquals("3:05", ProgressBar.duration(185));
        assertEquals("1:02:03", ProgressBar.duration(3723));
    }

    @Test
    void onATerminalRedrawsInPlaceAtMostTenTimesASecondAndClearsForTheEpochLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        // 100 batches over 0.99 s: one every 10 ms.
        for (int b = 1; b <= 100; b++) bar.batch(1, 2, b, 100, 1.0, b * 0.0099);
        String drawn = bytes.toString(StandardCharsets.UTF_8);
        long redraws = drawn.chars().filter(c -> c == '\r').count();
        assertTrue(redraws >= 9 && redraws <= 10, redraws + " redraws in about a second: " + drawn);
        assertTrue(drawn.startsWith("\repoch 1/2 ["), drawn);
        assertTrue(!drawn.contains("\n"), "a bar never ends its line");
        bytes.reset();
        bar.clear();
        String cleared = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(cleared.matches("\r +\r"), "spaces over the bar, back at the line's start: [" + cleared + "]");
        bytes.reset();
        bar.clear();
        assertEquals("", bytes.toString(StandardCharsets.UTF_8), "nothing to clear twice");
    }

    @Test
    void offATerminalDrawsNothing() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        for (int b = 1; b <= 100; b++) bar.batch(1, 1, b, 100, 1.0, b * 0.05);
        bar.clear();
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aTestJvmsOutputIsNotATerminal() {
        // Surefire pipes the forked JVM's output: the fallback (one line per epoch) is what a pipe gets.
        assertEquals(false, ProgressBar.standardOutputIsTerminal());
    }
}
