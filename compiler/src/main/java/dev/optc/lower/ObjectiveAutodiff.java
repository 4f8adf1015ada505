package dev.optc.lower;

import dev.optc.ir.ObjectiveOp;
import dev.optc.ir.ObjectiveProgram;
import dev.optc.ir.ObjectiveProgram.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation of an objective at compile time. Only tensors that depend on a parameter get a
 * gradient; gradients are cleared, the result's is set to 1, and each forward op, in reverse, adds its inputs'
 * contributions; the parameters' gradients are then stored into the flat buffer.
 */
public final class ObjectiveAutodiff {
    private final List<Tensor> tensors = new ArrayList<>();
    private final Map<Tensor, Tensor> gradients = new HashMap<>();

    public ObjectiveProgram differentiate(ObjectiveProgram program) {
        tensors.addAll(program.tensors());
        Set<Tensor> varying = new HashSet<>();
        for (ObjectiveOp op : program.forward()) {
            switch (op) {
                case ObjectiveOp.LoadParameter l -> varying.add(l.out());
                case ObjectiveOp.Binary b -> { if (varying.contains(b.a()) || varying.contains(b.b())) varying.add(b.out()); }
                case ObjectiveOp.Unary u -> { if (varying.contains(u.a())) varying.add(u.out()); }
                case ObjectiveOp.Reduce r -> { if (varying.contains(r.a())) varying.add(r.out()); }
                case ObjectiveOp.MatMul m -> { if (varying.contains(m.a()) || varying.contains(m.b())) varying.add(m.out()); }
                case ObjectiveOp.Transpose t -> { if (varying.contains(t.a())) varying.add(t.out()); }
                case ObjectiveOp.Slice s -> { if (varying.contains(s.a())) varying.add(s.out()); }
                default -> {
                }
            }
        }
        List<ObjectiveOp> backward = new ArrayList<>();
        int line = program.result() == null ? 0 : lineOf(program);
        List<ObjectiveOp> body = new ArrayList<>();
        if (varying.contains(program.result())) {
            body.add(new ObjectiveOp.Fill(gradient(program.result()), 1, line));
            List<ObjectiveOp> forward = program.forward();
            for (int i = forward.size() - 1; i >= 0; i--) {
                ObjectiveOp op = forward.get(i);
                switch (op) {
                    case ObjectiveOp.Binary b -> {
                        if (!varying.contains(b.out())) continue;
                        if (varying.contains(b.a())) {
                            body.add(new ObjectiveOp.BinaryGradient(b.op(), 0, b.a(), b.b(), b.out(), gradient(b.out()), gradient(b.a()), b.line()));
                        }
                        if (varying.contains(b.b())) {
                            body.add(new ObjectiveOp.BinaryGradient(b.op(), 1, b.a(), b.b(), b.out(), gradient(b.out()), gradient(b.b()), b.line()));
                        }
                    }
                    case ObjectiveOp.Unary u -> {
                        if (varying.contains(u.out())) {
                            body.add(new ObjectiveOp.UnaryGradient(u.op(), u.a(), u.out(), gradient(u.out()), gradient(u.a()), u.line()));
                        }
                    }
                    case ObjectiveOp.Reduce r -> {
                        if (varying.contains(r.out())) body.add(new ObjectiveOp.ReduceGradient(r.mean(), gradient(r.out()), gradient(r.a()), r.line()));
                    }
                    case ObjectiveOp.MatMul m -> {
                        if (!varying.contains(m.out())) continue;
                        if (varying.contains(m.a())) body.add(new ObjectiveOp.MatMulGradient(0, m.a(), m.b(), gradient(m.out()), gradient(m.a()), m.line()));
                        if (varying.contains(m.b())) body.add(new ObjectiveOp.MatMulGradient(1, m.a(), m.b(), gradient(m.out()), gradient(m.b()), m.line()));
                    }
                    case ObjectiveOp.Transpose t -> {
                        if (varying.contains(t.out())) body.add(new ObjectiveOp.TransposeGradient(gradient(t.out()), gradient(t.a()), t.line()));
                    }
                    case ObjectiveOp.Slice s -> {
                        if (varying.contains(s.out())) body.add(new ObjectiveOp.SliceGradient(gradient(s.out()), s.offset(), gradient(s.a()), s.line()));
                    }
                    case ObjectiveOp.LoadParameter l -> body.add(new ObjectiveOp.StoreGradient(gradient(l.out()), l.parameter(), l.line()));
                    default -> {
                    }
                }
            }
        } else {
            // A result that does not depend on any parameter: every gradient is zero.
            for (ObjectiveOp op : program.forward()) {
                if (op instanceof ObjectiveOp.LoadParameter l) {
                    body.add(new ObjectiveOp.Fill(gradient(l.out()), 0, l.line()));
                    body.add(new ObjectiveOp.StoreGradient(gradient(l.out()), l.parameter(), l.line()));
                }
            }
        }
        backward.add(new ObjectiveOp.ZeroGradients(List.copyOf(gradients.values().stream()
                .sorted(java.util.Comparator.comparingInt(Tensor::id)).toList()), line));
        backward.addAll(body);
        return new ObjectiveProgram(program.sourceName(), List.copyOf(tensors), program.parameters(), program.initialValues(),
                program.parameterCount(), program.result(), program.forward(), List.copyOf(backward), program.data());
    }

    private static int lineOf(ObjectiveProgram program) {
        return program.forward().isEmpty() ? 1 : program.forward().get(program.forward().size() - 1).line();
    }

    private Tensor gradient(Tensor t) {
        return gradients.computeIfAbsent(t, x -> {
            Tensor g = new Tensor(tensors.size(), "d_" + x.name(), x.shape());
            tensors.add(g);
            return g;
        });
    }
}
