package dev.optc.diagnostics;

import java.util.List;

/**
 * Renders findings the way compilers users already know do:
 * <pre>
 * file.opt:3:17: error[E012]: unknown optimizer `adma`
 *     optimizer = adma(lr: 0.1)
 *                 ^^^^
 *   help: did you mean `adam`?
 * </pre>
 */
public final class DiagnosticRenderer {

    public String render(List<Diagnostic> diagnostics) {
        StringBuilder out = new StringBuilder();
        for (Diagnostic d : diagnostics) out.append(render(d));
        long errors = diagnostics.stream().filter(d -> d.severity() == Severity.ERROR).count();
        long warnings = diagnostics.size() - errors;
        if (errors > 0 || warnings > 0) {
            out.append(count(errors, "error"));
            if (warnings > 0) out.append(", ").append(count(warnings, "warning"));
            out.append('\n');
        }
        return out.toString();
    }

    private static String count(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    public String render(Diagnostic d) {
        SourceSpan span = d.span();
        SourceFile file = span.file();
        int line = span.line();
        int column = span.column();
        StringBuilder out = new StringBuilder();
        out.append(file.name()).append(':').append(line).append(':').append(column).append(": ")
                .append(d.severity().label()).append('[').append(d.code()).append("]: ").append(d.message()).append('\n');
        String text = file.lineText(line);
        out.append("    ").append(text.replace('\t', ' ')).append('\n');
        int firstLineEnd = span.start() - (column - 1) + text.length();
        int width = Math.max(1, Math.min(span.end(), firstLineEnd) - span.start());
        out.append("    ").append(" ".repeat(column - 1)).append("^".repeat(width)).append('\n');
        if (d.hint() != null) out.append("  help: ").append(d.hint()).append('\n');
        return out.toString();
    }
}
