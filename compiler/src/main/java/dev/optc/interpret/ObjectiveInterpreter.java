package dev.optc.interpret;

import dev.optc.ir.ObjectiveOp;
import dev.optc.ir.ObjectiveProgram;
import dev.optc.ir.ObjectiveProgram.Tensor;

/**
 * The reference meaning of an {@link ObjectiveProgram} in double precision, written from the formulas with plain
 * loops and sharing no code with the runtime's kernels. Its gradients are checked against finite differences; the
 * generated minimizer is checked against it.
 */
public final class ObjectiveInterpreter {
    private final ObjectiveProgram program;
    private final double[][] values;
    public final double[] grads;

    public ObjectiveInterpreter(ObjectiveProgram program) {
        this.program = program;
        this.values = new double[program.tensors().size()][];
        for (Tensor t : program.tensors()) values[t.id()] = new double[t.size()];
        for (ObjectiveProgram.DataInput d : program.data()) {
            // the values come from the same loader as the minimizer's; what is checked here is the arithmetic on them
            int[] shape = d.tensor().shape();
            var s = d.source();
            float[] x = dev.optc.runtime.data.ObjectiveData.load(s.format(), s.path(), s.labels(), s.label(), s.split(), s.scale(),
                    shape[0], shape[1]);
            for (int i = 0; i < x.length; i++) values[d.tensor().id()][i] = x[i];
        }
        this.grads = new double[program.parameterCount()];
    }

    /** The initial parameters the declaration gives (one number fills a tensor). */
    public double[] initialParameters() {
        double[] theta = new double[program.parameterCount()];
        for (int p = 0; p < program.parameters().size(); p++) {
            double[] init = program.initialValues().get(p);
            var slice = program.parameters().get(p);
            for (int i = 0; i < slice.size(); i++) theta[slice.offset() + i] = init.length == 1 ? init[0] : init[i];
        }
        return theta;
    }

    public double value(double[] theta) {
        for (ObjectiveOp op : program.forward()) run(op, theta);
        return values[program.result().id()][0];
    }

    /** The value, with the gradient left in {@link #grads}. */
    public double valueAndGradient(double[] theta) {
        double v = value(theta);
        for (ObjectiveOp op : program.backward()) run(op, theta);
        return v;
    }

    private void run(ObjectiveOp op, double[] theta) {
        switch (op) {
            case ObjectiveOp.LoadParameter l -> System.arraycopy(theta, l.parameter().offset(), v(l.out()), 0, l.out().size());
            case ObjectiveOp.Fill f -> java.util.Arrays.fill(v(f.out()), f.value());
            case ObjectiveOp.Binary b -> {
                double[] a = v(b.a()), c = v(b.b()), out = v(b.out());
                for (int i = 0; i < out.length; i++) {
                    double x = a[a.length == 1 ? 0 : i], y = c[c.length == 1 ? 0 : i];
                    out[i] = switch (b.op()) {
                        case ADD -> x + y;
                        case SUBTRACT -> x - y;
                        case MULTIPLY -> x * y;
                        case DIVIDE -> x / y;
                        case POWER -> Math.pow(x, y);
                    };
                }
            }
            case ObjectiveOp.Unary u -> {
                double[] a = v(u.a()), out = v(u.out());
                for (int i = 0; i < out.length; i++) {
                    out[i] = switch (u.op()) {
                        case NEGATE -> -a[i];
                        case ABS -> Math.abs(a[i]);
                        case EXP -> Math.exp(a[i]);
                        case LOG -> Math.log(a[i]);
                        case SQRT -> Math.sqrt(a[i]);
                    };
                }
            }
            case ObjectiveOp.Reduce r -> {
                double s = 0;
                for (double x : v(r.a())) s += x;
                v(r.out())[0] = r.mean() ? s / r.a().size() : s;
            }
            case ObjectiveOp.MatMul m -> {
                int rows = m.a().shape()[0], inner = m.a().shape()[1], cols = m.b().shape().length == 1 ? 1 : m.b().shape()[1];
                double[] a = v(m.a()), b = v(m.b()), out = v(m.out());
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        double s = 0;
                        for (int p = 0; p < inner; p++) s += a[i * inner + p] * b[p * cols + j];
                        out[i * cols + j] = s;
                    }
                }
            }
            case ObjectiveOp.Transpose t -> {
                int rows = t.a().shape()[0], cols = t.a().shape()[1];
                double[] a = v(t.a()), out = v(t.out());
                for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
            }
            case ObjectiveOp.Slice s -> System.arraycopy(v(s.a()), s.offset(), v(s.out()), 0, s.out().size());
            case ObjectiveOp.ZeroGradients z -> z.gradients().forEach(g -> java.util.Arrays.fill(v(g), 0));
            case ObjectiveOp.BinaryGradient g -> {
                double[] a = v(g.a()), b = v(g.b()), out = v(g.out()), dOut = v(g.dOut()), d = v(g.dTarget());
                for (int i = 0; i < out.length; i++) {
                    double x = a[a.length == 1 ? 0 : i], y = b[b.length == 1 ? 0 : i];
                    double partial = switch (g.op()) {
                        case ADD -> 1;
                        case SUBTRACT -> g.side() == 0 ? 1 : -1;
                        case MULTIPLY -> g.side() == 0 ? y : x;
                        case DIVIDE -> g.side() == 0 ? 1 / y : -x / (y * y);
                        case POWER -> g.side() == 0 ? y * Math.pow(x, y - 1) : Math.pow(x, y) == 0 ? 0 : Math.pow(x, y) * Math.log(x);
                    };
                    d[d.length == 1 ? 0 : i] += dOut[i] * partial;
                }
            }
            case ObjectiveOp.UnaryGradient g -> {
                double[] a = v(g.a()), out = v(g.out()), dOut = v(g.dOut()), d = v(g.dA());
                for (int i = 0; i < d.length; i++) {
                    d[i] += dOut[i] * switch (g.op()) {
                        case NEGATE -> -1;
                        case ABS -> Math.signum(a[i]);
                        case EXP -> out[i];
                        case LOG -> 1 / a[i];
                        case SQRT -> 0.5 / out[i];
                    };
                }
            }
            case ObjectiveOp.ReduceGradient g -> {
                double[] d = v(g.dA());
                double each = v(g.dOut())[0] / (g.mean() ? d.length : 1);
                for (int i = 0; i < d.length; i++) d[i] += each;
            }
            case ObjectiveOp.MatMulGradient g -> {
                int rows = g.a().shape()[0], inner = g.a().shape()[1], cols = g.b().shape().length == 1 ? 1 : g.b().shape()[1];
                double[] a = v(g.a()), b = v(g.b()), dOut = v(g.dOut()), d = v(g.dTarget());
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        for (int p = 0; p < inner; p++) {
                            if (g.side() == 0) d[i * inner + p] += dOut[i * cols + j] * b[p * cols + j];
                            else d[p * cols + j] += a[i * inner + p] * dOut[i * cols + j];
                        }
                    }
                }
            }
            case ObjectiveOp.TransposeGradient g -> {
                int rows = g.dA().shape()[0], cols = g.dA().shape()[1];
                double[] dOut = v(g.dOut()), d = v(g.dA());
                for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) d[i * cols + j] += dOut[j * rows + i];
            }
            case ObjectiveOp.SliceGradient g -> {
                double[] dOut = v(g.dOut()), d = v(g.dA());
                for (int i = 0; i < dOut.length; i++) d[g.offset() + i] += dOut[i];
            }
            case ObjectiveOp.StoreGradient s -> System.arraycopy(v(s.gradient()), 0, grads, s.parameter().offset(), s.gradient().size());
        }
    }

    private double[] v(Tensor t) {
        return values[t.id()];
    }
}
