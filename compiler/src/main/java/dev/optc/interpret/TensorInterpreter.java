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
    /** Where the probability losses clamp p before the log: [ε, 1 − ε]. */
    private static final double LOG_EPSILON = 1e-7;
    private final TensorProgram program;
    private final double[][] buffers;
    private final int rows;
    public final double[] params;
    public final double[] grads;
    /** Running statistics (batch norm), as the trainer keeps them. */
    public final double[] statistics;
    /** Training mode: batch statistics and dropout; inference mode: running statistics, no dropout. */
    private boolean training = true;
    private final java.util.Map<Buffer, double[]> dropoutMasks = new java.util.HashMap<>();
    private final java.util.SplittableRandom dropoutRandom = new java.util.SplittableRandom(12345);

    public TensorInterpreter(TensorProgram program, double[] params, int rows) {
        this.program = program;
        this.params = params;
        this.grads = new double[params.length];
        this.rows = rows;
        this.buffers = new double[program.buffers().size()][];
        for (Buffer b : program.buffers()) buffers[b.id()] = new double[b.perExample() ? rows * b.width() : b.width()];
        this.statistics = new double[program.statisticCount()];
        for (var s : program.statistics()) java.util.Arrays.fill(statistics, s.offset(), s.offset() + s.size(), s.constant());
    }

    public void setTraining(boolean training) { this.training = training; }

    /**
     * The dropout mask the interpreter uses for a layer (0 or 1/(1 − p) per element): drawn once, then fixed, so
     * finite differences see one function.
     */
    public double[] dropoutMask(Buffer mask) { return dropoutMasks.get(mask); }

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
                case HINT -> throw new UnsupportedOperationException("the hint loss needs targets, not labels: see Losses.hint");
                case MSE -> {
                    for (int j = 0; j < width; j++) {
                        double diff = out[r * width + j] - (j == labels[r] ? 1 : 0);
                        total += diff * diff / width;
                        dOut[r * width + j] = 2 * diff / ((double) rows * width);
                    }
                }
                case L1 -> {
                    for (int j = 0; j < width; j++) {
                        double diff = out[r * width + j] - (j == labels[r] ? 1 : 0);
                        total += Math.abs(diff) / width;
                        dOut[r * width + j] = (diff > 0 ? 1 : diff < 0 ? -1 : 0) / ((double) rows * width);
                    }
                }
                case CROSS_ENTROPY -> {
                    // −log p_y, with p clamped from below at ε (flat, so no gradient, where the clamp acts)
                    double p = out[r * width + labels[r]];
                    total += -Math.log(Math.max(p, LOG_EPSILON));
                    for (int j = 0; j < width; j++) dOut[r * width + j] = 0;
                    if (p > LOG_EPSILON) dOut[r * width + labels[r]] = -1 / (p * rows);
                }
                case BINARY_CROSS_ENTROPY -> {
                    for (int j = 0; j < width; j++) {
                        double t = width == 1 ? labels[r] : j == labels[r] ? 1 : 0;
                        double p = out[r * width + j];
                        double q = Math.min(Math.max(p, LOG_EPSILON), 1 - LOG_EPSILON);
                        total += -(t * Math.log(q) + (1 - t) * Math.log(1 - q)) / width;
                        boolean inside = p > LOG_EPSILON && p < 1 - LOG_EPSILON;
                        dOut[r * width + j] = inside ? (-t / p + (1 - t) / (1 - p)) / ((double) rows * width) : 0;
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
            case TensorOp.BatchNorm b -> {
                double[] x = buffer(b.x()), y = buffer(b.y()), xhat = buffer(b.xhat()), invStd = buffer(b.invStd());
                int w = b.x().width();
                for (int j = 0; j < w; j++) {
                    double gamma = params[b.gamma().offset() + j], beta = params[b.beta().offset() + j];
                    if (training) {
                        double mean = 0, var = 0;
                        for (int r = 0; r < rows; r++) mean += x[r * w + j];
                        mean /= rows;
                        for (int r = 0; r < rows; r++) var += (x[r * w + j] - mean) * (x[r * w + j] - mean);
                        var /= rows;
                        invStd[j] = 1 / Math.sqrt(var + b.epsilon());
                        for (int r = 0; r < rows; r++) {
                            xhat[r * w + j] = (x[r * w + j] - mean) * invStd[j];
                            y[r * w + j] = gamma * xhat[r * w + j] + beta;
                        }
                        int m = b.runningMean().offset() + j, v = b.runningVar().offset() + j;
                        statistics[m] = (1 - b.momentum()) * statistics[m] + b.momentum() * mean;
                        statistics[v] = (1 - b.momentum()) * statistics[v] + b.momentum() * var * rows / Math.max(1, rows - 1);
                    } else {
                        double mean = statistics[b.runningMean().offset() + j], var = statistics[b.runningVar().offset() + j];
                        for (int r = 0; r < rows; r++) y[r * w + j] = gamma * (x[r * w + j] - mean) / Math.sqrt(var + b.epsilon()) + beta;
                    }
                }
            }
            case TensorOp.Dropout d -> {
                double[] x = buffer(d.x()), y = buffer(d.y());
                if (!training) {
                    System.arraycopy(x, 0, y, 0, rows * d.x().width());
                } else {
                    double[] mask = dropoutMasks.computeIfAbsent(d.mask(), k -> {
                        double[] m = new double[rows * d.x().width()];
                        for (int i = 0; i < m.length; i++) m[i] = dropoutRandom.nextDouble() < d.p() ? 0 : 1 / (1 - d.p());
                        return m;
                    });
                    for (int i = 0; i < mask.length; i++) y[i] = x[i] * mask[i];
                }
            }
            case TensorOp.Maxout m -> {
                double[] x = buffer(m.x()), y = buffer(m.y()), argmax = buffer(m.argmax());
                int out = m.y().width();
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < out; j++) {
                        int best = 0;
                        for (int i = 1; i < m.k(); i++) if (x[r * out * m.k() + j * m.k() + i] > x[r * out * m.k() + j * m.k() + best]) best = i;
                        y[r * out + j] = x[r * out * m.k() + j * m.k() + best];
                        argmax[r * out + j] = best;
                    }
                }
            }
            case TensorOp.BatchNormGrad g -> {
                double[] dy = buffer(g.dy()), xhat = buffer(g.xhat()), invStd = buffer(g.invStd()), dx = buffer(g.dx());
                int w = g.dy().width();
                for (int j = 0; j < w; j++) {
                    double dBeta = 0, dGamma = 0;
                    for (int r = 0; r < rows; r++) {
                        dBeta += dy[r * w + j];
                        dGamma += dy[r * w + j] * xhat[r * w + j];
                    }
                    grads[g.gamma().offset() + j] = dGamma;
                    grads[g.beta().offset() + j] = dBeta;
                    double gamma = params[g.gamma().offset() + j];
                    for (int r = 0; r < rows; r++) {
                        double v = gamma * invStd[j] / rows * (rows * dy[r * w + j] - dBeta - xhat[r * w + j] * dGamma);
                        dx[r * w + j] = g.accumulate() ? dx[r * w + j] + v : v;
                    }
                }
            }
            case TensorOp.DropoutGrad g -> {
                double[] dy = buffer(g.dy()), dx = buffer(g.dx()), mask = dropoutMasks.get(g.mask());
                for (int i = 0; i < rows * g.dx().width(); i++) dx[i] = (g.accumulate() ? dx[i] : 0) + dy[i] * mask[i];
            }
            case TensorOp.MaxoutGrad g -> {
                double[] dy = buffer(g.dy()), argmax = buffer(g.argmax()), dx = buffer(g.dx());
                int out = g.dy().width();
                if (!g.accumulate()) java.util.Arrays.fill(dx, 0, rows * out * g.k(), 0);
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < out; j++) dx[r * out * g.k() + j * g.k() + (int) argmax[r * out + j]] += dy[r * out + j];
                }
            }
            case TensorOp.Concat c -> {
                double[] a = buffer(c.a()), b = buffer(c.b()), y = buffer(c.y());
                int wa = c.a().width(), wb = c.b().width(), w = c.y().width();
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < wa; j++) y[r * w + j] = a[r * wa + j];
                    for (int j = 0; j < wb; j++) y[r * w + wa + j] = b[r * wb + j];
                }
            }
            case TensorOp.SliceGrad g -> {
                double[] dy = buffer(g.dy()), dx = buffer(g.dx());
                int wy = g.dy().width(), wx = g.dx().width();
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < wx; j++) {
                        double v = dy[r * wy + g.offset() + j];
                        dx[r * wx + j] = g.accumulate() ? dx[r * wx + j] + v : v;
                    }
                }
            }
            case TensorOp.AccumulateGrad g -> {
                double[] dy = buffer(g.dy()), dx = buffer(g.dx());
                for (int i = 0; i < rows * g.dx().width(); i++) dx[i] = g.accumulate() ? dx[i] + dy[i] : dy[i];
            }
            // The fused epilogues mean their two ops in sequence (what EpilogueFusion replaced).
            case TensorOp.BiasActivate f -> {
                double[] z = buffer(f.z()), y = buffer(f.y());
                int w = f.y().width();
                for (int i = 0; i < rows * w; i++) y[i] = activate(f.kind(), f.alpha(), z[i] + params[f.bias().offset() + i % w]);
            }
            case TensorOp.ActivateBiasGrad g -> {
                double[] y = buffer(g.y()), dy = buffer(g.dy()), dz = buffer(g.dz());
                int w = g.dz().width();
                for (int i = 0; i < rows * w; i++) dz[i] = dy[i] * derivativeFromOutput(g.kind(), g.alpha(), y[i]);
                for (int j = 0; j < w; j++) {
                    double s = 0;
                    for (int r = 0; r < rows; r++) s += dz[r * w + j];
                    grads[g.bias().offset() + j] = s;
                }
            }
            case TensorOp.BatchNormActivate f -> {
                run(f.norm());
                double[] normalized = buffer(f.norm().y()), y = buffer(f.y());
                for (int i = 0; i < rows * f.y().width(); i++) y[i] = activate(f.kind(), f.alpha(), normalized[i]);
            }
            case TensorOp.BatchNormActivateGrad f -> {
                double[] y = buffer(f.y()), dy = buffer(f.dy()), dNormalized = buffer(f.norm().dy());
                for (int i = 0; i < rows * f.y().width(); i++) dNormalized[i] = dy[i] * derivativeFromOutput(f.kind(), f.alpha(), y[i]);
                run(f.norm());
            }
        }
    }

    /** f' of an increasing or logistic activation, from its output y (relu's and leaky relu's sign is the input's). */
    private static double derivativeFromOutput(ActivationKind kind, double alpha, double y) {
        return switch (kind) {
            case RELU -> y > 0 ? 1 : 0;
            case LEAKY_RELU -> y > 0 ? 1 : alpha;
            case SIGMOID -> y * (1 - y);
            case TANH -> 1 - y * y;
            case SOFTMAX -> throw new IllegalStateException("softmax is row-wise");
        };
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
