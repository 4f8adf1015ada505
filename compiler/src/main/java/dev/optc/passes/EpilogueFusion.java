package dev.optc.passes;

import dev.optc.ir.Buffer;
import dev.optc.ir.TensorOp;
import dev.optc.ir.TensorProgram;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuses what follows a layer's matrix product into one pass over its values, each way:
 * <ul>
 *   <li>a bias and the activation after it: {@code AddBias; Activate} becomes {@link TensorOp.BiasActivate}, and
 *       backward {@code ActivateGrad; BiasGrad} becomes {@link TensorOp.ActivateBiasGrad};</li>
 *   <li>a batch norm and the activation after it: {@link TensorOp.BatchNormActivate} and
 *       {@link TensorOp.BatchNormActivateGrad} (the batch norm of a bias-free dense layer is then its whole
 *       epilogue).</li>
 * </ul>
 * Only where it changes nothing but the number of passes: the value between the two ops must be read by the
 * activation alone and not be the model's output (so nothing else needs it, forward or backward, and its gradient
 * has exactly one contribution), and the activation's derivative must follow from its output — relu, sigmoid, tanh,
 * and leaky relu with α ≥ 0 (then the output is positive exactly when the input is); softmax is row-wise and stays
 * apart. The program's buffers stay as they are (the fused-over ones are then unused).
 */
public final class EpilogueFusion {

    public TensorProgram apply(TensorProgram program) {
        Map<Buffer, Integer> readers = readers(program);
        List<TensorOp> forward = new ArrayList<>(program.forward());
        List<TensorOp> backward = new ArrayList<>(program.backward());
        for (int i = 0; i < forward.size(); i++) {
            if (!(forward.get(i) instanceof TensorOp.Activate act) || !fusible(act)) continue;
            Buffer between = act.x();
            if (between.equals(program.output()) || readers.getOrDefault(between, 0) != 1) continue;
            int producer = producer(forward, between, i);
            if (producer < 0) continue;
            switch (forward.get(producer)) {
                case TensorOp.AddBias bias -> {
                    forward.set(i, new TensorOp.BiasActivate(between, bias.bias(), act.kind(), act.alpha(), act.y(), act.line()));
                    forward.remove(producer);
                    i--;
                    int grad = indexOf(backward, op -> op instanceof TensorOp.ActivateGrad g && g.x().equals(between));
                    int biasGrad = indexOf(backward, op -> op instanceof TensorOp.BiasGrad g && g.bias().equals(bias.bias()));
                    if (grad >= 0 && biasGrad >= 0) {
                        TensorOp.ActivateGrad g = (TensorOp.ActivateGrad) backward.get(grad);
                        // The bias gradient only writes the parameter's gradient: it may move up to the activation's.
                        backward.set(grad, new TensorOp.ActivateBiasGrad(g.kind(), g.alpha(), g.y(), g.dy(), g.dx(),
                                bias.bias(), g.line()));
                        backward.remove(biasGrad);
                    }
                }
                case TensorOp.BatchNorm norm -> {
                    forward.set(i, new TensorOp.BatchNormActivate(norm, act.kind(), act.alpha(), act.y(), act.line()));
                    forward.remove(producer);
                    i--;
                    int grad = indexOf(backward, op -> op instanceof TensorOp.ActivateGrad g && g.x().equals(between));
                    int normGrad = indexOf(backward, op -> op instanceof TensorOp.BatchNormGrad g && g.xhat().equals(norm.xhat()));
                    if (grad >= 0 && normGrad >= 0) {
                        TensorOp.ActivateGrad g = (TensorOp.ActivateGrad) backward.get(grad);
                        // At the batch norm's place: its dx may be one of several contributions, whose order stays.
                        backward.set(normGrad, new TensorOp.BatchNormActivateGrad((TensorOp.BatchNormGrad) backward.get(normGrad),
                                g.kind(), g.alpha(), g.y(), g.dy(), g.line()));
                        backward.remove(grad);
                    }
                }
                default -> {
                }
            }
        }
        return new TensorProgram(program.sourceName(), program.buffers(), program.parameters(), program.parameterCount(),
                program.statistics(), program.statisticCount(), program.input(), program.output(), program.outputGradient(),
                List.copyOf(forward), List.copyOf(backward), program.loss());
    }

    private static boolean fusible(TensorOp.Activate act) {
        return switch (act.kind()) {
            case RELU, SIGMOID, TANH -> true;
            case LEAKY_RELU -> act.alpha() >= 0;
            case SOFTMAX -> false;
        };
    }

    /** The forward op before {@code before} that writes {@code b} last, or −1. */
    private static int producer(List<TensorOp> forward, Buffer b, int before) {
        for (int i = before - 1; i >= 0; i--) {
            TensorOp op = forward.get(i);
            boolean writes = switch (op) {
                case TensorOp.AddBias a -> a.y().equals(b);
                case TensorOp.BatchNorm n -> n.y().equals(b);
                case TensorOp.Linear l -> l.y().equals(b);
                case TensorOp.Activate a -> a.y().equals(b);
                case TensorOp.Add a -> a.y().equals(b);
                case TensorOp.Dropout d -> d.y().equals(b);
                case TensorOp.Maxout m -> m.y().equals(b);
                default -> false;
            };
            if (writes) return i;
        }
        return -1;
    }

    /** How many forward ops read each buffer (an in-place bias counts as its producer, not a reader). */
    private static Map<Buffer, Integer> readers(TensorProgram program) {
        Map<Buffer, Integer> count = new HashMap<>();
        for (TensorOp op : program.forward()) {
            List<Buffer> read = switch (op) {
                case TensorOp.Linear l -> List.of(l.x());
                case TensorOp.Activate a -> List.of(a.x());
                case TensorOp.Add a -> List.of(a.a(), a.b());
                case TensorOp.BatchNorm n -> List.of(n.x());
                case TensorOp.Dropout d -> List.of(d.x());
                case TensorOp.Maxout m -> List.of(m.x());
                case TensorOp.AddBias a -> List.of();
                default -> throw new IllegalStateException("not an unfused forward op: " + op);
            };
            for (Buffer b : read) count.merge(b, 1, Integer::sum);
        }
        return count;
    }

    private static int indexOf(List<TensorOp> ops, java.util.function.Predicate<TensorOp> test) {
        for (int i = 0; i < ops.size(); i++) if (test.test(ops.get(i))) return i;
        return -1;
    }
}
