package dev.optc.lower;

import dev.optc.ir.Buffer;
import dev.optc.ir.TensorOp;
import dev.optc.ir.TensorProgram;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation at compile time: walks the forward ops backwards and emits, for each, the ops that
 * carry the gradient of its output to its inputs and parameters. A buffer read by several ops (a residual fork)
 * receives its gradient by accumulation: the first contribution writes, the later ones add. The model's input gets
 * no gradient, and an op whose output never reaches the loss gets no backward op.
 */
public final class Autodiff {
    private final List<Buffer> buffers = new ArrayList<>();
    private final Map<Buffer, Buffer> gradients = new HashMap<>();
    private final Set<Buffer> written = new HashSet<>();
    private final List<TensorOp> backward = new ArrayList<>();

    public TensorProgram differentiate(TensorProgram program) {
        buffers.addAll(program.buffers());
        Buffer outputGradient = gradient(program.output());
        written.add(program.output());
        List<TensorOp> forward = program.forward();
        for (int i = forward.size() - 1; i >= 0; i--) {
            TensorOp op = forward.get(i);
            switch (op) {
                case TensorOp.AddBias ab -> {
                    if (written.contains(ab.y())) backward.add(new TensorOp.BiasGrad(gradient(ab.y()), ab.bias(), ab.line()));
                }
                case TensorOp.Linear l -> {
                    if (!written.contains(l.y())) continue;
                    Buffer dy = gradient(l.y());
                    backward.add(new TensorOp.LinearGradWeight(dy, l.x(), l.weight(), l.line()));
                    if (l.x() != program.input()) {
                        backward.add(new TensorOp.LinearGradInput(dy, l.weight(), gradient(l.x()), accumulate(l.x()), l.line()));
                    }
                }
                case TensorOp.Activate a -> {
                    if (!written.contains(a.y()) || a.x() == program.input()) continue;
                    backward.add(new TensorOp.ActivateGrad(a.kind(), a.alpha(), a.x(), a.y(), gradient(a.y()),
                            gradient(a.x()), accumulate(a.x()), a.line()));
                }
                case TensorOp.Add add -> {
                    if (!written.contains(add.y())) continue;
                    Buffer dy = gradient(add.y());
                    for (Buffer side : List.of(add.a(), add.b())) {
                        if (side == program.input()) continue;
                        backward.add(new TensorOp.AccumulateGrad(dy, gradient(side), accumulate(side), add.line()));
                    }
                }
                case TensorOp.BatchNorm b -> {
                    if (!written.contains(b.y())) continue;
                    // γ and β always get their gradients; dx is computed too, and nobody reads it when x is the input.
                    Buffer dx = gradient(b.x());
                    boolean accumulate = b.x() != program.input() && accumulate(b.x());
                    backward.add(new TensorOp.BatchNormGrad(gradient(b.y()), b.xhat(), b.invStd(), dx, b.gamma(), b.beta(),
                            accumulate, b.line()));
                }
                case TensorOp.Dropout d -> {
                    if (!written.contains(d.y()) || d.x() == program.input()) continue;
                    backward.add(new TensorOp.DropoutGrad(gradient(d.y()), d.mask(), gradient(d.x()), accumulate(d.x()), d.line()));
                }
                case TensorOp.Maxout m -> {
                    if (!written.contains(m.y()) || m.x() == program.input()) continue;
                    backward.add(new TensorOp.MaxoutGrad(gradient(m.y()), m.argmax(), gradient(m.x()), m.k(), accumulate(m.x()), m.line()));
                }
                default -> throw new IllegalStateException("not a forward op: " + op);
            }
        }
        return new TensorProgram(program.sourceName(), List.copyOf(buffers), program.parameters(), program.parameterCount(),
                program.statistics(), program.statisticCount(), program.input(), program.output(), outputGradient, program.forward(), List.copyOf(backward), program.loss());
    }

    /** Whether the gradient of {@code x} already holds a contribution (then add), marking that it now does. */
    private boolean accumulate(Buffer x) {
        return !written.add(x);
    }

    private Buffer gradient(Buffer b) {
        return gradients.computeIfAbsent(b, x -> {
            Buffer g = new Buffer(buffers.size(), "d_" + x.name(), x.width(), x.perExample());
            buffers.add(g);
            return g;
        });
    }
}
