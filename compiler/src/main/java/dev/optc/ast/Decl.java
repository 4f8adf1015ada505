package dev.optc.ast;

import dev.optc.diagnostics.SourceSpan;
import java.util.List;

/** The four kinds of top-level declaration. */
public sealed interface Decl {
    Identifier name();

    SourceSpan span();

    /** False when a syntax error damaged this declaration: checks that need all of it (a missing setting) are skipped. */
    boolean complete();

    /** `lr = 0.001`, `x: 784`, `x: 2 = [3, -2]`, `X: data`. Either part may be absent (null). */
    record Param(Identifier name, Expr type, Expr value, SourceSpan span) {
    }

    /** An update rule: per-element state plus equations run for every parameter element. */
    record OptimizerDecl(Identifier name, List<Param> hyperparameters, List<OptimizerStatement> body, SourceSpan span,
                         boolean complete) implements Decl {
    }

    /** A network: typed inputs, bindings of tensor expressions, a returned output of a declared width. */
    record ModelDecl(Identifier name, List<Param> inputs, Expr output, List<BodyStatement> body, SourceSpan span,
                     boolean complete) implements Decl {
    }

    /** An arbitrary differentiable function of named parameters (and data). */
    record ObjectiveDecl(Identifier name, List<Param> params, List<BodyStatement> body, SourceSpan span,
                         boolean complete) implements Decl {
    }

    /** How to train: a list of settings `name = expression`. */
    record RecipeDecl(Identifier name, List<Setting> settings, SourceSpan span, boolean complete) implements Decl {
    }

    record Setting(Identifier name, Expr value, SourceSpan span) {
    }
}
