package dev.optc.lower;

import dev.optc.check.CheckedRecipe;
import dev.optc.check.ObjectiveGraph;
import dev.optc.ir.ObjectiveOp;
import dev.optc.ir.ObjectiveProgram;
import dev.optc.ir.ObjectiveProgram.Tensor;
import dev.optc.ir.ParameterSlice;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checked objective to the forward ops of an {@link ObjectiveProgram}, with the recipe's values for its
 * hyperparameters; {@link ObjectiveAutodiff} then adds the backward ops. Parameters are laid out in declaration order.
 */
public final class ObjectiveLowering {
    private final List<Tensor> tensors = new ArrayList<>();
    private final List<ObjectiveOp> forward = new ArrayList<>();
    private final Map<ObjectiveGraph.Node, Tensor> lowered = new IdentityHashMap<>();
    private final List<ObjectiveProgram.DataInput> data = new ArrayList<>();

    public ObjectiveProgram lower(CheckedRecipe recipe) {
        ObjectiveGraph graph = recipe.objective().graph();
        Map<String, Double> values = recipe.objective().hyperparameters();
        List<ParameterSlice> parameters = new ArrayList<>();
        List<double[]> initial = new ArrayList<>();
        int offset = 0;
        for (ObjectiveGraph.Parameter p : graph.parameters()) {
            ParameterSlice slice = p.uniform() > 0
                    ? new ParameterSlice(p.name(), offset, p.shape(), "uniform", 0, 0, p.uniform())
                    : new ParameterSlice(p.name(), offset, p.shape(), "constant", 0, 0, 0);
            parameters.add(slice);
            initial.add(p.initial());
            offset += slice.size();
            Tensor t = tensor(p.name(), p.shape());
            forward.add(new ObjectiveOp.LoadParameter(slice, t, p.span().line()));
            lowered.put(p, t);
        }
        Tensor result = lower(graph.result(), values);
        ObjectiveProgram program = new ObjectiveProgram(recipe.decl().span().file().name(), tensors, parameters, initial,
                offset, result, forward, List.of(), List.copyOf(data));
        return new ObjectiveAutodiff().differentiate(program);
    }

    private Tensor lower(ObjectiveGraph.Node node, Map<String, Double> values) {
        Tensor done = lowered.get(node);
        if (done != null) return done;
        int line = node.span().line();
        Tensor out;
        switch (node) {
            case ObjectiveGraph.Parameter p -> throw new IllegalStateException("parameter " + p.name() + " not loaded");
            case ObjectiveGraph.Data d -> {
                out = tensor(d.name(), d.shape());
                data.add(new ObjectiveProgram.DataInput(out, d.source()));
            }
            case ObjectiveGraph.Constant c -> {
                out = tensor("const", new int[0]);
                forward.add(new ObjectiveOp.Fill(out, c.value(), line));
            }
            case ObjectiveGraph.Hyperparameter h -> {
                out = tensor(h.name(), new int[0]);
                forward.add(new ObjectiveOp.Fill(out, values.getOrDefault(h.name(), h.value()), line));
            }
            case ObjectiveGraph.Binary b -> {
                Tensor l = lower(b.left(), values), r = lower(b.right(), values);
                out = tensor(b.op().name().toLowerCase(), b.shape());
                forward.add(new ObjectiveOp.Binary(b.op(), l, r, out, line));
            }
            case ObjectiveGraph.Unary u -> {
                Tensor a = lower(u.operand(), values);
                out = tensor(u.op().name().toLowerCase(), u.shape());
                forward.add(new ObjectiveOp.Unary(u.op(), a, out, line));
            }
            case ObjectiveGraph.Reduce r -> {
                Tensor a = lower(r.operand(), values);
                out = tensor(r.mean() ? "mean" : "sum", new int[0]);
                forward.add(new ObjectiveOp.Reduce(r.mean(), a, out, line));
            }
            case ObjectiveGraph.MatMul m -> {
                Tensor a = lower(m.left(), values), b = lower(m.right(), values);
                out = tensor("matmul", m.shape());
                forward.add(new ObjectiveOp.MatMul(a, b, out, line));
            }
            case ObjectiveGraph.Transpose t -> {
                Tensor a = lower(t.operand(), values);
                out = tensor("transpose", t.shape());
                forward.add(new ObjectiveOp.Transpose(a, out, line));
            }
            case ObjectiveGraph.Index i -> {
                Tensor a = lower(i.operand(), values);
                out = tensor("index", i.shape());
                forward.add(new ObjectiveOp.Slice(a, i.offset(), out, line));
            }
        }
        lowered.put(node, out);
        return out;
    }

    private Tensor tensor(String name, int[] shape) {
        Tensor t = new Tensor(tensors.size(), name, shape);
        tensors.add(t);
        return t;
    }
}
