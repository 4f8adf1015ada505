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
            case TensorOp.AccumulateGrad g -> {
                buffer(g.dy());
                buffer(g.dx());
                elements(g.dx());
                bool(g.accumulate());
                call(ELEMENTWISE, "accumulate", "([F[FIZ)V");
            }
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
