package dev.optc.ast;

import dev.optc.diagnostics.SourceSpan;

/** A statement of a model or objective body. */
public sealed interface BodyStatement {
    SourceSpan span();

    /** `h1 = relu(dense(x, 256))`: names a tensor; a layer is named after the variable it is assigned to. */
    record Bind(Identifier name, Expr value, SourceSpan span) implements BodyStatement {
    }

    record Return(Expr value, SourceSpan span) implements BodyStatement {
    }
}
