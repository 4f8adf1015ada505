package dev.optc.codegen;

import static org.objectweb.asm.Opcodes.*;

import dev.optc.ir.ElementExpr;
import dev.optc.ir.UpdateKernel;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * The optimizer's part of a generated class (trainer or minimizer): hyperparameters as run-time fields, the state
 * arrays, the per-step scalars, the chosen fused kernel, and the {@code update}/{@code lookahead} methods that compute
 * the scalars once per step and run the kernel over the flat buffer. With per-layer optimizer groups, each group has
 * its own kernel, fields and state arrays, and runs over its layers' ranges only. Also emits the kernel classes.
 */
final class OptimizerMembers {
    private static final String BACKEND = "dev/optc/runtime/kernels/Backend";

    /**
     * One update rule and the parameters it updates.
     *
     * @param prefix the prefix of its hyperparameters' and states' public names ({@code h1} in {@code h1.lr}), or null
     *               when the recipe has one optimizer
     * @param ranges [from, to) pairs of offsets, sorted and disjoint; null for the whole flat buffer
     */
    record Group(UpdateKernel kernel, String prefix, int[] ranges) {
        String publicName(String name) { return prefix == null ? name : prefix + "." + name; }
    }

    private final String owner;
    private final List<Group> groups;
    private final int parameterCount;
    private final int line;
    /** Per group, the fields of its hyperparameters. */
    private final List<String[]> hyperFields = new ArrayList<>();

    OptimizerMembers(String owner, UpdateKernel kernel, int parameterCount, int line) {
        this(owner, List.of(new Group(kernel, null, null)), parameterCount, line);
    }

    OptimizerMembers(String owner, List<Group> groups, int parameterCount, int line) {
        this.owner = owner;
        this.groups = groups;
        this.parameterCount = parameterCount;
        this.line = line;
        for (int g = 0; g < groups.size(); g++) {
            UpdateKernel kernel = groups.get(g).kernel();
            String[] fields = new String[kernel.hyperparameters().size()];
            for (int i = 0; i < fields.length; i++) fields[i] = "hyper" + suffix(g) + "_" + kernel.hyperparameters().get(i).name();
            hyperFields.add(fields);
        }
    }

    /** The first group keeps the plain field names, so a recipe with one optimizer compiles as it always did. */
    private static String suffix(int group) {
        return group == 0 ? "" : String.valueOf(group);
    }

    private boolean anyLookahead() {
        return groups.stream().anyMatch(g -> g.kernel().lookahead() != null);
    }

    void declare(ClassWriter cw) {
        for (int g = 0; g < groups.size(); g++) {
            for (String f : hyperFields.get(g)) cw.visitField(ACC_PRIVATE, f, "D", null, null).visitEnd();
            cw.visitField(ACC_PRIVATE | ACC_FINAL, "states" + suffix(g), "[[F", null, null).visitEnd();
            cw.visitField(ACC_PRIVATE | ACC_FINAL, "scalars" + suffix(g), "[F", null, null).visitEnd();
            cw.visitField(ACC_PRIVATE | ACC_FINAL, "kernel" + suffix(g), "L" + KernelClasses.FUSED_UPDATE + ";", null, null).visitEnd();
            if (groups.get(g).ranges() != null) cw.visitField(ACC_PRIVATE | ACC_FINAL, "ranges" + suffix(g), "[I", null, null).visitEnd();
        }
        cw.visitField(ACC_PRIVATE | ACC_FINAL, "origin", "[F", null, null).visitEnd();
    }

    /** In the constructor, after the parameters hold their initial values. */
    void initialize(MethodVisitor mv) {
        for (int g = 0; g < groups.size(); g++) initialize(mv, g);
        mv.visitVarInsn(ALOAD, 0);
        if (anyLookahead()) {
            mv.visitLdcInsn(parameterCount);
            mv.visitIntInsn(NEWARRAY, T_FLOAT);
        } else {
            mv.visitInsn(ACONST_NULL);
        }
        mv.visitFieldInsn(PUTFIELD, owner, "origin", "[F");
    }

    private void initialize(MethodVisitor mv, int g) {
        UpdateKernel kernel = groups.get(g).kernel();
        String[] fields = hyperFields.get(g);
        for (int i = 0; i < fields.length; i++) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitLdcInsn(kernel.hyperparameters().get(i).value());
            mv.visitFieldInsn(PUTFIELD, owner, fields[i], "D");
        }
        ElementExprGenerator initials = new ElementExprGenerator(mv, owner, fields,
                new ElementExprGenerator.Slots(-1, -1, s -> -1, l -> -1, s -> -1, -1));
        mv.visitVarInsn(ALOAD, 0);
        mv.visitLdcInsn(kernel.states().size());
        mv.visitTypeInsn(ANEWARRAY, "[F");
        for (int i = 0; i < kernel.states().size(); i++) {
            mv.visitInsn(DUP);
            mv.visitLdcInsn(i);
            if (i == kernel.averageState() && g > 0) {
                // Every group averages its own ranges of one θ̂ array, the first group's, so averagedParameters() is whole.
                mv.visitVarInsn(ALOAD, 0);
                mv.visitFieldInsn(GETFIELD, owner, "states", "[[F");
                mv.visitLdcInsn(groups.get(0).kernel().averageState());
                mv.visitInsn(AALOAD);
                mv.visitInsn(AASTORE);
                continue;
            }
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
        mv.visitFieldInsn(PUTFIELD, owner, "states" + suffix(g), "[[F");
        mv.visitVarInsn(ALOAD, 0);
        mv.visitLdcInsn(kernel.scalars().size());
        mv.visitIntInsn(NEWARRAY, T_FLOAT);
        mv.visitFieldInsn(PUTFIELD, owner, "scalars" + suffix(g), "[F");
        int[] ranges = groups.get(g).ranges();
        if (ranges != null) {
            mv.visitVarInsn(ALOAD, 0);
            ParameterRanges.pushIntArray(mv, ranges);
            mv.visitFieldInsn(PUTFIELD, owner, "ranges" + suffix(g), "[I");
        }
        // The backend is chosen once per JVM, and per kernel from its shape (Backend.forKernel); the vector class is
        // loaded only when it is the one in use.
        Label scalar = new Label();
        Label chosen = new Label();
        mv.visitVarInsn(ALOAD, 0);
        mv.visitInsn(SuperWordShape.of(kernel) ? ICONST_1 : ICONST_0);
        mv.visitMethodInsn(INVOKESTATIC, BACKEND, "forKernel", "(Z)L" + BACKEND + ";", false);
        mv.visitFieldInsn(GETSTATIC, BACKEND, "VECTOR", "L" + BACKEND + ";");
        mv.visitJumpInsn(IF_ACMPNE, scalar);
        newInstance(mv, KernelClasses.vectorName(owner, g));
        mv.visitJumpInsn(GOTO, chosen);
        mv.visitLabel(scalar);
        newInstance(mv, KernelClasses.scalarName(owner, g));
        mv.visitLabel(chosen);
        mv.visitFieldInsn(PUTFIELD, owner, "kernel" + suffix(g), "L" + KernelClasses.FUSED_UPDATE + ";");
    }

    void methods(ClassWriter cw) {
        List<String> names = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            for (UpdateKernel.Hyperparameter h : groups.get(g).kernel().hyperparameters()) names.add(groups.get(g).publicName(h.name()));
            fields.addAll(List.of(hyperFields.get(g)));
        }
        HyperparameterAccessors.generate(cw, owner, names, fields);
        step(cw, "update");
        if (anyLookahead()) step(cw, "lookahead");
        if (groups.get(0).kernel().averageState() >= 0) averagedParameters(cw);
        stateAccessors(cw);
    }

    /** {@code optimizerRule()}, {@code optimizerStateNames()}, {@code optimizerStates()}: what a checkpoint saves. */
    private void stateAccessors(ClassWriter cw) {
        MethodVisitor rule = cw.visitMethod(ACC_PROTECTED, "optimizerRule", "()Ljava/lang/String;", null, null);
        rule.visitCode();
        rule.visitLdcInsn(String.join("+", groups.stream().map(g -> g.kernel().rule()).toList()));
        rule.visitInsn(ARETURN);
        rule.visitMaxs(0, 0);
        rule.visitEnd();
        int count = groups.stream().mapToInt(g -> g.kernel().states().size()).sum();
        MethodVisitor names = cw.visitMethod(ACC_PROTECTED, "optimizerStateNames", "()[Ljava/lang/String;", null, null);
        names.visitCode();
        names.visitLdcInsn(count);
        names.visitTypeInsn(ANEWARRAY, "java/lang/String");
        int at = 0;
        for (Group group : groups) {
            for (UpdateKernel.StateArray state : group.kernel().states()) {
                names.visitInsn(DUP);
                names.visitLdcInsn(at++);
                names.visitLdcInsn(group.publicName(state.name()));
                names.visitInsn(AASTORE);
            }
        }
        names.visitInsn(ARETURN);
        names.visitMaxs(0, 0);
        names.visitEnd();
        MethodVisitor states = cw.visitMethod(ACC_PROTECTED, "optimizerStates", "()[[F", null, null);
        states.visitCode();
        if (groups.size() == 1) {
            states.visitVarInsn(ALOAD, 0);
            states.visitFieldInsn(GETFIELD, owner, "states", "[[F");
        } else {
            // The groups' live arrays side by side, in the order of optimizerStateNames().
            states.visitLdcInsn(count);
            states.visitTypeInsn(ANEWARRAY, "[F");
            at = 0;
            for (int g = 0; g < groups.size(); g++) {
                for (int i = 0; i < groups.get(g).kernel().states().size(); i++) {
                    states.visitInsn(DUP);
                    states.visitLdcInsn(at++);
                    states.visitVarInsn(ALOAD, 0);
                    states.visitFieldInsn(GETFIELD, owner, "states" + suffix(g), "[[F");
                    states.visitLdcInsn(i);
                    states.visitInsn(AALOAD);
                    states.visitInsn(AASTORE);
                }
            }
        }
        states.visitInsn(ARETURN);
        states.visitMaxs(0, 0);
        states.visitEnd();
    }

    /** The class that holds these members, then each group's two update kernels (scalar and vector). */
    List<GeneratedClass> withKernelClasses(GeneratedClass holder, String source) {
        List<GeneratedClass> out = new ArrayList<>();
        out.add(holder);
        for (int g = 0; g < groups.size(); g++) {
            out.add(new ScalarUpdateGenerator(owner, groups.get(g).kernel(), line, g).generate(source));
            out.add(new VectorUpdateGenerator(owner, groups.get(g).kernel(), line, g).generate(source));
        }
        return List.copyOf(out);
    }

    /**
     * {@code update(long t)} or {@code lookahead(long t)}: per group, the per-step scalars, computed in double from the
     * hyperparameter fields and t and rounded once, then the group's fused kernel over its ranges of the flat buffer.
     */
    private void step(ClassWriter cw, String method) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, method, "(J)V", null, null);
        mv.visitCode();
        lineNumber(mv, line);
        for (int g = 0; g < groups.size(); g++) {
            Group group = groups.get(g);
            UpdateKernel kernel = group.kernel();
            if (method.equals("lookahead") && kernel.lookahead() == null) continue;
            Label skip = new Label();
            if (groups.size() > 1) {
                // if (activeGroup >= 0 && activeGroup != g) skip this group: block coordinate descent runs one block
                Label run = new Label();
                mv.visitVarInsn(ALOAD, 0);
                mv.visitFieldInsn(GETFIELD, TrainerClassGenerator.OPTIMIZABLE, "activeGroup", "I");
                mv.visitJumpInsn(IFLT, run);
                mv.visitVarInsn(ALOAD, 0);
                mv.visitFieldInsn(GETFIELD, TrainerClassGenerator.OPTIMIZABLE, "activeGroup", "I");
                mv.visitLdcInsn(g);
                mv.visitJumpInsn(IF_ICMPNE, skip);
                mv.visitLabel(run);
            }
            String scalarsField = "scalars" + suffix(g);
            ElementExprGenerator scalars = new ElementExprGenerator(mv, owner, hyperFields.get(g),
                    new ElementExprGenerator.Slots(-1, -1, s -> -1, l -> -1, s -> -1, 1));
            for (int k = 0; k < kernel.scalars().size(); k++) {
                mv.visitVarInsn(ALOAD, 0);
                mv.visitFieldInsn(GETFIELD, owner, scalarsField, "[F");
                mv.visitLdcInsn(k);
                scalars.scalar(kernel.scalars().get(k));
                mv.visitInsn(D2F);
                mv.visitInsn(FASTORE);
            }
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, owner, "kernel" + suffix(g), "L" + KernelClasses.FUSED_UPDATE + ";");
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, TrainerClassGenerator.OPTIMIZABLE, "params", "[F");
            if (method.equals("update")) {
                mv.visitVarInsn(ALOAD, 0);
                mv.visitFieldInsn(GETFIELD, TrainerClassGenerator.OPTIMIZABLE, "grads", "[F");
            }
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, owner, "origin", "[F");
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, owner, "states" + suffix(g), "[[F");
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, owner, scalarsField, "[F");
            String ranges = "";
            if (group.ranges() != null) {
                mv.visitVarInsn(ALOAD, 0);
                mv.visitFieldInsn(GETFIELD, owner, "ranges" + suffix(g), "[I");
                ranges = "[I";
            }
            mv.visitMethodInsn(INVOKESTATIC, "dev/optc/runtime/kernels/UpdateRunner", method, method.equals("update")
                    ? "(L" + KernelClasses.FUSED_UPDATE + ";[F[F[F[[F[F" + ranges + ")V"
                    : "(L" + KernelClasses.FUSED_UPDATE + ";[F[F[[F[F" + ranges + ")V", false);
            mv.visitLabel(skip);
        }
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
        mv.visitLdcInsn(groups.get(0).kernel().averageState());
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
