package dev.optc.codegen;

import static org.objectweb.asm.Opcodes.*;

import dev.optc.ir.Buffer;
import dev.optc.ir.TensorOp;
import dev.optc.ir.TensorProgram;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Each tensor op becomes one call into the runtime's kernels with the shapes baked in as constants; the batch size
 * is the method's {@code rows} argument (local 1).
 */
final class TensorOpGenerator {
    private static final String GEMM = "dev/optc/runtime/kernels/Gemm";
    private static final String BIAS = "dev/optc/runtime/kernels/Bias";
    private static final String ACTIVATIONS = "dev/optc/runtime/kernels/Activations";
    private static final String ELEMENTWISE = "dev/optc/runtime/kernels/Elementwise";
    private static final String BATCH_NORM = "dev/optc/runtime/kernels/BatchNormKernel";
    private static final String EPILOGUES = "dev/optc/runtime/kernels/Epilogues";
    private static final String DROPOUT = "dev/optc/runtime/kernels/Dropout";
    private static final String MAXOUT = "dev/optc/runtime/kernels/Maxout";
    private static final String COLUMNS = "dev/optc/runtime/kernels/Columns";

    private final MethodVisitor mv;
    private final String owner;
    private final TensorProgram program;

    TensorOpGenerator(MethodVisitor mv, String owner, TensorProgram program) {
        this.mv = mv;
        this.owner = owner;
        this.program = program;
    }

    static String field(Buffer b) {
        return "b" + b.id() + "_" + b.name().replaceAll("[^A-Za-z0-9_]", "_");
    }

    void emit(TensorOp op) {
        emit(op, true);
    }

    /** {@code training} false emits the inference form: running statistics for batch norm, no dropout. */
    void emit(TensorOp op, boolean training) {
        Label here = new Label();
        mv.visitLabel(here);
        mv.visitLineNumber(op.line(), here);
        switch (op) {
            case TensorOp.Linear l -> {
                buffer(l.x());
                rows();
                constant(l.x().width());
                base("params");
                constant(l.weight().offset());
                constant(l.y().width());
                buffer(l.y());
                call(GEMM, "forward", "([FII[FII[F)V");
            }
            case TensorOp.AddBias b -> {
                buffer(b.y());
                rows();
                constant(b.y().width());
                base("params");
                constant(b.bias().offset());
                call(BIAS, "add", "([FII[FI)V");
            }
            case TensorOp.Activate a -> {
                constant(activation(a.kind()));
                mv.visitLdcInsn((float) a.alpha());
                buffer(a.x());
                buffer(a.y());
                rows();
                constant(a.x().width());
                call(ACTIVATIONS, "forward", "(IF[F[FII)V");
            }
            case TensorOp.Add add -> {
                buffer(add.a());
                buffer(add.b());
                buffer(add.y());
                elements(add.y());
                call(ELEMENTWISE, "add", "([F[F[FI)V");
            }
            case TensorOp.LinearGradInput g -> {
                buffer(g.dy());
                rows();
                constant(g.dy().width());
                base("params");
                constant(g.weight().offset());
                constant(g.dx().width());
                buffer(g.dx());
                bool(g.accumulate());
                call(GEMM, "backwardInput", "([FII[FII[FZ)V");
            }
            case TensorOp.LinearGradWeight g -> {
                buffer(g.dy());
                rows();
                constant(g.dy().width());
                buffer(g.x());
                constant(g.x().width());
                base("grads");
                constant(g.weight().offset());
                call(GEMM, "backwardWeights", "([FII[FI[FI)V");
            }
            case TensorOp.BiasGrad g -> {
                buffer(g.dy());
                rows();
                constant(g.dy().width());
                base("grads");
                constant(g.bias().offset());
                call(BIAS, "backward", "([FII[FI)V");
            }
            case TensorOp.ActivateGrad g -> {
                constant(activation(g.kind()));
                mv.visitLdcInsn((float) g.alpha());
                buffer(g.x());
                buffer(g.y());
                buffer(g.dy());
                buffer(g.dx());
                rows();
                constant(g.x().width());
                bool(g.accumulate());
                call(ACTIVATIONS, "backward", "(IF[F[F[F[FIIZ)V");
            }
            case TensorOp.BatchNorm b -> batchNorm(b, b.y(), training, dev.optc.runtime.kernels.Activations.NONE, 0);
            case TensorOp.BatchNormActivate b -> batchNorm(b.norm(), b.y(), training, activation(b.kind()), b.alpha());
            case TensorOp.BiasActivate f -> {
                buffer(f.z());
                buffer(f.y());
                rows();
                constant(f.y().width());
                base("params");
                constant(f.bias().offset());
                constant(activation(f.kind()));
                mv.visitLdcInsn((float) f.alpha());
                call(EPILOGUES, "biasActivate", "([F[FII[FIIF)V");
            }
            case TensorOp.ActivateBiasGrad g -> {
                buffer(g.dy());
                buffer(g.y());
                buffer(g.dz());
                rows();
                constant(g.dz().width());
                base("grads");
                constant(g.bias().offset());
                constant(activation(g.kind()));
                mv.visitLdcInsn((float) g.alpha());
                call(EPILOGUES, "activateBiasGrad", "([F[F[FII[FIIF)V");
            }
            case TensorOp.BatchNormActivateGrad f -> {
                TensorOp.BatchNormGrad g = f.norm();
                buffer(f.dy());
                buffer(f.y());
                buffer(g.xhat());
                buffer(g.invStd());
                buffer(g.dx());
                rows();
                constant(g.dy().width());
                base("params");
                constant(g.gamma().offset());
                base("grads");
                constant(g.beta().offset());
                bool(g.accumulate());
                constant(activation(f.kind()));
                mv.visitLdcInsn((float) f.alpha());
                call(BATCH_NORM, "backward", "([F[F[F[F[FII[FI[FIZIF)V");
            }
            case TensorOp.Dropout d -> {
                if (training) {
                    buffer(d.x());
                    buffer(d.y());
                    buffer(d.mask());
                    elements(d.x());
                    mv.visitLdcInsn((float) d.p());
                    mv.visitVarInsn(ALOAD, 0);
                    mv.visitFieldInsn(GETFIELD, TrainerClassGenerator.BASE, "dropoutRandom", "Ljava/util/SplittableRandom;");
                    call(DROPOUT, "forward", "([F[F[FIFLjava/util/SplittableRandom;)V");
                } else {
                    buffer(d.x());
                    buffer(d.y());
                    elements(d.x());
                    mv.visitInsn(ICONST_0);
                    call(ELEMENTWISE, "accumulate", "([F[FIZ)V");
                }
            }
            case TensorOp.Maxout m -> {
                buffer(m.x());
                buffer(m.y());
                buffer(m.argmax());
                rows();
                constant(m.y().width());
                constant(m.k());
                call(MAXOUT, "forward", "([F[F[FIII)V");
            }
            case TensorOp.BatchNormGrad g -> {
                buffer(g.dy());
                buffer(g.xhat());
                buffer(g.invStd());
                buffer(g.dx());
                rows();
                constant(g.dy().width());
                base("params");
                constant(g.gamma().offset());
                base("grads");
                constant(g.beta().offset());
                bool(g.accumulate());
                call(BATCH_NORM, "backward", "([F[F[F[FII[FI[FIZ)V");
            }
            case TensorOp.DropoutGrad g -> {
                buffer(g.dy());
                buffer(g.mask());
                buffer(g.dx());
                elements(g.dx());
                bool(g.accumulate());
                call(DROPOUT, "backward", "([F[F[FIZ)V");
            }
            case TensorOp.MaxoutGrad g -> {
                buffer(g.dy());
                buffer(g.argmax());
                buffer(g.dx());
                rows();
                constant(g.dy().width());
                constant(g.k());
                bool(g.accumulate());
                call(MAXOUT, "backward", "([F[F[FIIIZ)V");
            }
            case TensorOp.Concat c -> {
                buffer(c.a());
                constant(c.a().width());
                buffer(c.b());
                constant(c.b().width());
                buffer(c.y());
                rows();
                call(COLUMNS, "concat", "([FI[FI[FI)V");
            }
            case TensorOp.SliceGrad g -> {
                buffer(g.dy());
                constant(g.dy().width());
                constant(g.offset());
                buffer(g.dx());
                constant(g.dx().width());
                rows();
                bool(g.accumulate());
                call(COLUMNS, "slice", "([FII[FIIZ)V");
            }
            case TensorOp.AccumulateGrad g -> {
                buffer(g.dy());
                buffer(g.dx());
                elements(g.dx());
                bool(g.accumulate());
                call(ELEMENTWISE, "accumulate", "([F[FIZ)V");
            }
        }
    }

    /**
     * One fused batch-norm kernel call with the layer's width as a constant; {@code out} receives f(γ x̂ + β), f the
     * activation fused in ({@code Activations.NONE}: none).
     */
    private void batchNorm(TensorOp.BatchNorm b, Buffer out, boolean training, int activation, double alpha) {
        buffer(b.x());
        buffer(out);
        if (training) {
            buffer(b.xhat());
            buffer(b.mean());
            buffer(b.invStd());
        }
        rows();
        constant(b.x().width());
        base("params");
        constant(b.gamma().offset());
        constant(b.beta().offset());
        trainer("statistics");
        constant(b.runningMean().offset());
        constant(b.runningVar().offset());
        if (training) {
            mv.visitLdcInsn((float) b.momentum());
            mv.visitLdcInsn((float) b.epsilon());
            constant(activation);
            mv.visitLdcInsn((float) alpha);
            call(BATCH_NORM, "forwardTraining", "([F[F[F[F[FII[FII[FIIFFIF)V");
        } else {
            mv.visitLdcInsn((float) b.epsilon());
            constant(activation);
            mv.visitLdcInsn((float) alpha);
            call(BATCH_NORM, "forwardInference", "([F[FII[FII[FIIFIF)V");
        }
    }

    /** The runtime's constant for an activation kind. */
    private static int activation(dev.optc.check.ModelGraph.ActivationKind kind) {
        return switch (kind) {
            case RELU -> dev.optc.runtime.kernels.Activations.RELU;
            case LEAKY_RELU -> dev.optc.runtime.kernels.Activations.LEAKY_RELU;
            case SIGMOID -> dev.optc.runtime.kernels.Activations.SIGMOID;
            case TANH -> dev.optc.runtime.kernels.Activations.TANH;
            case SOFTMAX -> dev.optc.runtime.kernels.Activations.SOFTMAX;
        };
    }

    /** Pushes a buffer's array: the model input lives in the base class, every other buffer in a generated field. */
    void buffer(Buffer b) {
        mv.visitVarInsn(ALOAD, 0);
        if (b.equals(program.input())) mv.visitFieldInsn(GETFIELD, TrainerClassGenerator.BASE, "input", "[F");
        else mv.visitFieldInsn(GETFIELD, owner, field(b), "[F");
    }

    private void base(String field) {
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, TrainerClassGenerator.OPTIMIZABLE, field, "[F");
    }

    private void trainer(String field) {
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, TrainerClassGenerator.BASE, field, "[F");
    }

    private void rows() {
        mv.visitVarInsn(ILOAD, 1);
    }

    private void elements(Buffer b) {
        rows();
        constant(b.width());
        mv.visitInsn(IMUL);
    }

    private void constant(int value) {
        mv.visitLdcInsn(value);
    }

    private void bool(boolean value) {
        mv.visitInsn(value ? ICONST_1 : ICONST_0);
    }

    private void call(String owner, String name, String descriptor) {
        mv.visitMethodInsn(INVOKESTATIC, owner, name, descriptor, false);
    }
}
