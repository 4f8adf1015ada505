package dev.optc.codegen;

import static dev.optc.codegen.KernelClasses.*;
import static org.objectweb.asm.Opcodes.*;

import dev.optc.ir.ElementStmt;
import dev.optc.ir.UpdateKernel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * The Vector API implementation of a fused update: the species is a static final constant (so C2 specialises the
 * loop), every per-step scalar and constant is broadcast once before the loop, the main loop runs unmasked to
 * {@code loopBound}, and the tail goes to the scalar kernel, the one reference implementation. So does a head of up
 * to 15 elements, so that the main loop begins where a large array's elements meet a cache line
 * ({@code ArrayAlignment}): misaligned, every 64-byte load and store would touch two lines.
 */
final class VectorUpdateGenerator {
    private static final String SPECIES = "jdk/incubator/vector/VectorSpecies";
    private static final String ARRAY_ALIGNMENT = "dev/optc/runtime/kernels/ArrayAlignment";
    private static final String FV = "L" + VectorExprGenerator.FLOAT_VECTOR + ";";

    private final String trainer;
    private final UpdateKernel kernel;
    private final int line;
    /** Which optimizer group's kernel this is (0 when the recipe has one optimizer). */
    private final int group;

    VectorUpdateGenerator(String trainer, UpdateKernel kernel, int line, int group) {
        this.trainer = trainer;
        this.kernel = kernel;
        this.line = line;
        this.group = group;
    }

    GeneratedClass generate(String sourceName) {
        String name = vectorName(trainer, group);
        ClassWriter cw = writer();
        cw.visit(V21, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, name, null, "java/lang/Object", new String[] {FUSED_UPDATE});
        cw.visitSource(sourceName, null);
        cw.visitField(ACC_PRIVATE | ACC_STATIC | ACC_FINAL, "SPECIES", "L" + SPECIES + ";", null, null).visitEnd();
        MethodVisitor clinit = cw.visitMethod(ACC_STATIC, "<clinit>", "()V", null, null);
        clinit.visitCode();
        clinit.visitFieldInsn(GETSTATIC, VectorExprGenerator.FLOAT_VECTOR, "SPECIES_PREFERRED", "L" + SPECIES + ";");
        clinit.visitFieldInsn(PUTSTATIC, name, "SPECIES", "L" + SPECIES + ";");
        clinit.visitInsn(RETURN);
        clinit.visitMaxs(0, 0);
        clinit.visitEnd();
        defaultConstructor(cw);
        update(cw, name);
        lookahead(cw, name);
        cw.visitEnd();
        return new GeneratedClass(name.replace('/', '.'), cw.toByteArray());
    }

    /** Slots: 0 this, 1 params, 2 grads, 3 origin, 4 states, 5 scalars, 6 from, 7 to; then locals. */
    private void update(ClassWriter cw, String name) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "update", UPDATE_DESCRIPTOR, null, null);
        mv.visitCode();
        lineNumber(mv, line);
        Set<Integer> read = kernel.statesRead();
        Set<Integer> written = kernel.statesWritten();
        Set<Float> constants = new TreeSet<>();
        for (ElementStmt s : kernel.body()) KernelClasses.collectConstants(s.value(), constants);
        Layout at = new Layout(8, kernel, constants);
        VectorExprGenerator exprs = prologue(mv, name, at, 5, 4, 6, 7, read, written);
        // The head, [from, head), in the scalar reference kernel, so that the vector loop starts on a cache line.
        scalarRange(mv, "updateRange", UPDATE_DESCRIPTOR, 5, 6, at.head);
        Label test = new Label();
        Label body = new Label();
        loopStart(mv, at, test, body);
        fromArray(mv, name, kernel.lookahead() != null ? 3 : 1, at.i, at.theta);
        fromArray(mv, name, 2, at.i, at.grad);
        for (int s : read) fromArray(mv, name, at.stateArray(s), at.i, at.stateValue(s));
        for (ElementStmt s : kernel.body()) {
            exprs.vector(s.value());
            mv.visitVarInsn(ASTORE, switch (s) {
                case ElementStmt.SetTheta x -> at.theta;
                case ElementStmt.SetState x -> at.stateValue(x.index());
                case ElementStmt.SetLocal x -> at.local(x.index());
            });
        }
        for (int target : kernel.storeOrder()) {
            if (target == UpdateKernel.THETA) intoArray(mv, at.theta, 1, at.i);
            else intoArray(mv, at.stateValue(target), at.stateArray(target), at.i);
        }
        loopEnd(mv, at, test, body);
        // The tail, [upper, to), in the scalar reference kernel.
        scalarRange(mv, "updateRange", UPDATE_DESCRIPTOR, 5, at.upper, 7);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** Slots: 0 this, 1 params, 2 origin, 3 states, 4 scalars, 5 from, 6 to; then locals. */
    private void lookahead(ClassWriter cw, String name) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "lookahead", LOOKAHEAD_DESCRIPTOR, null, null);
        mv.visitCode();
        lineNumber(mv, line);
        if (kernel.lookahead() != null) {
            Set<Integer> read = kernel.statesReadByLookahead();
            Set<Float> constants = new TreeSet<>();
            KernelClasses.collectConstants(kernel.lookahead(), constants);
            Layout at = new Layout(7, kernel, constants);
            VectorExprGenerator exprs = prologue(mv, name, at, 4, 3, 5, 6, read, Set.of());
            scalarRange(mv, "lookaheadRange", LOOKAHEAD_DESCRIPTOR, 4, 5, at.head);
            Label test = new Label();
            Label body = new Label();
            loopStart(mv, at, test, body);
            fromArray(mv, name, 1, at.i, at.theta);
            for (int s : read) fromArray(mv, name, at.stateArray(s), at.i, at.stateValue(s));
            intoArray(mv, at.theta, 2, at.i);
            exprs.vector(kernel.lookahead());
            mv.visitVarInsn(ASTORE, at.theta);
            intoArray(mv, at.theta, 1, at.i);
            loopEnd(mv, at, test, body);
            scalarRange(mv, "lookaheadRange", LOOKAHEAD_DESCRIPTOR, 4, at.upper, 6);
        }
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private VectorExprGenerator prologue(MethodVisitor mv, String name, Layout at, int scalarsArg, int statesArg, int fromArg,
                                         int toArg, Set<Integer> read, Set<Integer> written) {
        // lanes = SPECIES.length(); head = ArrayAlignment.alignedStart(from, to); upper = head + SPECIES.loopBound(to - head)
        species(mv, name);
        mv.visitMethodInsn(INVOKEINTERFACE, SPECIES, "length", "()I", true);
        mv.visitVarInsn(ISTORE, at.lanes);
        mv.visitVarInsn(ILOAD, fromArg);
        mv.visitVarInsn(ILOAD, toArg);
        mv.visitMethodInsn(INVOKESTATIC, ARRAY_ALIGNMENT, "alignedStart", "(II)I", false);
        mv.visitVarInsn(ISTORE, at.head);
        mv.visitVarInsn(ILOAD, at.head);
        species(mv, name);
        mv.visitVarInsn(ILOAD, toArg);
        mv.visitVarInsn(ILOAD, at.head);
        mv.visitInsn(ISUB);
        mv.visitMethodInsn(INVOKEINTERFACE, SPECIES, "loopBound", "(I)I", true);
        mv.visitInsn(IADD);
        mv.visitVarInsn(ISTORE, at.upper);
        for (int k = 0; k < kernel.scalars().size(); k++) {
            species(mv, name);
            mv.visitVarInsn(ALOAD, scalarsArg);
            mv.visitLdcInsn(k);
            mv.visitInsn(FALOAD);
            broadcast(mv);
            mv.visitVarInsn(ASTORE, at.scalar(k));
        }
        for (Map.Entry<Float, Integer> c : at.constants.entrySet()) {
            species(mv, name);
            mv.visitLdcInsn(c.getKey());
            broadcast(mv);
            mv.visitVarInsn(ASTORE, c.getValue());
        }
        Set<Integer> used = new TreeSet<>(read);
        used.addAll(written);
        for (int s : used) {
            mv.visitVarInsn(ALOAD, statesArg);
            mv.visitLdcInsn(s);
            mv.visitInsn(AALOAD);
            mv.visitVarInsn(ASTORE, at.stateArray(s));
        }
        return new VectorExprGenerator(mv, new VectorExprGenerator.Slots(at.theta, at.grad, at::stateValue, at::local,
                at::scalar, at.constants));
    }

    /**
     * The scalar kernel's static {@code method} over [from, to), given the array arguments in slots 1 to
     * {@code arrays} (the same order in both kernels) and the int slots holding from and to.
     */
    private void scalarRange(MethodVisitor mv, String method, String descriptor, int arrays, int fromSlot, int toSlot) {
        for (int a = 1; a <= arrays; a++) mv.visitVarInsn(ALOAD, a);
        mv.visitVarInsn(ILOAD, fromSlot);
        mv.visitVarInsn(ILOAD, toSlot);
        mv.visitMethodInsn(INVOKESTATIC, scalarName(trainer, group), method, descriptor, false);
    }

    private static void loopStart(MethodVisitor mv, Layout at, Label test, Label body) {
        mv.visitVarInsn(ILOAD, at.head);
        mv.visitVarInsn(ISTORE, at.i);
        mv.visitJumpInsn(GOTO, test);
        mv.visitLabel(body);
    }

    private static void loopEnd(MethodVisitor mv, Layout at, Label test, Label body) {
        mv.visitVarInsn(ILOAD, at.i);
        mv.visitVarInsn(ILOAD, at.lanes);
        mv.visitInsn(IADD);
        mv.visitVarInsn(ISTORE, at.i);
        mv.visitLabel(test);
        mv.visitVarInsn(ILOAD, at.i);
        mv.visitVarInsn(ILOAD, at.upper);
        mv.visitJumpInsn(IF_ICMPLT, body);
    }

    private static void species(MethodVisitor mv, String name) {
        mv.visitFieldInsn(GETSTATIC, name, "SPECIES", "L" + SPECIES + ";");
    }

    private static void broadcast(MethodVisitor mv) {
        mv.visitMethodInsn(INVOKESTATIC, VectorExprGenerator.FLOAT_VECTOR, "broadcast", "(L" + SPECIES + ";F)" + FV, false);
    }

    private static void fromArray(MethodVisitor mv, String name, int array, int index, int into) {
        species(mv, name);
        mv.visitVarInsn(ALOAD, array);
        mv.visitVarInsn(ILOAD, index);
        mv.visitMethodInsn(INVOKESTATIC, VectorExprGenerator.FLOAT_VECTOR, "fromArray", "(L" + SPECIES + ";[FI)" + FV, false);
        mv.visitVarInsn(ASTORE, into);
    }

    private static void intoArray(MethodVisitor mv, int vector, int array, int index) {
        mv.visitVarInsn(ALOAD, vector);
        mv.visitVarInsn(ALOAD, array);
        mv.visitVarInsn(ILOAD, index);
        mv.visitMethodInsn(INVOKEVIRTUAL, VectorExprGenerator.FLOAT_VECTOR, "intoArray", "([FI)V", false);
    }

    /** Local slots after the arguments: lanes, head, upper, i, scalars, constants, state arrays, θ, g, states, lets. */
    private static final class Layout {
        final int lanes;
        final int head;
        final int upper;
        final int i;
        final int scalarBase;
        final Map<Float, Integer> constants = new LinkedHashMap<>();
        final int stateArrayBase;
        final int theta;
        final int grad;
        final int stateValueBase;
        final int localBase;

        Layout(int first, UpdateKernel kernel, Set<Float> usedConstants) {
            lanes = first;
            head = first + 1;
            upper = first + 2;
            i = first + 3;
            scalarBase = first + 4;
            int next = scalarBase + kernel.scalars().size();
            // 0, 1 and −1 are always there: masks turn into numbers and sign() through them.
            Set<Float> all = new TreeSet<>(usedConstants);
            all.add(0f);
            all.add(1f);
            all.add(-1f);
            for (Float c : all) constants.put(c, next++);
            stateArrayBase = next;
            theta = stateArrayBase + kernel.states().size();
            grad = theta + 1;
            stateValueBase = grad + 1;
            localBase = stateValueBase + kernel.states().size();
        }

        int scalar(int k) { return scalarBase + k; }

        int stateArray(int s) { return stateArrayBase + s; }

        int stateValue(int s) { return stateValueBase + s; }

        int local(int l) { return localBase + l; }
    }
}
