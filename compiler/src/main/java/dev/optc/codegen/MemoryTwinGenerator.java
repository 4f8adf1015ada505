package dev.optc.codegen;

import static dev.optc.codegen.KernelClasses.*;
import static org.objectweb.asm.Opcodes.*;

import dev.optc.ir.UpdateKernel;
import java.util.Set;
import java.util.TreeSet;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * The memory-only twin of a fused update, generated from the same IR for any rule, the prelude's or a user's: a
 * {@code FusedUpdate} whose loop reads exactly the arrays the rule's kernels read (θ — or its pre-lookahead copy —, g
 * and each state {@link UpdateKernel#statesRead()}) and writes exactly the arrays they write (θ and each state
 * {@link UpdateKernel#statesWritten()}), once per element, with trivial arithmetic (x + 10⁻⁷·g). Its time is what
 * memory alone costs that rule: the limit a fused update can approach but not beat. Used by {@code optc bench} only.
 */
public final class MemoryTwinGenerator {
    private static final float TINY = 1e-7f;
    /** Slots of update: 0 this, 1 params, 2 grads, 3 origin, 4 states, 5 scalars, 6 from, 7 to; then these. */
    private static final int I = 8, G = 9, THETA = 10, FIRST_STATE = 11;

    private final UpdateKernel kernel;
    private final String name;
    private final int line;

    /** {@code name}: the binary name of the class to generate, with dots. */
    public MemoryTwinGenerator(UpdateKernel kernel, String name, int line) {
        this.kernel = kernel;
        this.name = name.replace('.', '/');
        this.line = line;
    }

    public GeneratedClass generate(String sourceName) {
        ClassWriter cw = writer();
        cw.visit(V21, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, name, null, "java/lang/Object", new String[] {FUSED_UPDATE});
        cw.visitSource(sourceName, null);
        defaultConstructor(cw);
        update(cw);
        // The twin stands for the update alone; a lookahead is a separate pass the benchmark does not time.
        MethodVisitor lookahead = cw.visitMethod(ACC_PUBLIC, "lookahead", LOOKAHEAD_DESCRIPTOR, null, null);
        lookahead.visitCode();
        lookahead.visitInsn(RETURN);
        lookahead.visitMaxs(0, 0);
        lookahead.visitEnd();
        cw.visitEnd();
        return new GeneratedClass(name.replace('/', '.'), cw.toByteArray());
    }

    private void update(ClassWriter cw) {
        Set<Integer> read = kernel.statesRead();
        Set<Integer> written = kernel.statesWritten();
        Set<Integer> used = new TreeSet<>(read);
        used.addAll(written);
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "update", UPDATE_DESCRIPTOR, null, null);
        mv.visitCode();
        lineNumber(mv, line);
        for (int s : used) {
            mv.visitVarInsn(ALOAD, 4);
            mv.visitLdcInsn(s);
            mv.visitInsn(AALOAD);
            mv.visitVarInsn(ASTORE, array(s));
        }
        mv.visitVarInsn(ILOAD, 6);
        mv.visitVarInsn(ISTORE, I);
        Label test = new Label();
        Label body = new Label();
        mv.visitJumpInsn(GOTO, test);
        mv.visitLabel(body);
        load(mv, 2, G);
        // With a lookahead, the kernels read θ from its copy taken before the lookahead moved it.
        load(mv, kernel.lookahead() != null ? 3 : 1, THETA);
        for (int s : read) load(mv, array(s), value(s));
        // θ ← θ + tiny·g, plus tiny·s for each state only read, so no load is dead.
        mv.visitVarInsn(FLOAD, THETA);
        tinyTimesG(mv);
        mv.visitInsn(FADD);
        for (int s : read) {
            if (written.contains(s)) continue;
            mv.visitLdcInsn(TINY);
            mv.visitVarInsn(FLOAD, value(s));
            mv.visitInsn(FMUL);
            mv.visitInsn(FADD);
        }
        mv.visitVarInsn(FSTORE, THETA);
        store(mv, 1, THETA);
        for (int s : written) {
            // s ← s + tiny·g when the rule reads s, tiny·g when it only assigns it.
            tinyTimesG(mv);
            if (read.contains(s)) {
                mv.visitVarInsn(FLOAD, value(s));
                mv.visitInsn(FADD);
            }
            mv.visitVarInsn(FSTORE, value(s));
            store(mv, array(s), value(s));
        }
        mv.visitIincInsn(I, 1);
        mv.visitLabel(test);
        mv.visitVarInsn(ILOAD, I);
        mv.visitVarInsn(ILOAD, 7);
        mv.visitJumpInsn(IF_ICMPLT, body);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private static int array(int state) { return FIRST_STATE + 2 * state; }

    private static int value(int state) { return FIRST_STATE + 2 * state + 1; }

    private static void tinyTimesG(MethodVisitor mv) {
        mv.visitLdcInsn(TINY);
        mv.visitVarInsn(FLOAD, G);
        mv.visitInsn(FMUL);
    }

    /** local ← array[i]. */
    private static void load(MethodVisitor mv, int arraySlot, int local) {
        mv.visitVarInsn(ALOAD, arraySlot);
        mv.visitVarInsn(ILOAD, I);
        mv.visitInsn(FALOAD);
        mv.visitVarInsn(FSTORE, local);
    }

    /** array[i] ← local. */
    private static void store(MethodVisitor mv, int arraySlot, int local) {
        mv.visitVarInsn(ALOAD, arraySlot);
        mv.visitVarInsn(ILOAD, I);
        mv.visitVarInsn(FLOAD, local);
        mv.visitInsn(FASTORE);
    }
}
