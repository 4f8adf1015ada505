package dev.optc.ast;

import dev.optc.diagnostics.SourceSpan;
import java.util.List;

/** Expressions, shared by every kind of declaration; what an expression may mean is up to the checker. */
public sealed interface Expr {
    SourceSpan span();

    record Number(double value, String text, SourceSpan span) implements Expr {
    }

    /**
     * What stands where a syntax error was: its statement still declares its name, so later uses of the name are not
     * reported as unknown, and every check passes over it silently (the syntax error is already reported).
     */
    record Invalid(SourceSpan span) implements Expr {
    }

    /** `20 epochs`, `500 steps`. */
    record Quantity(double value, Unit unit, SourceSpan span) implements Expr {
    }

    enum Unit { EPOCHS, STEPS }

    record Str(String value, SourceSpan span) implements Expr {
    }

    record Bool(boolean value, SourceSpan span) implements Expr {
    }

    record Name(String name, SourceSpan span) implements Expr {
    }

    record Call(Identifier callee, List<Argument> arguments, SourceSpan span) implements Expr {
        /** The argument named {@code name}, or null. */
        public Argument named(String name) {
            for (Argument a : arguments) if (a.name() != null && a.name().text().equals(name)) return a;
            return null;
        }

        public List<Argument> positional() {
            return arguments.stream().filter(a -> a.name() == null).toList();
        }
    }

    /** A positional (name null) or named (`lr: 0.1`) argument. */
    record Argument(Identifier name, Expr value, SourceSpan span) {
    }

    record ListOf(List<Expr> elements, SourceSpan span) implements Expr {
    }

    /** `adam(lr: 1e-3) for [h1, h2]` inside a list: a value that applies to some layers only. */
    record For(Expr value, Expr targets, SourceSpan span) implements Expr {
    }

    /** `validation.loss`. */
    record Member(Expr target, Identifier member, SourceSpan span) implements Expr {
    }

    record Index(Expr target, List<Expr> indices, SourceSpan span) implements Expr {
    }

    record Unary(UnaryOp op, Expr operand, SourceSpan span) implements Expr {
    }

    record Binary(BinaryOp op, Expr left, Expr right, SourceSpan span) implements Expr {
    }

    record Conditional(Expr condition, Expr then, Expr otherwise, SourceSpan span) implements Expr {
    }

    enum UnaryOp {
        NEGATE("-"), NOT("!");

        public final String symbol;

        UnaryOp(String symbol) { this.symbol = symbol; }
    }

    enum BinaryOp {
        ADD("+"), SUBTRACT("-"), MULTIPLY("*"), DIVIDE("/"), MATMUL("@"), POWER("^"),
        LESS("<"), LESS_EQUAL("<="), GREATER(">"), GREATER_EQUAL(">="), EQUAL("=="), NOT_EQUAL("!="),
        AND("&&"), OR("||");

        public final String symbol;

        BinaryOp(String symbol) { this.symbol = symbol; }

        public static BinaryOp of(String symbol) {
            for (BinaryOp op : values()) if (op.symbol.equals(symbol)) return op;
            throw new IllegalArgumentException(symbol);
        }
    }
}
