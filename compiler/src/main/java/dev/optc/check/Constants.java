package dev.optc.check;

import dev.optc.ast.Expr;

/** Folds numeric expressions written with literals only (`1/255`, `0.5 * 1e-3`, `2 ^ -3`) to their value. */
final class Constants {
    private Constants() {
    }

    /** The value, or null when the expression is not a numeric constant. */
    static Double evaluate(Expr expr) {
        return evaluate(expr, java.util.Map.of());
    }

    /** The value, where names may stand for the given numbers (an optimizer's hyperparameters). */
    static Double evaluate(Expr expr, java.util.Map<String, Double> names) {
        return switch (expr) {
            case Expr.Number n -> n.value();
            case Expr.Name n -> names.get(n.name());
            case Expr.Unary u when u.op() == Expr.UnaryOp.NEGATE -> {
                Double v = evaluate(u.operand(), names);
                yield v == null ? null : -v;
            }
            case Expr.Binary b -> {
                Double l = evaluate(b.left(), names);
                Double r = evaluate(b.right(), names);
                if (l == null || r == null) yield null;
                yield switch (b.op()) {
                    case ADD -> l + r;
                    case SUBTRACT -> l - r;
                    case MULTIPLY -> l * r;
                    case DIVIDE -> l / r;
                    case POWER -> Math.pow(l, r);
                    default -> null;
                };
            }
            default -> null;
        };
    }
}
