package dev.optc.codegen;

import static org.objectweb.asm.Opcodes.*;

import dev.optc.ir.ElementExpr;
import dev.optc.ir.ElementStmt;
import dev.optc.ir.UpdateKernel;
import java.util.HashSet;
import java.util.Set;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * The fused update of an optimizer: per-step scalars computed once, then one loop over the flat parameter buffer
 * that reads θ, g and each state once and writes each once. With a lookahead, a second method moves θ to the
 * lookahead point before the gradient is taken, keeping the original θ for the update.
 */
final class UpdateKernelGenerator {
    static final String CLASS_FIELDS_PARAMS = "params";
    static final String CLASS_FIELDS_GRADS = "grads";

    private final String owner;
    private final UpdateKernel kernel;
    private final String[] hyperFields;
    private final String[] stateFields;
    private final String lookaheadOriginField;
    private final int size;

    UpdateKernelGenerator(String owner, UpdateKernel kernel, String[] hyperFields, String[] stateFields,
                          String lookaheadOriginField, int size) {
        this.owner = owner;
        this.kernel = kernel;
        this.hyperFields = hyperFields;
        this.stateFields = stateFields;
        this.lookaheadOriginField = lookaheadOriginField;
        this.size = size;
    }

    /** {@code public void update(long t)}. */
    void generateUpdate(ClassVisitor cv, int line) {
        MethodVisitor mv = cv.visitMethod(ACC_PUBLIC, "update", "(J)V", null, null);
        mv.visitCode();
        lineNumber(mv, line);
        Set<Integer> read = new HashSet<>();
        Set<Integer> written = new HashSet<>();
        for (ElementStmt s : kernel.body()) {
            collectStates(s.value(), read);
            if (s instanceof ElementStmt.SetState st) written.add(st.index());
        }
        emitLoop(mv, false, read, written);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** {@code public void lookahead(long t)}: origin[i] = θ[i]; θ[i] = lookahead expression. */
    void generateLookahead(ClassVisitor cv, int line) {
        MethodVisitor mv = cv.visitMethod(ACC_PUBLIC, "lookahead", "(J)V", null, null);
        mv.visitCode();
        lineNumber(mv, line);
        Set<Integer> read = new HashSet<>();
        collectStates(kernel.lookahead(), read);
        emitLoop(mv, true, read, Set.of());
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /*
     * Local slots: 0 this, 1-2 t, then scalars, then arrays (params, grads, origin, states), then n, i, then the
     * element values (theta, g, states, lets).
     */
    private void emitLoop(MethodVisitor mv, boolean lookahead, Set<Integer> statesRead, Set<Integer> statesWritten) {
        int next = 3;
        int scalarBase = next;
        next += kernel.scalars().size();
        int paramsSlot = next++;
        int gradsSlot = next++;
        int originSlot = next++;
        int stateArrayBase = next;
        next += stateFields.length;
        int iSlot = next++;
        int thetaSlot = next++;
        int gradSlot = next++;
        int stateValueBase = next;
        next += stateFields.length;
        int localBase = next;

        ElementExprGenerator.Slots slots = new ElementExprGenerator.Slots(thetaSlot, gradSlot, s -> stateValueBase + s,
                l -> localBase + l, s -> scalarBase + s, 1);
        ElementExprGenerator exprs = new ElementExprGenerator(mv, owner, hyperFields, slots);

        // Per-step scalars: double arithmetic, rounded once.
        for (int s = 0; s < kernel.scalars().size(); s++) {
            exprs.scalar(kernel.scalars().get(s));
            mv.visitInsn(D2F);
            mv.visitVarInsn(FSTORE, scalarBase + s);
        }
        loadField(mv, CLASS_FIELDS_PARAMS, paramsSlot);
        loadField(mv, CLASS_FIELDS_GRADS, gradsSlot);
        if (lookaheadOriginField != null) loadOwnField(mv, lookaheadOriginField, originSlot);
        for (int s = 0; s < stateFields.length; s++) loadOwnField(mv, stateFields[s], stateArrayBase + s);

        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, iSlot);
        Label test = new Label();
        Label body = new Label();
        mv.visitJumpInsn(GOTO, test);
        mv.visitLabel(body);

        // θ: the stored value, or during the update the value saved before the lookahead moved it.
        boolean fromOrigin = !lookahead && lookaheadOriginField != null;
        mv.visitVarInsn(ALOAD, fromOrigin ? originSlot : paramsSlot);
        mv.visitVarInsn(ILOAD, iSlot);
        mv.visitInsn(FALOAD);
        mv.visitVarInsn(FSTORE, thetaSlot);
        if (!lookahead) {
            mv.visitVarInsn(ALOAD, gradsSlot);
            mv.visitVarInsn(ILOAD, iSlot);
            mv.visitInsn(FALOAD);
            mv.visitVarInsn(FSTORE, gradSlot);
        }
        for (int s : statesRead) {
            mv.visitVarInsn(ALOAD, stateArrayBase + s);
            mv.visitVarInsn(ILOAD, iSlot);
            mv.visitInsn(FALOAD);
            mv.visitVarInsn(FSTORE, stateValueBase + s);
        }
        if (lookahead) {
            mv.visitVarInsn(ALOAD, originSlot);
            mv.visitVarInsn(ILOAD, iSlot);
            mv.visitVarInsn(FLOAD, thetaSlot);
            mv.visitInsn(FASTORE);
            mv.visitVarInsn(ALOAD, paramsSlot);
            mv.visitVarInsn(ILOAD, iSlot);
            exprs.element(kernel.lookahead());
            mv.visitInsn(FASTORE);
        } else {
            for (ElementStmt s : kernel.body()) {
                exprs.element(s.value());
                int target = switch (s) {
                    case ElementStmt.SetTheta x -> thetaSlot;
                    case ElementStmt.SetState x -> stateValueBase + x.index();
                    case ElementStmt.SetLocal x -> localBase + x.index();
                };
                mv.visitVarInsn(FSTORE, target);
            }
            mv.visitVarInsn(ALOAD, paramsSlot);
            mv.visitVarInsn(ILOAD, iSlot);
            mv.visitVarInsn(FLOAD, thetaSlot);
            mv.visitInsn(FASTORE);
            for (int s : statesWritten) {
                mv.visitVarInsn(ALOAD, stateArrayBase + s);
                mv.visitVarInsn(ILOAD, iSlot);
                mv.visitVarInsn(FLOAD, stateValueBase + s);
                mv.visitInsn(FASTORE);
            }
        }
        mv.visitIincInsn(iSlot, 1);
        mv.visitLabel(test);
        mv.visitVarInsn(ILOAD, iSlot);
        mv.visitLdcInsn(size);
        mv.visitJumpInsn(IF_ICMPLT, body);
    }

    private void loadField(MethodVisitor mv, String field, int slot) {
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, ClassGenerator.BASE, field, "[F");
        mv.visitVarInsn(ASTORE, slot);
    }

    private void loadOwnField(MethodVisitor mv, String field, int slot) {
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, owner, field, "[F");
        mv.visitVarInsn(ASTORE, slot);
    }

    private static void lineNumber(MethodVisitor mv, int line) {
        Label l = new Label();
        mv.visitLabel(l);
        mv.visitLineNumber(line, l);
    }

    private static void collectStates(ElementExpr e, Set<Integer> out) {
        switch (e) {
            case ElementExpr.State s -> out.add(s.index());
            case ElementExpr.Unary u -> collectStates(u.operand(), out);
            case ElementExpr.Binary b -> {
                collectStates(b.left(), out);
                collectStates(b.right(), out);
            }
            case ElementExpr.Select s -> {
                collectStates(s.condition(), out);
                collectStates(s.then(), out);
                collectStates(s.otherwise(), out);
            }
            default -> {
            }
        }
    }
}
