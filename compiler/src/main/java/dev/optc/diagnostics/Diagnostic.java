package dev.optc.diagnostics;

/**
 * One finding about a source file. {@code code} is stable (E0xx for errors, W0xx for warnings) so that users and tests
 * can refer to it; {@code hint} may be null.
 */
public record Diagnostic(Severity severity, SourceSpan span, String code, String message, String hint) {
}
