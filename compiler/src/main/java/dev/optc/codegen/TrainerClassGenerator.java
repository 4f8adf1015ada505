package dev.optc.codegen;

import static org.objectweb.asm.Opcodes.*;

import dev.optc.check.CheckedRecipe;
import dev.optc.ir.ElementExpr;
import dev.optc.ir.Buffer;
import dev.optc.ir.ParameterSlice;
import dev.optc.ir.TensorOp;
import dev.optc.ir.TensorProgram;
import dev.optc.ir.UpdateKernel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * A trainer class per recipe: it extends the runtime's {@code CompiledTrainer} and holds the recipe's compute,
 * specialised to its shapes: activation buffers, the forward and backward passes as kernel calls, the loss, the
 * fused optimizer update, and the hyperparameters as fields that can change between steps without recompiling.
 */
public final class TrainerClassGenerator {
    static final String BASE = "dev/optc/runtime/train/CompiledTrainer";
    /** Where the flat buffers and the gradient scale are declared. */
    static final String OPTIMIZABLE = "dev/optc/runtime/train/Optimizable";
    private static final String SETTINGS = "dev/optc/runtime/train/TrainingSettings";
    private static final String SPEC = "dev/optc/runtime/ParameterSpec";
    private static final String OPTIONS = "dev/optc/runtime/TrainOptions";
    private static final String LOSSES = "dev/optc/runtime/kernels/Losses";
    private static final String SCHEDULE = "dev/optc/runtime/train/Schedule";
    private static final String DATA_SOURCE = "dev/optc/runtime/data/DataSource";
    private static final String EARLY = "dev/optc/runtime/train/EarlyStopping";
    private static final String CURRICULUM = "dev/optc/runtime/train/CurriculumPlan";

    /** The trainer class first, then its two update kernels (scalar and vector). */
    public List<GeneratedClass> generate(CheckedRecipe recipe, TensorProgram program, UpdateKernel kernel) {
        return generate(recipe, program, List.of(kernel));
    }

    /** The trainer class first, then two update kernels (scalar and vector) per optimizer group, in the recipe's order. */
    public List<GeneratedClass> generate(CheckedRecipe recipe, TensorProgram program, List<UpdateKernel> kernels) {
        String owner = "dev/optc/generated/" + className(recipe.name());
        String source = program.sourceName().replaceAll(".*[/\\\\]", "");
        ClassWriter cw = KernelClasses.writer();
        cw.visit(V21, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, owner, null, BASE, null);
        cw.visitSource(source, null);

        // A full-batch solver has no optimizer expression of an update rule: its lines are the recipe's.
        int updateLine = recipe.optimizer() != null ? recipe.optimizer().span().line() : recipe.decl().span().line();
        OptimizerMembers members = new OptimizerMembers(owner, groups(recipe, program, kernels), program.parameterCount(),
                updateLine);
        members.declare(cw);
        for (Buffer b : program.buffers()) {
            if (!b.equals(program.input())) cw.visitField(ACC_PRIVATE, TensorOpGenerator.field(b), "[F", null, null).visitEnd();
        }

        int line = recipe.decl().span().line();
        constructor(cw, owner, recipe, program, members, line);
        allocate(cw, owner, program, line);
        computeGradients(cw, owner, program, line);
        infer(cw, owner, program, line);
        outputs(cw, owner, program);
        LayerOutputs.generate(cw, owner, program);
        members.methods(cw);
        cw.visitEnd();
        return members.withKernelClasses(new GeneratedClass(owner.replace('/', '.'), cw.toByteArray()), source);
    }

    /**
     * One group per kernel; with several, each runs over the offsets of its layers' tensors (a tensor belongs to layer L
     * when its name is {@code L.<something>}), merged into sorted [from, to) ranges.
     */
    static List<OptimizerMembers.Group> groups(CheckedRecipe recipe, TensorProgram program, List<UpdateKernel> kernels) {
        if (recipe.optimizerGroups().isEmpty()) return List.of(new OptimizerMembers.Group(kernels.get(0), null, null));
        if (kernels.size() == 1) {
            // One rule: over the whole buffer, unless a stage leaves frozen layers out of its group.
            int[] ranges = ranges(recipe.optimizerGroups().get(0), program);
            boolean whole = ranges.length == 2 && ranges[0] == 0 && ranges[1] == program.parameterCount();
            return List.of(new OptimizerMembers.Group(kernels.get(0), null, whole ? null : ranges));
        }
        List<OptimizerMembers.Group> groups = new ArrayList<>();
        for (int g = 0; g < kernels.size(); g++) {
            CheckedRecipe.OptimizerGroup group = recipe.optimizerGroups().get(g);
            groups.add(new OptimizerMembers.Group(kernels.get(g), group.name(), ranges(group, program)));
        }
        return List.copyOf(groups);
    }

    /** The sorted, merged [from, to) offsets of a group's layers' tensors. */
    private static int[] ranges(CheckedRecipe.OptimizerGroup group, TensorProgram program) {
        return ParameterRanges.of(program.parameters(), p -> group.layers().stream().anyMatch(l -> p.name().startsWith(l + ".")));
    }

    /** `digits` → `DigitsTrainer`, `fashion_mlp` → `FashionMlpTrainer`. */
    public static String className(String recipe) {
        StringBuilder out = new StringBuilder();
        for (String part : recipe.split("_+")) {
            if (!part.isEmpty()) out.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
        }
        return out.append("Trainer").toString();
    }

    private void constructor(ClassWriter cw, String owner, CheckedRecipe recipe, TensorProgram program,
                             OptimizerMembers members, int line) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "<init>", "(L" + OPTIONS + ";)V", null, null);
        mv.visitCode();
        lineNumber(mv, line);
        mv.visitVarInsn(ALOAD, 0);
        // new TrainingSettings(recipe, inputWidth, outputWidth, loss, batch, epochs, shuffle, dropLast, seed, parameterCount)
        mv.visitTypeInsn(NEW, SETTINGS);
        mv.visitInsn(DUP);
        mv.visitLdcInsn(recipe.name());
        mv.visitLdcInsn(program.input().width());
        mv.visitLdcInsn(program.output().width());
        mv.visitLdcInsn(recipe.loss().optName());
        mv.visitLdcInsn(recipe.batch());
        mv.visitLdcInsn(recipe.epochs());
        mv.visitInsn(recipe.shuffle() ? ICONST_1 : ICONST_0);
        mv.visitInsn(recipe.dropLast() ? ICONST_1 : ICONST_0);
        mv.visitLdcInsn(recipe.seed());
        mv.visitLdcInsn(program.parameterCount());
        mv.visitLdcInsn(recipe.around().clipNorm());
        mv.visitLdcInsn(recipe.around().accumulate());
        schedules(mv, recipe);
        dataSource(mv, recipe.data() == null ? null : recipe.data().source());
        dataSource(mv, recipe.test() == null ? null : recipe.test().source());
        mv.visitLdcInsn(recipe.progress().checkpointEvery());
        mv.visitInsn(recipe.progress().checkpointBest() ? ICONST_1 : ICONST_0);
        earlyStopping(mv, recipe.progress().stop());
        curriculum(mv, recipe.curriculum());
        ObjectiveClassGenerator.solver(mv, recipe.solver());
        mv.visitMethodInsn(INVOKESPECIAL, SETTINGS, "<init>", "(Ljava/lang/String;IILjava/lang/String;IIZZJIDI[L" + SCHEDULE
                + ";L" + DATA_SOURCE + ";L" + DATA_SOURCE + ";IZL" + EARLY + ";L" + CURRICULUM
                + ";Ldev/optc/runtime/solvers/SolverChoice;)V", false);
        parameterSpecs(mv, program.parameters());
        parameterSpecs(mv, program.statistics());
        mv.visitVarInsn(ALOAD, 1);
        mv.visitMethodInsn(INVOKESPECIAL, BASE, "<init>", "(L" + SETTINGS + ";[L" + SPEC + ";[L" + SPEC + ";L" + OPTIONS + ";)V", false);

        members.initialize(mv);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private void allocate(ClassWriter cw, String owner, TensorProgram program, int line) {
        MethodVisitor mv = cw.visitMethod(ACC_PROTECTED, "allocate", "(I)V", null, null);
        mv.visitCode();
        lineNumber(mv, line);
        for (Buffer b : program.buffers()) {
            if (b.equals(program.input())) continue;
            mv.visitVarInsn(ALOAD, 0);
            if (b.perExample()) {
                mv.visitVarInsn(ILOAD, 1);
                mv.visitLdcInsn(b.width());
                mv.visitInsn(IMUL);
            } else {
                mv.visitLdcInsn(b.width());
            }
            mv.visitIntInsn(NEWARRAY, T_FLOAT);
            mv.visitFieldInsn(PUTFIELD, owner, TensorOpGenerator.field(b), "[F");
        }
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** {@code computeGradients(int rows)}: forward, loss, backward; returns the batch's mean loss. */
    private void computeGradients(ClassWriter cw, String owner, TensorProgram program, int line) {
        MethodVisitor mv = cw.visitMethod(ACC_PROTECTED, "computeGradients", "(I)D", null, null);
        mv.visitCode();
        TensorOpGenerator ops = new TensorOpGenerator(mv, owner, program);
        for (TensorOp op : program.forward()) ops.emit(op);
        lineNumber(mv, line);
        ops.buffer(program.output());
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, BASE, "labels", "[I");
        if (program.loss() == TensorProgram.Loss.HINT) {
            // Against the batch's targets (the teacher's hidden layer), scaled by the hint's weight.
            mv.visitInsn(POP);
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, BASE, "targets", "[F");
            mv.visitVarInsn(ILOAD, 1);
            mv.visitLdcInsn(program.output().width());
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, BASE, "targetWeight", "D");
            ops.buffer(program.outputGradient());
            mv.visitMethodInsn(INVOKESTATIC, LOSSES, "hint", "([F[FIID[F)D", false);
        } else {
            mv.visitVarInsn(ILOAD, 1);
            mv.visitLdcInsn(program.output().width());
            ops.buffer(program.outputGradient());
            String loss = switch (program.loss()) {
                case SOFTMAX_CROSS_ENTROPY -> "softmaxCrossEntropy";
                case MSE -> "meanSquaredError";
                case CROSS_ENTROPY -> "crossEntropy";
                case BINARY_CROSS_ENTROPY -> "binaryCrossEntropy";
                case L1 -> "meanAbsoluteError";
                case HINT -> throw new AssertionError("the hint loss is called above");
            };
            mv.visitMethodInsn(INVOKESTATIC, LOSSES, loss, "([F[III[F)D", false);
        }
        mv.visitVarInsn(DSTORE, 2);
        for (TensorOp op : program.backward()) ops.emit(op);
        mv.visitVarInsn(DLOAD, 2);
        mv.visitInsn(DRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** {@code new ParameterSpec[] {...}}: every parameter tensor's name, place, shape and initialization. */
    static void parameterSpecs(MethodVisitor mv, List<ParameterSlice> parameters) {
        mv.visitLdcInsn(parameters.size());
        mv.visitTypeInsn(ANEWARRAY, SPEC);
        for (int i = 0; i < parameters.size(); i++) {
            ParameterSlice p = parameters.get(i);
            mv.visitInsn(DUP);
            mv.visitLdcInsn(i);
            mv.visitTypeInsn(NEW, SPEC);
            mv.visitInsn(DUP);
            mv.visitLdcInsn(p.name());
            mv.visitLdcInsn(p.offset());
            ParameterRanges.pushIntArray(mv, p.shape());
            mv.visitLdcInsn(p.init());
            mv.visitLdcInsn(p.fanIn());
            mv.visitLdcInsn(p.fanOut());
            mv.visitLdcInsn(p.constant());
            mv.visitMethodInsn(INVOKESPECIAL, SPEC, "<init>", "(Ljava/lang/String;I[ILjava/lang/String;IID)V", false);
            mv.visitInsn(AASTORE);
        }
    }

    private static void earlyStopping(MethodVisitor mv, dev.optc.runtime.train.EarlyStopping stop) {
        if (stop == null) {
            mv.visitInsn(ACONST_NULL);
            return;
        }
        mv.visitTypeInsn(NEW, EARLY);
        mv.visitInsn(DUP);
        mv.visitLdcInsn(stop.watch());
        mv.visitLdcInsn(stop.patience());
        mv.visitLdcInsn(stop.minDelta());
        mv.visitMethodInsn(INVOKESPECIAL, EARLY, "<init>", "(Ljava/lang/String;ID)V", false);
    }

    /** {@code new CurriculumPlan(...)}, or null. */
    private static void curriculum(MethodVisitor mv, dev.optc.runtime.train.CurriculumPlan plan) {
        if (plan == null) {
            mv.visitInsn(ACONST_NULL);
            return;
        }
        mv.visitTypeInsn(NEW, CURRICULUM);
        mv.visitInsn(DUP);
        mv.visitLdcInsn(plan.scoreKind());
        if (plan.scoreName() == null) mv.visitInsn(ACONST_NULL);
        else mv.visitLdcInsn(plan.scoreName());
        mv.visitLdcInsn(plan.scoreIndex());
        mv.visitLdcInsn(plan.pace());
        mv.visitLdcInsn(plan.from());
        mv.visitLdcInsn(plan.to());
        mv.visitLdcInsn(plan.span());
        mv.visitLdcInsn(plan.by());
        mv.visitLdcInsn(plan.mode());
        mv.visitLdcInsn(plan.hard());
        mv.visitMethodInsn(INVOKESPECIAL, CURRICULUM, "<init>",
                "(Ljava/lang/String;Ljava/lang/String;ILjava/lang/String;DDIDLjava/lang/String;D)V", false);
    }

    /** {@code new DataSource(...)}, or null: so a compiled jar knows where its data is. */
    private static void dataSource(MethodVisitor mv, dev.optc.runtime.data.DataSource s) {
        if (s == null) {
            mv.visitInsn(ACONST_NULL);
            return;
        }
        mv.visitTypeInsn(NEW, DATA_SOURCE);
        mv.visitInsn(DUP);
        for (String v : new String[] {s.format(), s.path(), s.labels(), s.label(), s.split()}) {
            if (v == null) mv.visitInsn(ACONST_NULL);
            else mv.visitLdcInsn(v);
        }
        mv.visitLdcInsn(s.scale());
        mv.visitLdcInsn(s.validation());
        mv.visitMethodInsn(INVOKESPECIAL, DATA_SOURCE, "<init>",
                "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;DD)V", false);
    }

    /** {@code new Schedule[] {...}} from the recipe's schedules. */
    static void schedules(MethodVisitor mv, CheckedRecipe recipe) {
        var specs = recipe.around().schedules();
        mv.visitLdcInsn(specs.size());
        mv.visitTypeInsn(ANEWARRAY, SCHEDULE);
        for (int i = 0; i < specs.size(); i++) {
            var s = specs.get(i);
            mv.visitInsn(DUP);
            mv.visitLdcInsn(i);
            mv.visitTypeInsn(NEW, SCHEDULE);
            mv.visitInsn(DUP);
            mv.visitLdcInsn(s.hyperparameter());
            mv.visitLdcInsn(s.kind());
            mv.visitLdcInsn(s.span());
            mv.visitInsn(s.inEpochs() ? ICONST_1 : ICONST_0);
            mv.visitLdcInsn(s.target());
            mv.visitLdcInsn(s.factor());
            mv.visitMethodInsn(INVOKESPECIAL, SCHEDULE, "<init>", "(Ljava/lang/String;Ljava/lang/String;DZDD)V", false);
            mv.visitInsn(AASTORE);
        }
    }

    private void infer(ClassWriter cw, String owner, TensorProgram program, int line) {
        MethodVisitor mv = cw.visitMethod(ACC_PROTECTED, "infer", "(I)V", null, null);
        mv.visitCode();
        lineNumber(mv, line);
        TensorOpGenerator ops = new TensorOpGenerator(mv, owner, program);
        for (TensorOp op : program.forward()) ops.emit(op, false);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private void outputs(ClassWriter cw, String owner, TensorProgram program) {
        MethodVisitor mv = cw.visitMethod(ACC_PROTECTED, "outputs", "()[F", null, null);
        mv.visitCode();
        new TensorOpGenerator(mv, owner, program).buffer(program.output());
        mv.visitInsn(ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private static void lineNumber(MethodVisitor mv, int line) {
        Label l = new Label();
        mv.visitLabel(l);
        mv.visitLineNumber(line, l);
    }
}
