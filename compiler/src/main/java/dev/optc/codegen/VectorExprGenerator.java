package dev.optc.codegen;

import static org.objectweb.asm.Opcodes.*;

import dev.optc.ir.ElementExpr;
import dev.optc.ir.ElementExpr.BinaryFn;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import org.objectweb.asm.MethodVisitor;

/**
 * Bytecode for element-wise expressions over {@code FloatVector} lanes. Comparisons and logic produce a
 * {@code VectorMask}; a conditional is a blend under its mask, so a rule such as delta-bar-delta's three-way
 * choice has no branch.
 */
final class VectorExprGenerator {
    static final String VECTOR = "jdk/incubator/vector/Vector";
    static final String FLOAT_VECTOR = "jdk/incubator/vector/FloatVector";
    static final String MASK = "jdk/incubator/vector/VectorMask";
    static final String OPERATORS = "jdk/incubator/vector/VectorOperators";
    private static final String FV = "L" + FLOAT_VECTOR + ";";
    private static final String BINARY = "(L" + VECTOR + ";)" + FV;
    private static final String COMPARISON = "L" + OPERATORS + "$Comparison;";

    /** Where the vector values live: every one is an object local holding a FloatVector. */
    record Slots(int theta, int grad, IntUnaryOperator state, IntUnaryOperator local, IntUnaryOperator scalar,
                 Map<Float, Integer> constants) {
    }

    private final MethodVisitor mv;
    private final Slots slots;

    VectorExprGenerator(MethodVisitor mv, Slots slots) {
        this.mv = mv;
        this.slots = slots;
    }

    /** Pushes a FloatVector. */
    void vector(ElementExpr e) {
        switch (e) {
            case ElementExpr.Const c -> mv.visitVarInsn(ALOAD, constant((float) c.value()));
            case ElementExpr.Scalar s -> mv.visitVarInsn(ALOAD, slots.scalar().applyAsInt(s.index()));
            case ElementExpr.Theta t -> mv.visitVarInsn(ALOAD, slots.theta());
            case ElementExpr.Grad g -> mv.visitVarInsn(ALOAD, slots.grad());
            case ElementExpr.State s -> mv.visitVarInsn(ALOAD, slots.state().applyAsInt(s.index()));
            case ElementExpr.Local l -> mv.visitVarInsn(ALOAD, slots.local().applyAsInt(l.index()));
            case ElementExpr.Hyper h -> throw new IllegalStateException("hyperparameter left in the element loop");
            case ElementExpr.Step s -> throw new IllegalStateException("t left in the element loop");
            case ElementExpr.GradientScale s -> throw new IllegalStateException("gradient scale left in the element loop");
            case ElementExpr.Unary u -> {
                switch (u.fn()) {
                    case NOT -> fromMask(e);
                    case SIGN -> sign(u.operand());
                    default -> {
                        vector(u.operand());
                        switch (u.fn()) {
                            case NEGATE -> virtual(FLOAT_VECTOR, "neg", "()" + FV);
                            case SQRT -> virtual(FLOAT_VECTOR, "sqrt", "()" + FV);
                            case ABS -> virtual(FLOAT_VECTOR, "abs", "()" + FV);
                            case EXP, LOG -> {
                                mv.visitFieldInsn(GETSTATIC, OPERATORS, u.fn().name(), "L" + OPERATORS + "$Unary;");
                                virtual(FLOAT_VECTOR, "lanewise", "(L" + OPERATORS + "$Unary;)" + FV);
                            }
                            default -> throw new IllegalStateException(u.fn().name());
                        }
                    }
                }
            }
            case ElementExpr.Binary b -> {
                if (isLogical(b.fn())) {
                    fromMask(e);
                    return;
                }
                vector(b.left());
                vector(b.right());
                String method = switch (b.fn()) {
                    case ADD -> "add";
                    case SUBTRACT -> "sub";
                    case MULTIPLY -> "mul";
                    case DIVIDE -> "div";
                    case POWER -> "pow";
                    case MIN -> "min";
                    case MAX -> "max";
                    default -> throw new IllegalStateException(b.fn().name());
                };
                virtual(FLOAT_VECTOR, method, BINARY);
            }
            case ElementExpr.Select s -> {
                // otherwise.blend(then, condition): lanes where the condition holds take `then`.
                vector(s.otherwise());
                vector(s.then());
                mask(s.condition());
                virtual(FLOAT_VECTOR, "blend", "(L" + VECTOR + ";L" + MASK + ";)" + FV);
            }
        }
    }

    /** Pushes a VectorMask: lanes where the expression is true (non-zero). */
    void mask(ElementExpr e) {
        if (e instanceof ElementExpr.Binary b && isLogical(b.fn())) {
            switch (b.fn()) {
                case AND, OR -> {
                    mask(b.left());
                    mask(b.right());
                    virtual(MASK, b.fn() == BinaryFn.AND ? "and" : "or", "(L" + MASK + ";)L" + MASK + ";");
                }
                default -> {
                    vector(b.left());
                    String op = switch (b.fn()) {
                        case LESS -> "LT";
                        case LESS_EQUAL -> "LE";
                        case GREATER -> "GT";
                        case GREATER_EQUAL -> "GE";
                        case EQUAL -> "EQ";
                        case NOT_EQUAL -> "NE";
                        default -> throw new IllegalStateException(b.fn().name());
                    };
                    mv.visitFieldInsn(GETSTATIC, OPERATORS, op, COMPARISON);
                    vector(b.right());
                    virtual(FLOAT_VECTOR, "compare", "(" + COMPARISON + "L" + VECTOR + ";)L" + MASK + ";");
                }
            }
        } else if (e instanceof ElementExpr.Unary u && u.fn() == ElementExpr.UnaryFn.NOT) {
            mask(u.operand());
            virtual(MASK, "not", "()L" + MASK + ";");
        } else {
            vector(e);
            mv.visitFieldInsn(GETSTATIC, OPERATORS, "NE", COMPARISON);
            mv.visitInsn(FCONST_0);
            virtual(FLOAT_VECTOR, "compare", "(" + COMPARISON + "F)L" + MASK + ";");
        }
    }

    /** 1 where the mask of {@code e} is set, 0 elsewhere. */
    private void fromMask(ElementExpr e) {
        mv.visitVarInsn(ALOAD, constant(0f));
        mv.visitVarInsn(ALOAD, constant(1f));
        mask(e);
        virtual(FLOAT_VECTOR, "blend", "(L" + VECTOR + ";L" + MASK + ";)" + FV);
    }

    /** Math.signum lane by lane: x itself where it is ±0 or NaN, 1 where x > 0, −1 where x < 0. */
    private void sign(ElementExpr x) {
        vector(x);
        mv.visitVarInsn(ALOAD, constant(1f));
        vector(x);
        mv.visitFieldInsn(GETSTATIC, OPERATORS, "GT", COMPARISON);
        mv.visitInsn(FCONST_0);
        virtual(FLOAT_VECTOR, "compare", "(" + COMPARISON + "F)L" + MASK + ";");
        virtual(FLOAT_VECTOR, "blend", "(L" + VECTOR + ";L" + MASK + ";)" + FV);
        mv.visitVarInsn(ALOAD, constant(-1f));
        vector(x);
        mv.visitFieldInsn(GETSTATIC, OPERATORS, "LT", COMPARISON);
        mv.visitInsn(FCONST_0);
        virtual(FLOAT_VECTOR, "compare", "(" + COMPARISON + "F)L" + MASK + ";");
        virtual(FLOAT_VECTOR, "blend", "(L" + VECTOR + ";L" + MASK + ";)" + FV);
    }

    private int constant(float value) {
        Integer slot = slots.constants().get(value);
        if (slot == null) throw new IllegalStateException("constant " + value + " was not broadcast");
        return slot;
    }

    private void virtual(String owner, String name, String descriptor) {
        mv.visitMethodInsn(INVOKEVIRTUAL, owner, name, descriptor, false);
    }

    static boolean isLogical(BinaryFn fn) {
        return switch (fn) {
            case LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, EQUAL, NOT_EQUAL, AND, OR -> true;
            default -> false;
        };
    }
}
