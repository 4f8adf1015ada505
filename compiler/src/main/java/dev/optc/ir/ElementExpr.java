package dev.optc.ir;

/**
 * An expression of an update rule, evaluated for one parameter element. {@link Hyper}, {@link Step} and constants
 * are the same for every element; hoisting moves every subexpression made only of them into a {@link Scalar}
 * computed once per step.
 */
public sealed interface ElementExpr {

    record Const(double value) implements ElementExpr {
    }

    /** A hyperparameter, by index: a run-time field of the trainer. */
    record Hyper(int index) implements ElementExpr {
    }

    /** The step count t, from 1. */
    record Step() implements ElementExpr {
    }

    /** The factor gradient clipping by norm puts on every gradient element this step (1 when not clipping). */
    record GradientScale() implements ElementExpr {
    }

    /** A per-step scalar, by index in {@link UpdateKernel#scalars()}. */
    record Scalar(int index) implements ElementExpr {
    }

    record Theta() implements ElementExpr {
    }

    record Grad() implements ElementExpr {
    }

    record State(int index) implements ElementExpr {
    }

    /** A `let` temporary, or a common subexpression, by index. */
    record Local(int index) implements ElementExpr {
    }

    record Unary(UnaryFn fn, ElementExpr operand) implements ElementExpr {
    }

    record Binary(BinaryFn fn, ElementExpr left, ElementExpr right) implements ElementExpr {
    }

    /** condition ≠ 0 ? then : otherwise. */
    record Select(ElementExpr condition, ElementExpr then, ElementExpr otherwise) implements ElementExpr {
    }

    enum UnaryFn { NEGATE, NOT, SQRT, EXP, LOG, ABS, SIGN }

    /** Comparisons and logic yield 1 or 0. */
    enum BinaryFn {
        ADD, SUBTRACT, MULTIPLY, DIVIDE, POWER, MIN, MAX, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, EQUAL, NOT_EQUAL, AND, OR
    }

    /** True when the value is the same for every element (it may depend on hyperparameters and t). */
    static boolean uniform(ElementExpr e) {
        return switch (e) {
            case Const c -> true;
            case Hyper h -> true;
            case Step s -> true;
            case GradientScale s -> true;
            case Scalar s -> true;
            case Theta t -> false;
            case Grad g -> false;
            case State s -> false;
            case Local l -> false;
            case Unary u -> uniform(u.operand());
            case Binary b -> uniform(b.left()) && uniform(b.right());
            case Select s -> uniform(s.condition()) && uniform(s.then()) && uniform(s.otherwise());
        };
    }
}
