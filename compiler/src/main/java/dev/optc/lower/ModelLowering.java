package dev.optc.lower;

import dev.optc.check.CheckedRecipe;
import dev.optc.check.ModelGraph;
import dev.optc.diagnostics.Diagnostics;
import dev.optc.ir.Buffer;
import dev.optc.ir.ParameterSlice;
import dev.optc.ir.TensorOp;
import dev.optc.ir.TensorProgram;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checked model to the forward ops of a {@link TensorProgram}; {@link Autodiff} then adds the backward ops.
 * Parameters are laid out in the flat buffer in the order PyTorch's state_dict lists them: layer by layer, weight
 * before bias.
 */
public final class ModelLowering {
    private final Diagnostics diagnostics;
    private final List<Buffer> buffers = new ArrayList<>();
    private final List<ParameterSlice> parameters = new ArrayList<>();
    private final List<TensorOp> forward = new ArrayList<>();
    private final Map<ModelGraph.Node, Buffer> lowered = new IdentityHashMap<>();
    private int offset;

    public ModelLowering(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    /** The program, or null when the model uses a layer this version cannot lower (reported). */
    public TensorProgram lower(CheckedRecipe recipe) {
        ModelGraph model = recipe.model();
        Buffer input = buffer("input", model.input().width());
        lowered.put(model.input(), input);
        Buffer output = lower(model.output(), recipe.init());
        if (output == null) return null;
        TensorProgram.Loss loss = switch (recipe.loss()) {
            case SOFTMAX_CROSS_ENTROPY -> TensorProgram.Loss.SOFTMAX_CROSS_ENTROPY;
            case MSE -> TensorProgram.Loss.MSE;
        };
        TensorProgram forwardOnly = new TensorProgram(recipe.decl().span().file().name(), buffers, parameters, offset,
                input, output, null, forward, List.of(), loss);
        return new Autodiff().differentiate(forwardOnly);
    }

    private Buffer lower(ModelGraph.Node node, String recipeInit) {
        Buffer done = lowered.get(node);
        if (done != null) return done;
        int line = node.span().line();
        Buffer result = switch (node) {
            case ModelGraph.Input in -> throw new IllegalStateException("second input " + in.name());
            case ModelGraph.Dense d -> {
                Buffer x = lower(d.input(), recipeInit);
                if (x == null) yield null;
                Buffer y = buffer(d.name(), d.width());
                String init = d.init() != null ? d.init() : recipeInit;
                ParameterSlice w = parameter(d.name() + ".weight", new int[] {d.width(), x.width()}, init, x.width(), d.width());
                forward.add(new TensorOp.Linear(x, w, y, line));
                if (d.bias()) {
                    ParameterSlice b = parameter(d.name() + ".bias", new int[] {d.width()}, "constant", 0, 0);
                    forward.add(new TensorOp.AddBias(y, b, line));
                }
                yield y;
            }
            case ModelGraph.Activation a -> {
                Buffer x = lower(a.input(), recipeInit);
                if (x == null) yield null;
                Buffer y = buffer(a.kind().name().toLowerCase() + buffers.size(), x.width());
                forward.add(new TensorOp.Activate(a.kind(), a.alpha(), x, y, line));
                yield y;
            }
            case ModelGraph.Add add -> {
                Buffer l = lower(add.left(), recipeInit);
                Buffer r = lower(add.right(), recipeInit);
                if (l == null || r == null) yield null;
                Buffer y = buffer("sum" + buffers.size(), l.width());
                forward.add(new TensorOp.Add(l, r, y, line));
                yield y;
            }
            case ModelGraph.BatchNorm b -> notYet(b, "batchnorm");
            case ModelGraph.Maxout m -> notYet(m, "maxout");
            case ModelGraph.Dropout d -> notYet(d, "dropout");
        };
        if (result != null) lowered.put(node, result);
        return result;
    }

    private Buffer notYet(ModelGraph.Node node, String layer) {
        diagnostics.error(node.span(), "E091", "layer `" + layer + "` is not implemented in this version of optc",
                "the layers that train today are dense, relu, leaky_relu, sigmoid, tanh, softmax and `+`");
        return null;
    }

    private Buffer buffer(String name, int width) {
        Buffer b = new Buffer(buffers.size(), name, width);
        buffers.add(b);
        return b;
    }

    private ParameterSlice parameter(String name, int[] shape, String init, int fanIn, int fanOut) {
        ParameterSlice p = new ParameterSlice(name, offset, shape, init, fanIn, fanOut, 0.0);
        parameters.add(p);
        offset += p.size();
        return p;
    }
}
