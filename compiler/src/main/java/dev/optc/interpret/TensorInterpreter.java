package dev.optc.interpret;

import dev.optc.check.ModelGraph.ActivationKind;
import dev.optc.ir.Buffer;
import dev.optc.ir.ParameterSlice;
import dev.optc.ir.TensorOp;
import dev.optc.ir.TensorProgram;

/**
 * The reference meaning of a {@link TensorProgram} in double precision: plain loops, one op at a time, written from
 * the formulas and sharing no code with the runtime's kernels. Generated trainers are compared with it; its backward
 * ops are checked against finite differences of its forward ops.
 */
public final class TensorInterpreter {
    private final TensorProgram program;
    private final double[][] buffers;
    private final int rows;
    public final double[] params;
    public final double[] grads;

    public TensorInterpreter(TensorProgram program, double[] params, int rows) {
        this.program = program;
        this.params = params;
        this.grads = new double[params.length];
        this.rows = rows;
        this.buffers = new double[program.buffers().size()][];
        for (Buffer b : program.buffers()) buffers[b.id()] = new double[rows * b.width()];
    }

    public double[] buffer(Buffer b) { return buffers[b.id()]; }

    /** The model's outputs for {@code input} ([rows, inputWidth]). */
    public double[] forward(double[] input) {
        System.arraycopy(input, 0, buffers[program.input().id()], 0, input.length);
        for (TensorOp op : program.forward()) run(op);
        return buffers[program.output().id()];
    }

    /** The mean loss over the rows; with {@code gradients}, also fills {@link #grads}. */
    public double loss(double[] input, int[] labels, boolean gradients) {
        double[] out = forward(input);
        int width = program.output().width();
        double[] dOut = buffers[program.outputGradient().id()];
        double total = 0;
        for (int r = 0; r < rows; r++) {
            switch (program.loss()) {
                case SOFTMAX_CROSS_ENTROPY -> {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < width; j++) max = Math.max(max, out[r * width + j]);
                    double sum = 0;
                    for (int j = 0; j < width; j++) sum += Math.exp(out[r * width + j] - max);
                    total += -(out[r * width + labels[r]] - max - Math.log(sum));
                    for (int j = 0; j < width; j++) {
                        double p = Math.exp(out[r * width + j] - max) / sum;
                        dOut[r * width + j] = (p - (j == labels[r] ? 1 : 0)) / rows;
                    }
                }
                case MSE -> {
                    for (int j = 0; j < width; j++) {
                        double diff = out[r * width + j] - (j == labels[r] ? 1 : 0);
                        total += diff * diff / width;
                        dOut[r * width + j] = 2 * diff / ((double) rows * width);
                    }
                }
            }
        }
        if (gradients) {
            java.util.Arrays.fill(grads, 0);
            for (TensorOp op : program.backward()) run(op);
        }
        return total / rows;
    }

    private void run(TensorOp op) {
        switch (op) {
            case TensorOp.Linear l -> {
                double[] x = buffer(l.x()), y = buffer(l.y());
                int in = l.x().width(), out = l.y().width();
                for (int r = 0; r < rows; r++) {
                    for (int o = 0; o < out; o++) {
                        double s = 0;
                        for (int k = 0; k < in; k++) s += x[r * in + k] * params[l.weight().offset() + o * in + k];
                        y[r * out + o] = s;
                    }
                }
            }
            case TensorOp.AddBias b -> {
                double[] y = buffer(b.y());
                int w = b.y().width();
                for (int r = 0; r < rows; r++) for (int j = 0; j < w; j++) y[r * w + j] += params[b.bias().offset() + j];
            }
            case TensorOp.Activate a -> {
                double[] x = buffer(a.x()), y = buffer(a.y());
                int w = a.x().width();
                if (a.kind() == ActivationKind.SOFTMAX) {
                    for (int r = 0; r < rows; r++) {
                        double max = Double.NEGATIVE_INFINITY, sum = 0;
                        for (int j = 0; j < w; j++) max = Math.max(max, x[r * w + j]);
                        for (int j = 0; j < w; j++) sum += Math.exp(x[r * w + j] - max);
                        for (int j = 0; j < w; j++) y[r * w + j] = Math.exp(x[r * w + j] - max) / sum;
                    }
                } else {
                    for (int i = 0; i < rows * w; i++) y[i] = activate(a.kind(), a.alpha(), x[i]);
                }
            }
            case TensorOp.Add add -> {
                double[] a = buffer(add.a()), b = buffer(add.b()), y = buffer(add.y());
                for (int i = 0; i < rows * add.y().width(); i++) y[i] = a[i] + b[i];
            }
            case TensorOp.LinearGradInput g -> {
                double[] dy = buffer(g.dy()), dx = buffer(g.dx());
                int in = g.dx().width(), out = g.dy().width();
                for (int r = 0; r < rows; r++) {
                    for (int k = 0; k < in; k++) {
                        double s = 0;
                        for (int o = 0; o < out; o++) s += dy[r * out + o] * params[g.weight().offset() + o * in + k];
                        dx[r * in + k] = g.accumulate() ? dx[r * in + k] + s : s;
                    }
                }
            }
            case TensorOp.LinearGradWeight g -> {
                double[] dy = buffer(g.dy()), x = buffer(g.x());
                int in = g.x().width(), out = g.dy().width();
                ParameterSlice w = g.weight();
                for (int o = 0; o < out; o++) {
                    for (int k = 0; k < in; k++) {
                        double s = 0;
                        for (int r = 0; r < rows; r++) s += dy[r * out + o] * x[r * in + k];
                        grads[w.offset() + o * in + k] = s;
                    }
                }
            }
            case TensorOp.BiasGrad g -> {
                double[] dy = buffer(g.dy());
                int w = g.dy().width();
                for (int j = 0; j < w; j++) {
                    double s = 0;
                    for (int r = 0; r < rows; r++) s += dy[r * w + j];
                    grads[g.bias().offset() + j] = s;
                }
            }
            case TensorOp.ActivateGrad g -> {
                double[] x = buffer(g.x()), y = buffer(g.y()), dy = buffer(g.dy()), dx = buffer(g.dx());
                int w = g.x().width();
                for (int r = 0; r < rows; r++) {
                    double dot = 0;
                    if (g.kind() == ActivationKind.SOFTMAX) for (int j = 0; j < w; j++) dot += dy[r * w + j] * y[r * w + j];
                    for (int j = 0; j < w; j++) {
                        int i = r * w + j;
                        double v = switch (g.kind()) {
                            case RELU -> x[i] > 0 ? dy[i] : 0;
                            case LEAKY_RELU -> x[i] > 0 ? dy[i] : g.alpha() * dy[i];
                            case SIGMOID -> dy[i] * y[i] * (1 - y[i]);
                            case TANH -> dy[i] * (1 - y[i] * y[i]);
                            case SOFTMAX -> y[i] * (dy[i] - dot);
                        };
                        dx[i] = g.accumulate() ? dx[i] + v : v;
                    }
                }
            }
            case TensorOp.AccumulateGrad g -> {
                double[] dy = buffer(g.dy()), dx = buffer(g.dx());
                for (int i = 0; i < rows * g.dx().width(); i++) dx[i] = g.accumulate() ? dx[i] + dy[i] : dy[i];
            }
        }
    }

    private static double activate(ActivationKind kind, double alpha, double x) {
        return switch (kind) {
            case RELU -> Math.max(x, 0);
            case LEAKY_RELU -> x > 0 ? x : alpha * x;
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case TANH -> Math.tanh(x);
            case SOFTMAX -> throw new IllegalStateException("softmax is row-wise");
        };
    }
}
