package dev.optc.maven;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One diagnostic as the compiler printed it: the headline {@code file:line:col: error[E013]: message} (or
 * {@code file: error: message} for a file-level failure) and the lines under it (source line, caret, help), kept
 * together so the build log shows each as one error.
 */
final class DiagnosticBlock {
    private static final Pattern HEADLINE = Pattern.compile("^.+:\\d+:\\d+: (error|warning)\\[\\w+\\]: .*$");
    private static final Pattern FILE_ERROR = Pattern.compile("^.+: error: .*$");
    private static final Pattern SUMMARY = Pattern.compile("^\\d+ errors?(, \\d+ warnings?)?$|^\\d+ warnings?$");

    private final boolean error;
    private final boolean diagnostic;
    private final StringBuilder text;

    private DiagnosticBlock(boolean error, boolean diagnostic, String headline) {
        this.error = error;
        this.diagnostic = diagnostic;
        this.text = new StringBuilder(headline);
    }

    boolean isError() { return error; }

    /** Whether optc reported it about a source file, rather than the JVM or the compiler failing. */
    boolean isDiagnostic() { return diagnostic; }

    String text() { return text.toString(); }

    /** Splits the compiler's standard error into diagnostics; anything else it printed is an error of its own. */
    static List<DiagnosticBlock> parse(String errorOutput) {
        List<DiagnosticBlock> blocks = new ArrayList<>();
        DiagnosticBlock current = null;
        for (String line : errorOutput.split("\\R")) {
            if (line.isEmpty() || SUMMARY.matcher(line).matches()) continue;
            if (HEADLINE.matcher(line).matches()) {
                current = new DiagnosticBlock(line.contains(": error["), true, line);
                blocks.add(current);
            } else if (FILE_ERROR.matcher(line).matches() || current == null) {
                current = new DiagnosticBlock(true, FILE_ERROR.matcher(line).matches(), line);
                blocks.add(current);
            } else {
                current.text.append('\n').append(line);
            }
        }
        return blocks;
    }
}
