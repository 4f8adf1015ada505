package dev.optc.codegen;

import static org.objectweb.asm.Opcodes.*;

import java.util.List;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/** `hyperparameterNames()`, `hyperparameter(name)` and `setHyperparameter(name, value)` over the generated fields. */
final class HyperparameterAccessors {
    private HyperparameterAccessors() {
    }

    /** {@code names.get(i)} is the public name of the double field {@code fields.get(i)} ({@code h1.lr} with groups). */
    static void generate(ClassWriter cw, String owner, List<String> names, List<String> fields) {
        names(cw, names);
        String known = String.join(", ", names);

        MethodVisitor get = cw.visitMethod(ACC_PUBLIC, "hyperparameter", "(Ljava/lang/String;)D", null, null);
        get.visitCode();
        for (int i = 0; i < fields.size(); i++) {
            Label next = matchName(get, names.get(i));
            get.visitVarInsn(ALOAD, 0);
            get.visitFieldInsn(GETFIELD, owner, fields.get(i), "D");
            get.visitInsn(DRETURN);
            get.visitLabel(next);
        }
        throwUnknown(get, known);
        get.visitMaxs(0, 0);
        get.visitEnd();

        MethodVisitor set = cw.visitMethod(ACC_PUBLIC, "setHyperparameter", "(Ljava/lang/String;D)V", null, null);
        set.visitCode();
        for (int i = 0; i < fields.size(); i++) {
            Label next = matchName(set, names.get(i));
            set.visitVarInsn(ALOAD, 0);
            set.visitVarInsn(DLOAD, 2);
            set.visitFieldInsn(PUTFIELD, owner, fields.get(i), "D");
            set.visitInsn(RETURN);
            set.visitLabel(next);
        }
        throwUnknown(set, known);
        set.visitMaxs(0, 0);
        set.visitEnd();
    }

    private static void names(ClassWriter cw, List<String> names) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "hyperparameterNames", "()Ljava/util/List;", "()Ljava/util/List<Ljava/lang/String;>;", null);
        mv.visitCode();
        mv.visitLdcInsn(names.size());
        mv.visitTypeInsn(ANEWARRAY, "java/lang/Object");
        for (int i = 0; i < names.size(); i++) {
            mv.visitInsn(DUP);
            mv.visitLdcInsn(i);
            mv.visitLdcInsn(names.get(i));
            mv.visitInsn(AASTORE);
        }
        mv.visitMethodInsn(INVOKESTATIC, "java/util/List", "of", "([Ljava/lang/Object;)Ljava/util/List;", true);
        mv.visitInsn(ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** if (!name.equals(argument 1)) goto the returned label. */
    private static Label matchName(MethodVisitor mv, String name) {
        Label next = new Label();
        mv.visitLdcInsn(name);
        mv.visitVarInsn(ALOAD, 1);
        mv.visitMethodInsn(INVOKEVIRTUAL, "java/lang/String", "equals", "(Ljava/lang/Object;)Z", false);
        mv.visitJumpInsn(IFEQ, next);
        return next;
    }

    private static void throwUnknown(MethodVisitor mv, String known) {
        mv.visitTypeInsn(NEW, "java/lang/IllegalArgumentException");
        mv.visitInsn(DUP);
        mv.visitLdcInsn("no hyperparameter ");
        mv.visitVarInsn(ALOAD, 1);
        mv.visitMethodInsn(INVOKEVIRTUAL, "java/lang/String", "concat", "(Ljava/lang/String;)Ljava/lang/String;", false);
        mv.visitLdcInsn("; the hyperparameters are " + known);
        mv.visitMethodInsn(INVOKEVIRTUAL, "java/lang/String", "concat", "(Ljava/lang/String;)Ljava/lang/String;", false);
        mv.visitMethodInsn(INVOKESPECIAL, "java/lang/IllegalArgumentException", "<init>", "(Ljava/lang/String;)V", false);
        mv.visitInsn(ATHROW);
    }
}
