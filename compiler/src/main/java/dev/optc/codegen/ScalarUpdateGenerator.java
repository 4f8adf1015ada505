package dev.optc.codegen;

import static dev.optc.codegen.KernelClasses.*;
import static org.objectweb.asm.Opcodes.*;

import dev.optc.ir.ElementStmt;
import dev.optc.ir.UpdateKernel;
import java.util.Set;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * The scalar implementation of a fused update: one loop that reads θ, g and each state once, runs the rule's
 * statements on float locals, and writes θ and each assigned state once. It is the reference implementation the
 * vector kernel hands its tail to. Its methods are static, so the vector class can call them.
 */
final class ScalarUpdateGenerator {
    private final String trainer;
    private final UpdateKernel kernel;
    private final int line;
    /** Which optimizer group's kernel this is (0 when the recipe has one optimizer). */
    private final int group;

    ScalarUpdateGenerator(String trainer, UpdateKernel kernel, int line, int group) {
        this.trainer = trainer;
        this.kernel = kernel;
        this.line = line;
        this.group = group;
    }

    GeneratedClass generate(String sourceName) {
        String name = scalarName(trainer, group);
        ClassWriter cw = writer();
        cw.visit(V21, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, name, null, "java/lang/Object", new String[] {FUSED_UPDATE});
        cw.visitSource(sourceName, null);
        defaultConstructor(cw);
        delegate(cw, "update", "updateRange", UPDATE_DESCRIPTOR, 5);
        delegate(cw, "lookahead", "lookaheadRange", LOOKAHEAD_DESCRIPTOR, 4);
        updateRange(cw);
        lookaheadRange(cw);
        cw.visitEnd();
        return new GeneratedClass(name.replace('/', '.'), cw.toByteArray());
    }

    /** An instance method of FusedUpdate that passes its arrays and then (from, to) on to the static one. */
    private void delegate(ClassWriter cw, String method, String target, String descriptor, int arrays) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, method, descriptor, null, null);
        mv.visitCode();
        for (int a = 1; a <= arrays; a++) mv.visitVarInsn(ALOAD, a);
        mv.visitVarInsn(ILOAD, arrays + 1);
        mv.visitVarInsn(ILOAD, arrays + 2);
        mv.visitMethodInsn(INVOKESTATIC, scalarName(trainer, group), target, descriptor, false);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** Slots of updateRange: 0 params, 1 grads, 2 origin, 3 states, 4 scalars, 5 from, 6 to; then locals. */
    private void updateRange(ClassWriter cw) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, "updateRange", UPDATE_DESCRIPTOR, null, null);
        mv.visitCode();
        lineNumber(mv, line);
        Layout at = new Layout(7, kernel);
        Set<Integer> read = kernel.statesRead();
        ElementExprGenerator exprs = prologue(mv, at, 4, 3, read, kernel.statesWritten());
        Label test = new Label();
        Label body = new Label();
        loopStart(mv, at, 5, test, body);
        // θ: during the update of a rule with lookahead, θ as it was before the lookahead moved it.
        load(mv, kernel.lookahead() != null ? 2 : 0, at.i, at.theta);
        load(mv, 1, at.i, at.grad);
        for (int s : read) load(mv, at.stateArray(s), at.i, at.stateValue(s));
        for (ElementStmt s : kernel.body()) {
            exprs.element(s.value());
            mv.visitVarInsn(FSTORE, switch (s) {
                case ElementStmt.SetTheta x -> at.theta;
                case ElementStmt.SetState x -> at.stateValue(x.index());
                case ElementStmt.SetLocal x -> at.local(x.index());
            });
        }
        for (int target : kernel.storeOrder()) {
            if (target == UpdateKernel.THETA) store(mv, 0, at.i, at.theta);
            else store(mv, at.stateArray(target), at.i, at.stateValue(target));
        }
        loopEnd(mv, at, 6, test, body);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** Slots of lookaheadRange: 0 params, 1 origin, 2 states, 3 scalars, 4 from, 5 to; then locals. */
    private void lookaheadRange(ClassWriter cw) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, "lookaheadRange", LOOKAHEAD_DESCRIPTOR, null, null);
        mv.visitCode();
        lineNumber(mv, line);
        if (kernel.lookahead() != null) {
            Layout at = new Layout(6, kernel);
            Set<Integer> read = kernel.statesReadByLookahead();
            ElementExprGenerator exprs = prologue(mv, at, 3, 2, read, Set.of());
            Label test = new Label();
            Label body = new Label();
            loopStart(mv, at, 4, test, body);
            load(mv, 0, at.i, at.theta);
            for (int s : read) load(mv, at.stateArray(s), at.i, at.stateValue(s));
            store(mv, 1, at.i, at.theta);
            mv.visitVarInsn(ALOAD, 0);
            mv.visitVarInsn(ILOAD, at.i);
            exprs.element(kernel.lookahead());
            mv.visitInsn(FASTORE);
            loopEnd(mv, at, 5, test, body);
        }
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** Loads the per-step scalars and the state arrays into locals; returns the expression generator over them. */
    private ElementExprGenerator prologue(MethodVisitor mv, Layout at, int scalarsArg, int statesArg, Set<Integer> read,
                                          Set<Integer> written) {
        for (int k = 0; k < kernel.scalars().size(); k++) {
            mv.visitVarInsn(ALOAD, scalarsArg);
            mv.visitLdcInsn(k);
            mv.visitInsn(FALOAD);
            mv.visitVarInsn(FSTORE, at.scalar(k));
        }
        java.util.Set<Integer> used = new java.util.TreeSet<>(read);
        used.addAll(written);
        for (int s : used) {
            mv.visitVarInsn(ALOAD, statesArg);
            mv.visitLdcInsn(s);
            mv.visitInsn(AALOAD);
            mv.visitVarInsn(ASTORE, at.stateArray(s));
        }
        return new ElementExprGenerator(mv, trainer, new String[0], new ElementExprGenerator.Slots(at.theta, at.grad,
                at::stateValue, at::local, at::scalar, -1));
    }

    private static void loopStart(MethodVisitor mv, Layout at, int fromArg, Label test, Label body) {
        mv.visitVarInsn(ILOAD, fromArg);
        mv.visitVarInsn(ISTORE, at.i);
        mv.visitJumpInsn(GOTO, test);
        mv.visitLabel(body);
    }

    private static void loopEnd(MethodVisitor mv, Layout at, int toArg, Label test, Label body) {
        mv.visitIincInsn(at.i, 1);
        mv.visitLabel(test);
        mv.visitVarInsn(ILOAD, at.i);
        mv.visitVarInsn(ILOAD, toArg);
        mv.visitJumpInsn(IF_ICMPLT, body);
    }

    private static void load(MethodVisitor mv, int array, int index, int into) {
        mv.visitVarInsn(ALOAD, array);
        mv.visitVarInsn(ILOAD, index);
        mv.visitInsn(FALOAD);
        mv.visitVarInsn(FSTORE, into);
    }

    private static void store(MethodVisitor mv, int array, int index, int from) {
        mv.visitVarInsn(ALOAD, array);
        mv.visitVarInsn(ILOAD, index);
        mv.visitVarInsn(FLOAD, from);
        mv.visitInsn(FASTORE);
    }

    /** Local variable slots after the arguments: scalars, state arrays, i, θ, g, state values, lets. */
    private static final class Layout {
        final int scalarBase;
        final int stateArrayBase;
        final int i;
        final int theta;
        final int grad;
        final int stateValueBase;
        final int localBase;

        Layout(int first, UpdateKernel kernel) {
            scalarBase = first;
            stateArrayBase = scalarBase + kernel.scalars().size();
            i = stateArrayBase + kernel.states().size();
            theta = i + 1;
            grad = i + 2;
            stateValueBase = i + 3;
            localBase = stateValueBase + kernel.states().size();
        }

        int scalar(int k) { return scalarBase + k; }

        int stateArray(int s) { return stateArrayBase + s; }

        int stateValue(int s) { return stateValueBase + s; }

        int local(int l) { return localBase + l; }
    }
}
