package dev.optc.codegen;

import static org.objectweb.asm.Opcodes.*;

import dev.optc.ir.ElementExpr;
import java.util.function.IntUnaryOperator;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Bytecode for element-wise expressions. Element values are computed in float, as they are stored; per-step scalars
 * (hyperparameters, t, bias corrections) in double, then rounded once to float before the loop.
 */
final class ElementExprGenerator {
    /** Where the generated method keeps each kind of value. */
    record Slots(int theta, int grad, IntUnaryOperator state, IntUnaryOperator local, IntUnaryOperator scalar, int step) {
    }

    private final MethodVisitor mv;
    private final String owner;
    private final String[] hyperFields;
    private final Slots slots;

    ElementExprGenerator(MethodVisitor mv, String owner, String[] hyperFields, Slots slots) {
        this.mv = mv;
        this.owner = owner;
        this.hyperFields = hyperFields;
        this.slots = slots;
    }

    /** Pushes a float: the value of an element expression (no hyperparameter or t left in it after hoisting). */
    void element(ElementExpr e) {
        switch (e) {
            case ElementExpr.Const c -> mv.visitLdcInsn((float) c.value());
            case ElementExpr.Scalar s -> mv.visitVarInsn(FLOAD, slots.scalar().applyAsInt(s.index()));
            case ElementExpr.Theta t -> mv.visitVarInsn(FLOAD, slots.theta());
            case ElementExpr.Grad g -> mv.visitVarInsn(FLOAD, slots.grad());
            case ElementExpr.State s -> mv.visitVarInsn(FLOAD, slots.state().applyAsInt(s.index()));
            case ElementExpr.Local l -> mv.visitVarInsn(FLOAD, slots.local().applyAsInt(l.index()));
            case ElementExpr.Hyper h -> throw new IllegalStateException("hyperparameter left in the element loop");
            case ElementExpr.Step s -> throw new IllegalStateException("t left in the element loop");
            case ElementExpr.GradientScale s -> throw new IllegalStateException("gradient scale left in the element loop");
            case ElementExpr.Unary u -> {
                element(u.operand());
                switch (u.fn()) {
                    case NEGATE -> mv.visitInsn(FNEG);
                    case NOT -> isZero(true);
                    case SQRT -> viaDouble("sqrt");
                    case EXP -> viaDouble("exp");
                    case LOG -> viaDouble("log");
                    case ABS -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "abs", "(F)F", false);
                    case SIGN -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "signum", "(F)F", false);
                }
            }
            case ElementExpr.Binary b -> {
                switch (b.fn()) {
                    case POWER -> {
                        element(b.left());
                        mv.visitInsn(F2D);
                        element(b.right());
                        mv.visitInsn(F2D);
                        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "pow", "(DD)D", false);
                        mv.visitInsn(D2F);
                    }
                    case AND, OR -> {
                        element(b.left());
                        isZero(false);
                        element(b.right());
                        isZero(false);
                        mv.visitInsn(b.fn() == ElementExpr.BinaryFn.AND ? IAND : IOR);
                        mv.visitInsn(I2F);
                    }
                    default -> {
                        element(b.left());
                        element(b.right());
                        arithmetic(b.fn(), false);
                    }
                }
            }
            case ElementExpr.Select s -> {
                Label otherwise = new Label();
                Label end = new Label();
                element(s.condition());
                mv.visitInsn(FCONST_0);
                mv.visitInsn(FCMPL);
                mv.visitJumpInsn(IFEQ, otherwise);
                element(s.then());
                mv.visitJumpInsn(GOTO, end);
                mv.visitLabel(otherwise);
                element(s.otherwise());
                mv.visitLabel(end);
            }
        }
    }

    /** Pushes a double: the value of a per-step scalar expression (constants, hyperparameters, t). */
    void scalar(ElementExpr e) {
        switch (e) {
            case ElementExpr.Const c -> mv.visitLdcInsn(c.value());
            case ElementExpr.Hyper h -> {
                mv.visitVarInsn(ALOAD, 0);
                mv.visitFieldInsn(GETFIELD, owner, hyperFields[h.index()], "D");
            }
            case ElementExpr.Step s -> {
                mv.visitVarInsn(LLOAD, slots.step());
                mv.visitInsn(L2D);
            }
            case ElementExpr.GradientScale s -> {
                mv.visitVarInsn(ALOAD, 0);
                mv.visitFieldInsn(GETFIELD, TrainerClassGenerator.OPTIMIZABLE, "gradientScale", "D");
            }
            case ElementExpr.Unary u -> {
                scalar(u.operand());
                switch (u.fn()) {
                    case NEGATE -> mv.visitInsn(DNEG);
                    case NOT -> {
                        mv.visitInsn(DCONST_0);
                        mv.visitInsn(DCMPL);
                        compareResult(IFNE, true);
                    }
                    case SQRT, EXP, LOG -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", u.fn().name().toLowerCase(), "(D)D", false);
                    case ABS -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "abs", "(D)D", false);
                    case SIGN -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "signum", "(D)D", false);
                }
            }
            case ElementExpr.Binary b -> {
                switch (b.fn()) {
                    case AND, OR -> {
                        scalar(b.left());
                        mv.visitInsn(DCONST_0);
                        mv.visitInsn(DCMPL);
                        compareInt(IFEQ);
                        scalar(b.right());
                        mv.visitInsn(DCONST_0);
                        mv.visitInsn(DCMPL);
                        compareInt(IFEQ);
                        mv.visitInsn(b.fn() == ElementExpr.BinaryFn.AND ? IAND : IOR);
                        mv.visitInsn(I2D);
                    }
                    default -> {
                        scalar(b.left());
                        scalar(b.right());
                        arithmetic(b.fn(), true);
                    }
                }
            }
            case ElementExpr.Select s -> {
                Label otherwise = new Label();
                Label end = new Label();
                scalar(s.condition());
                mv.visitInsn(DCONST_0);
                mv.visitInsn(DCMPL);
                mv.visitJumpInsn(IFEQ, otherwise);
                scalar(s.then());
                mv.visitJumpInsn(GOTO, end);
                mv.visitLabel(otherwise);
                scalar(s.otherwise());
                mv.visitLabel(end);
            }
            default -> throw new IllegalStateException("per-element value in a per-step scalar: " + e);
        }
    }

    /** Two operands of the given precision on the stack; leaves the result of the same precision. */
    private void arithmetic(ElementExpr.BinaryFn fn, boolean dbl) {
        String d = dbl ? "D" : "F";
        switch (fn) {
            case ADD -> mv.visitInsn(dbl ? DADD : FADD);
            case SUBTRACT -> mv.visitInsn(dbl ? DSUB : FSUB);
            case MULTIPLY -> mv.visitInsn(dbl ? DMUL : FMUL);
            case DIVIDE -> mv.visitInsn(dbl ? DDIV : FDIV);
            case POWER -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "pow", "(DD)D", false);
            case MIN -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "min", "(" + d + d + ")" + d, false);
            case MAX -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "max", "(" + d + d + ")" + d, false);
            // Comparisons with NaN are false (and != is true): the cmpg/cmpl choice makes NaN fall on the false side.
            case LESS -> compare(dbl ? DCMPG : FCMPG, IFGE, dbl);
            case LESS_EQUAL -> compare(dbl ? DCMPG : FCMPG, IFGT, dbl);
            case GREATER -> compare(dbl ? DCMPL : FCMPL, IFLE, dbl);
            case GREATER_EQUAL -> compare(dbl ? DCMPL : FCMPL, IFLT, dbl);
            case EQUAL -> compare(dbl ? DCMPL : FCMPL, IFNE, dbl);
            case NOT_EQUAL -> compare(dbl ? DCMPL : FCMPL, IFEQ, dbl);
            case AND, OR -> throw new IllegalStateException("handled by the caller");
        }
    }

    private void compare(int cmp, int jumpIfFalse, boolean dbl) {
        mv.visitInsn(cmp);
        compareResult(jumpIfFalse, dbl);
    }

    /** After a cmp instruction: pushes 1 or 0 (float or double), 0 when {@code jumpIfFalse} jumps. */
    private void compareResult(int jumpIfFalse, boolean dbl) {
        Label no = new Label();
        Label end = new Label();
        mv.visitJumpInsn(jumpIfFalse, no);
        mv.visitInsn(dbl ? DCONST_1 : FCONST_1);
        mv.visitJumpInsn(GOTO, end);
        mv.visitLabel(no);
        mv.visitInsn(dbl ? DCONST_0 : FCONST_0);
        mv.visitLabel(end);
    }

    /** After a cmp instruction: pushes int 1 or 0, 0 when {@code jumpIfFalse} jumps. */
    private void compareInt(int jumpIfFalse) {
        Label no = new Label();
        Label end = new Label();
        mv.visitJumpInsn(jumpIfFalse, no);
        mv.visitInsn(ICONST_1);
        mv.visitJumpInsn(GOTO, end);
        mv.visitLabel(no);
        mv.visitInsn(ICONST_0);
        mv.visitLabel(end);
    }

    /** Replaces a float on the stack by (x == 0) as float when {@code asFloat}, else by (x != 0) as int. */
    private void isZero(boolean asFloat) {
        mv.visitInsn(FCONST_0);
        mv.visitInsn(FCMPL);
        if (asFloat) compareResult(IFNE, false);
        else compareInt(IFEQ);
    }

    private void viaDouble(String fn) {
        mv.visitInsn(F2D);
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", fn, "(D)D", false);
        mv.visitInsn(D2F);
    }
}
