package dev.optc.codegen;

import static org.objectweb.asm.Opcodes.*;

import dev.optc.ir.TensorOp;
import dev.optc.ir.TensorProgram;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * {@code layerOutput(String weight)} of a generated trainer: the buffer a dense layer writes (x·Wᵀ, then + b in
 * place), chosen by the name of its weight. LSUV reads it after each forward pass to measure the layer's output
 * variance; nothing on the training path calls it.
 */
final class LayerOutputs {
    private LayerOutputs() {
    }

    static void generate(ClassWriter cw, String owner, TensorProgram program) {
        MethodVisitor mv = cw.visitMethod(ACC_PROTECTED, "layerOutput", "(Ljava/lang/String;)[F", null, null);
        mv.visitCode();
        for (TensorOp op : program.forward()) {
            if (!(op instanceof TensorOp.Linear l)) continue;
            Label next = new Label();
            mv.visitLdcInsn(l.weight().name());
            mv.visitVarInsn(ALOAD, 1);
            mv.visitMethodInsn(INVOKEVIRTUAL, "java/lang/String", "equals", "(Ljava/lang/Object;)Z", false);
            mv.visitJumpInsn(IFEQ, next);
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, owner, TensorOpGenerator.field(l.y()), "[F");
            mv.visitInsn(ARETURN);
            mv.visitLabel(next);
        }
        mv.visitTypeInsn(NEW, "java/lang/IllegalArgumentException");
        mv.visitInsn(DUP);
        mv.visitLdcInsn("no dense layer has this weight");
        mv.visitMethodInsn(INVOKESPECIAL, "java/lang/IllegalArgumentException", "<init>", "(Ljava/lang/String;)V", false);
        mv.visitInsn(ATHROW);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }
}
