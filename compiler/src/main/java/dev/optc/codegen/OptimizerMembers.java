package dev.optc.codegen;

import static org.objectweb.asm.Opcodes.*;

import dev.optc.ir.ElementExpr;
import dev.optc.ir.UpdateKernel;
import java.util.List;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * The optimizer's part of a generated class (trainer or minimizer): hyperparameters as run-time fields, the state
 * arrays, the per-step scalars, the chosen fused kernel, and the {@code update}/{@code lookahead} methods that compute
 * the scalars once per step and run the kernel over the flat buffer. Also emits the kernel classes themselves.
 */
final class OptimizerMembers {
    private final String owner;
    private final UpdateKernel kernel;
    private final int parameterCount;
    private final int line;
    private final String[] hyperFields;

    OptimizerMembers(String owner, UpdateKernel kernel, int parameterCount, int line) {
        this.owner = owner;
        this.kernel = kernel;
        this.parameterCount = parameterCount;
        this.line = line;
        this.hyperFields = new String[kernel.hyperparameters().size()];
        for (int i = 0; i < hyperFields.length; i++) hyperFields[i] = "hyper_" + kernel.hyperparameters().get(i).name();
    }

    void declare(ClassWriter cw) {
        for (String f : hyperFields) cw.visitField(ACC_PRIVATE, f, "D", null, null).visitEnd();
        cw.visitField(ACC_PRIVATE | ACC_FINAL, "states", "[[F", null, null).visitEnd();
        cw.visitField(ACC_PRIVATE | ACC_FINAL, "scalars", "[F", null, null).visitEnd();
        cw.visitField(ACC_PRIVATE | ACC_FINAL, "origin", "[F", null, null).visitEnd();
        cw.visitField(ACC_PRIVATE | ACC_FINAL, "kernel", "L" + KernelClasses.FUSED_UPDATE + ";", null, null).visitEnd();
    }

    /** In the constructor, after the parameters hold their initial values. */
    void initialize(MethodVisitor mv) {
        for (int i = 0; i < hyperFields.length; i++) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitLdcInsn(kernel.hyperparameters().get(i).value());
            mv.visitFieldInsn(PUTFIELD, owner, hyperFields[i], "D");
        }
        ElementExprGenerator initials = new ElementExprGenerator(mv, owner, hyperFields,
                new ElementExprGenerator.Slots(-1, -1, s -> -1, l -> -1, s -> -1, -1));
        mv.visitVarInsn(ALOAD, 0);
        mv.visitLdcInsn(kernel.states().size());
        mv.visitTypeInsn(ANEWARRAY, "[F");
        for (int i = 0; i < kernel.states().size(); i++) {
            mv.visitInsn(DUP);
            mv.visitLdcInsn(i);
            mv.visitLdcInsn(parameterCount);
            mv.visitIntInsn(NEWARRAY, T_FLOAT);
            if (kernel.states().get(i).initial() instanceof ElementExpr.Theta) {
                // θ̂ starts at the initial weights.
                mv.visitInsn(POP);
                mv.visitVarInsn(ALOAD, 0);
                mv.visitFieldInsn(GETFIELD, TrainerClassGenerator.OPTIMIZABLE, "params", "[F");
                mv.visitMethodInsn(INVOKEVIRTUAL, "[F", "clone", "()Ljava/lang/Object;", false);
                mv.visitTypeInsn(CHECKCAST, "[F");
            } else {
                // Every element starts at the declared value (a constant or a hyperparameter, e.g. `state eps = lr`).
                mv.visitInsn(DUP);
                initials.scalar(kernel.states().get(i).initial());
                mv.visitInsn(D2F);
                mv.visitMethodInsn(INVOKESTATIC, "java/util/Arrays", "fill", "([FF)V", false);
            }
            mv.visitInsn(AASTORE);
        }
        mv.visitFieldInsn(PUTFIELD, owner, "states", "[[F");
        mv.visitVarInsn(ALOAD, 0);
        mv.visitLdcInsn(kernel.scalars().size());
        mv.visitIntInsn(NEWARRAY, T_FLOAT);
        mv.visitFieldInsn(PUTFIELD, owner, "scalars", "[F");
        mv.visitVarInsn(ALOAD, 0);
        if (kernel.lookahead() != null) {
            mv.visitLdcInsn(parameterCount);
            mv.visitIntInsn(NEWARRAY, T_FLOAT);
        } else {
            mv.visitInsn(ACONST_NULL);
        }
        mv.visitFieldInsn(PUTFIELD, owner, "origin", "[F");
        // The backend is chosen once per JVM; the vector class is loaded only when it is the one in use.
        Label scalar = new Label();
        Label chosen = new Label();
        mv.visitVarInsn(ALOAD, 0);
        mv.visitMethodInsn(INVOKESTATIC, "dev/optc/runtime/kernels/Backend", "vector", "()Z", false);
        mv.visitJumpInsn(IFEQ, scalar);
        newInstance(mv, KernelClasses.vectorName(owner));
        mv.visitJumpInsn(GOTO, chosen);
        mv.visitLabel(scalar);
        newInstance(mv, KernelClasses.scalarName(owner));
        mv.visitLabel(chosen);
        mv.visitFieldInsn(PUTFIELD, owner, "kernel", "L" + KernelClasses.FUSED_UPDATE + ";");
    }

    void methods(ClassWriter cw) {
        HyperparameterAccessors.generate(cw, owner, kernel, hyperFields);
        step(cw, "update");
        if (kernel.lookahead() != null) step(cw, "lookahead");
        if (kernel.averageState() >= 0) averagedParameters(cw);
        stateAccessors(cw);
    }

    /** {@code optimizerRule()}, {@code optimizerStateNames()}, {@code optimizerStates()}: what a checkpoint saves. */
    private void stateAccessors(ClassWriter cw) {
        MethodVisitor rule = cw.visitMethod(ACC_PROTECTED, "optimizerRule", "()Ljava/lang/String;", null, null);
        rule.visitCode();
        rule.visitLdcInsn(kernel.rule());
        rule.visitInsn(ARETURN);
        rule.visitMaxs(0, 0);
        rule.visitEnd();
        MethodVisitor names = cw.visitMethod(ACC_PROTECTED, "optimizerStateNames", "()[Ljava/lang/String;", null, null);
        names.visitCode();
        names.visitLdcInsn(kernel.states().size());
        names.visitTypeInsn(ANEWARRAY, "java/lang/String");
        for (int i = 0; i < kernel.states().size(); i++) {
            names.visitInsn(DUP);
            names.visitLdcInsn(i);
            names.visitLdcInsn(kernel.states().get(i).name());
            names.visitInsn(AASTORE);
        }
        names.visitInsn(ARETURN);
        names.visitMaxs(0, 0);
        names.visitEnd();
        MethodVisitor states = cw.visitMethod(ACC_PROTECTED, "optimizerStates", "()[[F", null, null);
        states.visitCode();
        states.visitVarInsn(ALOAD, 0);
        states.visitFieldInsn(GETFIELD, owner, "states", "[[F");
        states.visitInsn(ARETURN);
        states.visitMaxs(0, 0);
        states.visitEnd();
    }

    /** The class that holds these members, then its two update kernels (scalar and vector). */
    List<GeneratedClass> withKernelClasses(GeneratedClass holder, String source) {
        return List.of(holder, new ScalarUpdateGenerator(owner, kernel, line).generate(source),
                new VectorUpdateGenerator(owner, kernel, line).generate(source));
    }

    /**
     * {@code update(long t)} or {@code lookahead(long t)}: the per-step scalars, computed in double from the
     * hyperparameter fields and t and rounded once, then the fused kernel over the whole flat buffer.
     */
    private void step(ClassWriter cw, String method) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, method, "(J)V", null, null);
        mv.visitCode();
        lineNumber(mv, line);
        ElementExprGenerator scalars = new ElementExprGenerator(mv, owner, hyperFields,
                new ElementExprGenerator.Slots(-1, -1, s -> -1, l -> -1, s -> -1, 1));
        for (int k = 0; k < kernel.scalars().size(); k++) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, owner, "scalars", "[F");
            mv.visitLdcInsn(k);
            scalars.scalar(kernel.scalars().get(k));
            mv.visitInsn(D2F);
            mv.visitInsn(FASTORE);
        }
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, owner, "kernel", "L" + KernelClasses.FUSED_UPDATE + ";");
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, TrainerClassGenerator.OPTIMIZABLE, "params", "[F");
        if (method.equals("update")) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, TrainerClassGenerator.OPTIMIZABLE, "grads", "[F");
        }
        for (String field : new String[] {"origin", "states", "scalars"}) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, owner, field, field.equals("states") ? "[[F" : "[F");
        }
        mv.visitMethodInsn(INVOKESTATIC, "dev/optc/runtime/kernels/UpdateRunner", method, method.equals("update")
                ? "(L" + KernelClasses.FUSED_UPDATE + ";[F[F[F[[F[F)V" : "(L" + KernelClasses.FUSED_UPDATE + ";[F[F[[F[F)V", false);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** {@code averagedParameters()}: the state array that holds θ̂. */
    private void averagedParameters(ClassWriter cw) {
        MethodVisitor mv = cw.visitMethod(ACC_PROTECTED, "averagedParameters", "()[F", null, null);
        mv.visitCode();
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, owner, "states", "[[F");
        mv.visitLdcInsn(kernel.averageState());
        mv.visitInsn(AALOAD);
        mv.visitInsn(ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private static void newInstance(MethodVisitor mv, String type) {
        mv.visitTypeInsn(NEW, type);
        mv.visitInsn(DUP);
        mv.visitMethodInsn(INVOKESPECIAL, type, "<init>", "()V", false);
    }

    private static void lineNumber(MethodVisitor mv, int line) {
        Label l = new Label();
        mv.visitLabel(l);
        mv.visitLineNumber(line, l);
    }
}
