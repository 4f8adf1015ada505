package dev.optc.runtime.report;

import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The console progress bar of an epoch: batches done, batches/s, the time left and the running loss, redrawn in place
 * (carriage return) at most {@link #REDRAW_SECONDS} apart, so a fast epoch costs a few writes, not one per batch. When
 * the output is not a terminal (a file, a pipe, a CI log) it draws nothing, and the caller's one line per epoch is all
 * there is.
 */
public final class ProgressBar {
    /** At most ten redraws a second. */
    static final double REDRAW_SECONDS = 0.1;
    private static final int BAR_WIDTH = 24;

    private final PrintStream out;
    private final boolean terminal;
    private double lastDraw = Double.NEGATIVE_INFINITY;
    private int lastEpoch = -1;
    /** Characters of the bar on screen now, 0 when none. */
    private int shown;

    public ProgressBar(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** A bar on {@code out} when this JVM's standard output is a terminal. */
    public static ProgressBar forStandardOutput(PrintStream out) {
        return new ProgressBar(out, standardOutputIsTerminal());
    }

    /**
     * Whether standard output is a terminal. {@link System#console()} is null when it is not on JDK 21; from JDK 22 it
     * may return a console anyway, and {@code Console.isTerminal()} (JDK 22+, called reflectively since optc targets
     * 21) tells. {@code TERM=dumb} (Emacs shells, some CI runners) cannot redraw a line: no bar there either.
     */
    public static boolean standardOutputIsTerminal() {
        Console console = System.console();
        if (console == null || "dumb".equals(System.getenv("TERM"))) return false;
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    public boolean terminal() { return terminal; }

    /** After a batch (see {@code TrainListener.batchEnded}); redraws when the last redraw is old enough. */
    public void batch(int epoch, int epochs, int batch, int batches, double runningLoss, double seconds) {
        if (!terminal) return;
        if (epoch != lastEpoch) {
            lastEpoch = epoch;
            lastDraw = Double.NEGATIVE_INFINITY;
        }
        if (seconds - lastDraw < REDRAW_SECONDS || batch >= batches) return;
        lastDraw = seconds;
        String text = render(epoch, epochs, batch, batches, runningLoss, seconds);
        // Spaces over what is left of a longer previous line.
        out.print("\r" + text + " ".repeat(Math.max(0, shown - text.length())));
        out.flush();
        shown = text.length();
    }

    /** Erases the bar, so the epoch's line can take its place. */
    public void clear() {
        if (shown == 0) return;
        out.print("\r" + " ".repeat(shown) + "\r");
        out.flush();
        shown = 0;
    }

    /** {@code epoch 3/30 [=========>              ] 17/45  412 batches/s  ETA 0.07s  loss 0.2345}. */
    static String render(int epoch, int epochs, int batch, int batches, double runningLoss, double seconds) {
        String width = Integer.toString(String.valueOf(epochs).length());
        int filled = batches == 0 ? 0 : (int) ((long) BAR_WIDTH * batch / batches);
        String bar = "=".repeat(filled) + (filled < BAR_WIDTH ? ">" + " ".repeat(BAR_WIDTH - filled - 1) : "");
        String count = String.valueOf(batches);
        double rate = seconds > 0 ? batch / seconds : Double.NaN;
        return String.format(Locale.ROOT, "epoch %" + width + "d/%d [%s] %" + count.length() + "d/%s  %s batches/s  ETA %s  loss %.4f",
                epoch, epochs, bar, batch, count, Double.isNaN(rate) ? "-" : String.format(Locale.ROOT, rate < 10 ? "%.1f" : "%.0f", rate),
                Double.isNaN(rate) ? "-" : duration((batches - batch) / rate), runningLoss);
    }

    /** 0.07s, 42s, 3:05, 1:02:03. */
    static String duration(double seconds) {
        if (seconds < 10) return String.format(Locale.ROOT, "%.2fs", seconds);
        long s = Math.round(seconds);
        if (s < 60) return s + "s";
        if (s < 3600) return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}
