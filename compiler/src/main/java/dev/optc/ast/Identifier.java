package dev.optc.ast;

import dev.optc.diagnostics.SourceSpan;

/** A name as written, with where it was written. */
public record Identifier(String text, SourceSpan span) {
}
