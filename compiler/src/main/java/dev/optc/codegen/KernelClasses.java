package dev.optc.codegen;

import static org.objectweb.asm.Opcodes.*;

import dev.optc.ir.ElementExpr;
import java.util.Set;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/** What the generators of the two kernel classes (scalar and vector) share: names, descriptors, analysis. */
final class KernelClasses {
    static final String FUSED_UPDATE = "dev/optc/runtime/kernels/FusedUpdate";
    static final String UPDATE_DESCRIPTOR = "([F[F[F[[F[FII)V";
    static final String LOOKAHEAD_DESCRIPTOR = "([F[F[[F[FII)V";

    private KernelClasses() {
    }

    static String scalarName(String trainer) { return trainer + "$ScalarUpdate"; }

    static String vectorName(String trainer) { return trainer + "$VectorUpdate"; }

    /** The kernel classes of optimizer group {@code group}: the first keeps the plain names, later ones add the index. */
    static String scalarName(String trainer, int group) { return scalarName(trainer) + (group == 0 ? "" : group); }

    static String vectorName(String trainer, int group) { return vectorName(trainer) + (group == 0 ? "" : group); }

    static ClassWriter writer() {
        return new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                // Frames only merge values of one type here; never load classes to find out.
                return a.equals(b) ? a : "java/lang/Object";
            }
        };
    }

    static void defaultConstructor(ClassWriter cw) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "<init>", "()V", null, null);
        mv.visitCode();
        mv.visitVarInsn(ALOAD, 0);
        mv.visitMethodInsn(INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    static void lineNumber(MethodVisitor mv, int line) {
        Label l = new Label();
        mv.visitLabel(l);
        mv.visitLineNumber(line, l);
    }

    /** Every constant used by the element expressions (the vector kernel broadcasts each once). */
    static void collectConstants(ElementExpr e, Set<Float> out) {
        switch (e) {
            case ElementExpr.Const c -> out.add((float) c.value());
            case ElementExpr.Unary u -> collectConstants(u.operand(), out);
            case ElementExpr.Binary b -> {
                collectConstants(b.left(), out);
                collectConstants(b.right(), out);
            }
            case ElementExpr.Select s -> {
                collectConstants(s.condition(), out);
                collectConstants(s.then(), out);
                collectConstants(s.otherwise(), out);
            }
            default -> {
            }
        }
    }
}
