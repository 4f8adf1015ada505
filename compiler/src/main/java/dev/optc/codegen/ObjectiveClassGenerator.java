package dev.optc.codegen;

import static org.objectweb.asm.Opcodes.*;

import dev.optc.check.CheckedRecipe;
import dev.optc.check.ObjectiveGraph;
import dev.optc.ir.ObjectiveOp;
import dev.optc.ir.ObjectiveProgram;
import dev.optc.ir.ObjectiveProgram.Tensor;
import dev.optc.ir.ParameterSlice;
import dev.optc.ir.UpdateKernel;
import dev.optc.runtime.kernels.TensorOps;
import java.util.List;
import java.util.Locale;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * A minimizer class per objective recipe: it extends the runtime's {@code CompiledObjective}; every tensor of the
 * objective is a field of its static size, J and ∇J are sequences of calls into the runtime's {@code TensorOps},
 * and the optimizer's members are those of a trainer.
 */
public final class ObjectiveClassGenerator {
    private static final String BASE = "dev/optc/runtime/train/CompiledObjective";
    private static final String SETTINGS = "dev/optc/runtime/train/ObjectiveSettings";
    private static final String OPS = "dev/optc/runtime/kernels/TensorOps";
    private static final String SOLVER = "dev/optc/runtime/solvers/SolverChoice";

    public List<GeneratedClass> generate(CheckedRecipe recipe, ObjectiveProgram program, UpdateKernel kernel) {
        return generate(recipe, program, List.of(kernel));
    }

    /** With `alternate`, one kernel per block, each over its block's tensors; otherwise one kernel over every tensor. */
    public List<GeneratedClass> generate(CheckedRecipe recipe, ObjectiveProgram program, List<UpdateKernel> kernels) {
        String owner = "dev/optc/generated/" + className(recipe.name());
        String source = program.sourceName().replaceAll(".*[/\\\\]", "");
        ClassWriter cw = KernelClasses.writer();
        cw.visit(V21, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, owner, null, BASE, null);
        cw.visitSource(source, null);
        int optimizerLine = recipe.optimizer() != null ? recipe.optimizer().span().line() : recipe.decl().span().line();
        OptimizerMembers members = new OptimizerMembers(owner, BlockGroups.groups(recipe, program, kernels),
                program.parameterCount(), optimizerLine);
        members.declare(cw);
        for (Tensor t : program.tensors()) cw.visitField(ACC_PRIVATE | ACC_FINAL, field(t), "[F", null, null).visitEnd();
        int line = recipe.decl().span().line();
        constructor(cw, owner, recipe, program, members, line);
        MethodVisitor value = cw.visitMethod(ACC_PROTECTED, "value", "()D", null, null);
        value.visitCode();
        for (ObjectiveOp op : program.forward()) emit(value, owner, op);
        returnResult(value, owner, program);
        MethodVisitor gradients = cw.visitMethod(ACC_PROTECTED, "computeGradients", "()D", null, null);
        gradients.visitCode();
        for (ObjectiveOp op : program.forward()) emit(gradients, owner, op);
        for (ObjectiveOp op : program.backward()) emit(gradients, owner, op);
        returnResult(gradients, owner, program);
        members.methods(cw);
        cw.visitEnd();
        return members.withKernelClasses(new GeneratedClass(owner.replace('/', '.'), cw.toByteArray()), source);
    }

    /** `rosenbrock_lbfgs` → `RosenbrockLbfgsMinimizer`. */
    public static String className(String recipe) {
        StringBuilder out = new StringBuilder();
        for (String part : recipe.split("_+")) {
            if (!part.isEmpty()) out.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
        }
        return out.append("Minimizer").toString();
    }

    private static String field(Tensor t) {
        return "t" + t.id() + "_" + t.name().replaceAll("[^A-Za-z0-9_]", "_");
    }

    private void constructor(ClassWriter cw, String owner, CheckedRecipe recipe, ObjectiveProgram program,
                             OptimizerMembers members, int line) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "<init>", "(Ldev/optc/runtime/TrainOptions;)V", null, null);
        mv.visitCode();
        lineNumber(mv, line);
        mv.visitVarInsn(ALOAD, 0);
        mv.visitTypeInsn(NEW, SETTINGS);
        mv.visitInsn(DUP);
        mv.visitLdcInsn(recipe.name());
        mv.visitLdcInsn(recipe.objective().graph().name());
        mv.visitLdcInsn(recipe.steps());
        mv.visitLdcInsn(recipe.seed());
        mv.visitLdcInsn(program.parameterCount());
        mv.visitLdcInsn(recipe.around().clipNorm());
        TrainerClassGenerator.schedules(mv, recipe);
        solver(mv, recipe.solver());
        mv.visitMethodInsn(INVOKESPECIAL, SETTINGS, "<init>",
                "(Ljava/lang/String;Ljava/lang/String;IJID[Ldev/optc/runtime/train/Schedule;L" + SOLVER + ";)V", false);
        TrainerClassGenerator.parameterSpecs(mv, program.parameters());
        mv.visitVarInsn(ALOAD, 1);
        mv.visitMethodInsn(INVOKESPECIAL, BASE, "<init>", "(L" + SETTINGS + ";[Ldev/optc/runtime/ParameterSpec;Ldev/optc/runtime/TrainOptions;)V", false);
        // The declared initial values: one number for a whole tensor, or one per element.
        for (int p = 0; p < program.parameters().size(); p++) {
            ParameterSlice slice = program.parameters().get(p);
            double[] init = program.initialValues().get(p);
            if (slice.init().equals("uniform")) {
                mv.visitVarInsn(ALOAD, 0);
                mv.visitLdcInsn(slice.offset());
                mv.visitLdcInsn(slice.size());
                mv.visitLdcInsn(slice.constant());
                mv.visitMethodInsn(INVOKEVIRTUAL, BASE, "drawUniform", "(IID)V", false);
                continue;
            }
            if (init.length == 1) {
                // one number for the whole tensor: one fill, however large the tensor (a method's code is at most 64 KB)
                if (init[0] == 0) continue;
                mv.visitVarInsn(ALOAD, 0);
                mv.visitFieldInsn(GETFIELD, TrainerClassGenerator.OPTIMIZABLE, "params", "[F");
                mv.visitLdcInsn(slice.offset());
                mv.visitLdcInsn(slice.offset() + slice.size());
                mv.visitLdcInsn((float) init[0]);
                mv.visitMethodInsn(INVOKESTATIC, "java/util/Arrays", "fill", "([FIIF)V", false);
                continue;
            }
            for (int i = 0; i < slice.size(); i++) {
                float v = (float) (init.length == 1 ? init[0] : init[i]);
                if (v == 0f && Float.floatToRawIntBits(v) == 0) continue;
                mv.visitVarInsn(ALOAD, 0);
                mv.visitFieldInsn(GETFIELD, TrainerClassGenerator.OPTIMIZABLE, "params", "[F");
                mv.visitLdcInsn(slice.offset() + i);
                mv.visitLdcInsn(v);
                mv.visitInsn(FASTORE);
            }
        }
        for (Tensor t : program.tensors()) {
            ObjectiveProgram.DataInput input = program.data().stream().filter(d -> d.tensor().equals(t)).findFirst().orElse(null);
            mv.visitVarInsn(ALOAD, 0);
            if (input != null) {
                loadData(mv, input);
            } else {
                mv.visitLdcInsn(t.size());
                mv.visitIntInsn(NEWARRAY, T_FLOAT);
            }
            mv.visitFieldInsn(PUTFIELD, owner, field(t), "[F");
        }
        members.initialize(mv);
        if (recipe.alternates()) BlockGroups.setBlocks(mv, recipe, program);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** {@code ObjectiveData.load(...)}: the data input's values, [features, examples], read once. */
    private static void loadData(MethodVisitor mv, ObjectiveProgram.DataInput input) {
        dev.optc.runtime.data.DataSource s = input.source();
        for (String v : new String[] {s.format(), s.path(), s.labels(), s.label(), s.split()}) {
            if (v == null) mv.visitInsn(ACONST_NULL);
            else mv.visitLdcInsn(v);
        }
        mv.visitLdcInsn(s.scale());
        mv.visitLdcInsn(input.tensor().shape()[0]);
        mv.visitLdcInsn(input.tensor().shape()[1]);
        mv.visitMethodInsn(INVOKESTATIC, "dev/optc/runtime/data/ObjectiveData", "load",
                "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;DII)[F", false);
    }

    /** {@code new SolverChoice(...)}, or null when an update rule takes the steps. */
    static void solver(MethodVisitor mv, dev.optc.runtime.solvers.SolverChoice s) {
        if (s == null) {
            mv.visitInsn(ACONST_NULL);
            return;
        }
        mv.visitTypeInsn(NEW, SOLVER);
        mv.visitInsn(DUP);
        mv.visitLdcInsn(s.kind());
        mv.visitLdcInsn(s.damping());
        mv.visitLdcInsn(s.beta());
        mv.visitLdcInsn(s.restart());
        mv.visitLdcInsn(s.history());
        mv.visitLdcInsn(s.block());
        mv.visitLdcInsn(s.tolerance());
        mv.visitMethodInsn(INVOKESPECIAL, SOLVER, "<init>", "(Ljava/lang/String;DLjava/lang/String;IIID)V", false);
    }

    private void returnResult(MethodVisitor mv, String owner, ObjectiveProgram program) {
        tensor(mv, owner, program.result());
        mv.visitInsn(ICONST_0);
        mv.visitInsn(FALOAD);
        mv.visitInsn(F2D);
        mv.visitInsn(DRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private void emit(MethodVisitor mv, String owner, ObjectiveOp op) {
        lineNumber(mv, op.line());
        switch (op) {
            case ObjectiveOp.LoadParameter l -> {
                params(mv, "params");
                mv.visitLdcInsn(l.parameter().offset());
                tensor(mv, owner, l.out());
                call(mv, "load", "([FI[F)V");
            }
            case ObjectiveOp.Fill f -> {
                tensor(mv, owner, f.out());
                mv.visitLdcInsn((float) f.value());
                call(mv, "fill", "([FF)V");
            }
            case ObjectiveOp.Binary b -> {
                mv.visitLdcInsn(binary(b.op()));
                tensor(mv, owner, b.a());
                tensor(mv, owner, b.b());
                tensor(mv, owner, b.out());
                call(mv, "binary", "(I[F[F[F)V");
            }
            case ObjectiveOp.Unary u -> {
                mv.visitLdcInsn(unary(u.op()));
                tensor(mv, owner, u.a());
                tensor(mv, owner, u.out());
                call(mv, "unary", "(I[F[F)V");
            }
            case ObjectiveOp.Reduce r -> {
                mv.visitInsn(r.mean() ? ICONST_1 : ICONST_0);
                tensor(mv, owner, r.a());
                tensor(mv, owner, r.out());
                call(mv, "reduce", "(Z[F[F)V");
            }
            case ObjectiveOp.MatMul m -> {
                tensor(mv, owner, m.a());
                mv.visitLdcInsn(m.a().shape()[0]);
                mv.visitLdcInsn(m.a().shape()[1]);
                tensor(mv, owner, m.b());
                mv.visitLdcInsn(m.b().shape().length == 1 ? 1 : m.b().shape()[1]);
                tensor(mv, owner, m.out());
                call(mv, "matmul", "([FII[FI[F)V");
            }
            case ObjectiveOp.Transpose t -> {
                tensor(mv, owner, t.a());
                mv.visitLdcInsn(t.a().shape()[0]);
                mv.visitLdcInsn(t.a().shape()[1]);
                tensor(mv, owner, t.out());
                call(mv, "transpose", "([FII[F)V");
            }
            case ObjectiveOp.Slice s -> {
                tensor(mv, owner, s.a());
                mv.visitLdcInsn(s.offset());
                tensor(mv, owner, s.out());
                call(mv, "slice", "([FI[F)V");
            }
            case ObjectiveOp.ZeroGradients z -> {
                for (Tensor g : z.gradients()) {
                    tensor(mv, owner, g);
                    call(mv, "zero", "([F)V");
                }
            }
            case ObjectiveOp.BinaryGradient g -> {
                mv.visitLdcInsn(binary(g.op()));
                mv.visitLdcInsn(g.side());
                tensor(mv, owner, g.a());
                tensor(mv, owner, g.b());
                tensor(mv, owner, g.out());
                tensor(mv, owner, g.dOut());
                tensor(mv, owner, g.dTarget());
                call(mv, "binaryGradient", "(II[F[F[F[F[F)V");
            }
            case ObjectiveOp.UnaryGradient g -> {
                mv.visitLdcInsn(unary(g.op()));
                tensor(mv, owner, g.a());
                tensor(mv, owner, g.out());
                tensor(mv, owner, g.dOut());
                tensor(mv, owner, g.dA());
                call(mv, "unaryGradient", "(I[F[F[F[F)V");
            }
            case ObjectiveOp.ReduceGradient g -> {
                mv.visitInsn(g.mean() ? ICONST_1 : ICONST_0);
                tensor(mv, owner, g.dOut());
                tensor(mv, owner, g.dA());
                call(mv, "reduceGradient", "(Z[F[F)V");
            }
            case ObjectiveOp.MatMulGradient g -> {
                mv.visitLdcInsn(g.side());
                tensor(mv, owner, g.a());
                mv.visitLdcInsn(g.a().shape()[0]);
                mv.visitLdcInsn(g.a().shape()[1]);
                tensor(mv, owner, g.b());
                mv.visitLdcInsn(g.b().shape().length == 1 ? 1 : g.b().shape()[1]);
                tensor(mv, owner, g.dOut());
                tensor(mv, owner, g.dTarget());
                call(mv, "matmulGradient", "(I[FII[FI[F[F)V");
            }
            case ObjectiveOp.TransposeGradient g -> {
                tensor(mv, owner, g.dOut());
                mv.visitLdcInsn(g.dA().shape()[0]);
                mv.visitLdcInsn(g.dA().shape()[1]);
                tensor(mv, owner, g.dA());
                call(mv, "transposeGradient", "([FII[F)V");
            }
            case ObjectiveOp.SliceGradient g -> {
                tensor(mv, owner, g.dOut());
                mv.visitLdcInsn(g.offset());
                tensor(mv, owner, g.dA());
                call(mv, "sliceGradient", "([FI[F)V");
            }
            case ObjectiveOp.StoreGradient s -> {
                tensor(mv, owner, s.gradient());
                params(mv, "grads");
                mv.visitLdcInsn(s.parameter().offset());
                call(mv, "store", "([F[FI)V");
            }
        }
    }

    /** The runtime's constant for an operation. */
    private static int binary(ObjectiveGraph.BinaryOp op) {
        return switch (op) {
            case ADD -> TensorOps.ADD;
            case SUBTRACT -> TensorOps.SUBTRACT;
            case MULTIPLY -> TensorOps.MULTIPLY;
            case DIVIDE -> TensorOps.DIVIDE;
            case POWER -> TensorOps.POWER;
        };
    }

    private static int unary(ObjectiveGraph.UnaryOp op) {
        return switch (op) {
            case NEGATE -> TensorOps.NEGATE;
            case ABS -> TensorOps.ABS;
            case EXP -> TensorOps.EXP;
            case LOG -> TensorOps.LOG;
            case SQRT -> TensorOps.SQRT;
        };
    }

    private static void tensor(MethodVisitor mv, String owner, Tensor t) {
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, owner, field(t), "[F");
    }

    private static void params(MethodVisitor mv, String field) {
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, TrainerClassGenerator.OPTIMIZABLE, field, "[F");
    }

    private static void call(MethodVisitor mv, String name, String descriptor) {
        mv.visitMethodInsn(INVOKESTATIC, OPS, name, descriptor, false);
    }

    private static void lineNumber(MethodVisitor mv, int line) {
        Label l = new Label();
        mv.visitLabel(l);
        mv.visitLineNumber(line, l);
    }
}
