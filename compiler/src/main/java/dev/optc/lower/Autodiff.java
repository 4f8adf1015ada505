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
    /** Parameters that get no gradient (frozen layers, like requires_grad=False), and the buffers that need one. */
    private final Set<String> frozen;
    private final Set<Buffer> needed = new HashSet<>();

    public Autodiff() {
        this(Set.of());
    }

    /**
     * {@code frozen}: parameters whose gradient is not computed; a buffer whose value depends on no trainable
     * parameter gets no gradient either, so the backward pass stops below the lowest trainable layer.
     */
    public Autodiff(Set<String> frozen) {
        this.frozen = frozen;
    }

    public TensorProgram differentiate(TensorProgram program) {
        buffers.addAll(program.buffers());
        for (TensorOp op : program.forward()) markNeeded(op);
        Buffer outputGradient = gradient(program.output());
        written.add(program.output());
        List<TensorOp> forward = program.forward();
        for (int i = forward.size() - 1; i >= 0; i--) {
            TensorOp op = forward.get(i);
            switch (op) {
                case TensorOp.AddBias ab -> {
                    if (written.contains(ab.y()) && !frozen.contains(ab.bias().name())) backward.add(new TensorOp.BiasGrad(gradient(ab.y()), ab.bias(), ab.line()));
                }
                case TensorOp.Linear l -> {
                    if (!written.contains(l.y())) continue;
                    Buffer dy = gradient(l.y());
                    if (!frozen.contains(l.weight().name())) backward.add(new TensorOp.LinearGradWeight(dy, l.x(), l.weight(), l.line()));
                    if (l.x() != program.input() && needed.contains(l.x())) {
                        backward.add(new TensorOp.LinearGradInput(dy, l.weight(), gradient(l.x()), accumulate(l.x()), l.line()));
                    }
                }
                case TensorOp.Activate a -> {
                    if (!written.contains(a.y()) || !needed.contains(a.x())) continue;
                    backward.add(new TensorOp.ActivateGrad(a.kind(), a.alpha(), a.x(), a.y(), gradient(a.y()),
                            gradient(a.x()), accumulate(a.x()), a.line()));
                }
                case TensorOp.Add add -> {
                    if (!written.contains(add.y())) continue;
                    Buffer dy = gradient(add.y());
                    for (Buffer side : List.of(add.a(), add.b())) {
                        if (!needed.contains(side)) continue;
                        backward.add(new TensorOp.AccumulateGrad(dy, gradient(side), accumulate(side), add.line()));
                    }
                }
                case TensorOp.Concat c -> {
                    if (!written.contains(c.y())) continue;
                    if (needed.contains(c.a())) backward.add(new TensorOp.SliceGrad(gradient(c.y()), 0, gradient(c.a()), accumulate(c.a()), c.line()));
                    if (needed.contains(c.b())) {
                        backward.add(new TensorOp.SliceGrad(gradient(c.y()), c.a().width(), gradient(c.b()), accumulate(c.b()), c.line()));
                    }
                }
                case TensorOp.BatchNorm b -> {
                    if (!written.contains(b.y()) || !needed.contains(b.x()) && frozen.contains(b.gamma().name())
                            && frozen.contains(b.beta().name())) continue;
                    // γ and β always get their gradients; dx is computed too, and nobody reads it when x is the input.
                    Buffer dx = gradient(b.x());
                    boolean accumulate = b.x() != program.input() && accumulate(b.x());
                    backward.add(new TensorOp.BatchNormGrad(gradient(b.y()), b.xhat(), b.invStd(), dx, b.gamma(), b.beta(),
                            accumulate, b.line()));
                }
                case TensorOp.Dropout d -> {
                    if (!written.contains(d.y()) || !needed.contains(d.x())) continue;
                    backward.add(new TensorOp.DropoutGrad(gradient(d.y()), d.mask(), gradient(d.x()), accumulate(d.x()), d.line()));
                }
                case TensorOp.Maxout m -> {
                    if (!written.contains(m.y()) || !needed.contains(m.x())) continue;
                    backward.add(new TensorOp.MaxoutGrad(gradient(m.y()), m.argmax(), gradient(m.x()), m.k(), accumulate(m.x()), m.line()));
                }
                default -> throw new IllegalStateException("not a forward op: " + op);
            }
        }
        return new TensorProgram(program.sourceName(), List.copyOf(buffers), program.parameters(), program.parameterCount(),
                program.statistics(), program.statisticCount(), program.input(), program.output(), outputGradient, program.forward(), List.copyOf(backward), program.loss());
    }

    /** Marks the op's output when it depends on a trainable parameter (the input itself needs no gradient). */
    private void markNeeded(TensorOp op) {
        boolean needs = switch (op) {
            case TensorOp.Linear l -> !frozen.contains(l.weight().name()) || needed.contains(l.x());
            case TensorOp.AddBias ab -> !frozen.contains(ab.bias().name()) || needed.contains(ab.y());
            case TensorOp.Activate a -> needed.contains(a.x());
            case TensorOp.Add add -> needed.contains(add.a()) || needed.contains(add.b());
            case TensorOp.Concat c -> needed.contains(c.a()) || needed.contains(c.b());
            case TensorOp.BatchNorm b -> needed.contains(b.x()) || !frozen.contains(b.gamma().name()) || !frozen.contains(b.beta().name());
            case TensorOp.Dropout d -> needed.contains(d.x());
            case TensorOp.Maxout m -> needed.contains(m.x());
            default -> throw new IllegalStateException("not a forward op: " + op);
        };
        Buffer y = switch (op) {
            case TensorOp.Linear l -> l.y();
            case TensorOp.AddBias ab -> ab.y();
            case TensorOp.Activate a -> a.y();
            case TensorOp.Add add -> add.y();
            case TensorOp.Concat c -> c.y();
            case TensorOp.BatchNorm b -> b.y();
            case TensorOp.Dropout d -> d.y();
            case TensorOp.Maxout m -> m.y();
            default -> throw new IllegalStateException("not a forward op: " + op);
        };
        if (needs) needed.add(y);
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
