package dev.optc.interpret;

import dev.optc.ir.ElementExpr.BinaryFn;
import dev.optc.ir.ElementExpr.UnaryFn;

/** What each element-wise operation means, in double precision: the oracle's arithmetic and the constant folder's. */
public final class ElementArithmetic {
    private ElementArithmetic() {
    }

    public static double unary(UnaryFn fn, double x) {
        return switch (fn) {
            case NEGATE -> -x;
            case NOT -> x == 0 ? 1 : 0;
            case SQRT -> Math.sqrt(x);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case ABS -> Math.abs(x);
            case SIGN -> Math.signum(x);
        };
    }

    public static double binary(BinaryFn fn, double a, double b) {
        return switch (fn) {
            case ADD -> a + b;
            case SUBTRACT -> a - b;
            case MULTIPLY -> a * b;
            case DIVIDE -> a / b;
            case POWER -> Math.pow(a, b);
            case MIN -> Math.min(a, b);
            case MAX -> Math.max(a, b);
            case LESS -> a < b ? 1 : 0;
            case LESS_EQUAL -> a <= b ? 1 : 0;
            case GREATER -> a > b ? 1 : 0;
            case GREATER_EQUAL -> a >= b ? 1 : 0;
            case EQUAL -> a == b ? 1 : 0;
            case NOT_EQUAL -> a != b ? 1 : 0;
            case AND -> a != 0 && b != 0 ? 1 : 0;
            case OR -> a != 0 || b != 0 ? 1 : 0;
        };
    }
}
