package dev.optc.codegen;

import dev.optc.ir.ElementExpr;
import dev.optc.ir.ElementStmt;
import dev.optc.ir.UpdateKernel;

/**
 * Whether the scalar kernel {@link ScalarUpdateGenerator} writes for an update is a loop HotSpot's C2 vectorizes by
 * itself (its SuperWord pass): one basic block of float loads at the loop index, arithmetic with a SIMD form, and
 * stores at the same index. The operations that have one: +, −, ×, ÷, negation, √ (the kernel's
 * {@code (float) Math.sqrt((double) x)} is matched as a float root), {@code Math.abs}, {@code Math.min} and
 * {@code Math.max} of floats. A conditional or a comparison becomes a branch in the scalar kernel; sign, exp, log
 * and powers become calls: C2 leaves those loops scalar, and only the Vector API kernel vectorizes them.
 *
 * <p>The generated trainer passes the answer to {@code Backend.forKernel} once, when it is constructed.
 */
public final class SuperWordShape {
    private SuperWordShape() {
    }

    public static boolean of(UpdateKernel kernel) {
        for (ElementStmt s : kernel.body()) if (!vectorizes(s.value())) return false;
        return kernel.lookahead() == null || vectorizes(kernel.lookahead());
    }

    private static boolean vectorizes(ElementExpr e) {
        return switch (e) {
            case ElementExpr.Const c -> true;
            case ElementExpr.Scalar s -> true;
            case ElementExpr.Theta t -> true;
            case ElementExpr.Grad g -> true;
            case ElementExpr.State s -> true;
            case ElementExpr.Local l -> true;
            case ElementExpr.Unary u -> switch (u.fn()) {
                case NEGATE, SQRT, ABS -> vectorizes(u.operand());
                case NOT, EXP, LOG, SIGN -> false;
            };
            case ElementExpr.Binary b -> switch (b.fn()) {
                case ADD, SUBTRACT, MULTIPLY, DIVIDE, MIN, MAX -> vectorizes(b.left()) && vectorizes(b.right());
                default -> false;
            };
            // Left in the loop only before hoisting; never in a kernel the generators see.
            case ElementExpr.Hyper h -> false;
            case ElementExpr.Step s -> false;
            case ElementExpr.GradientScale s -> false;
            case ElementExpr.Select s -> false;
        };
    }
}
