package dev.optc.api;

import dev.optc.diagnostics.Diagnostic;
import dev.optc.diagnostics.DiagnosticRenderer;
import java.util.List;

/** A file did not compile; the message is the rendered diagnostics, as `optc check` prints them. */
public final class CompilationFailed extends Exception {
    private final List<Diagnostic> diagnostics;

    CompilationFailed(List<Diagnostic> diagnostics) {
        super(new DiagnosticRenderer().render(diagnostics));
        this.diagnostics = diagnostics;
    }

    public List<Diagnostic> diagnostics() { return diagnostics; }
}
