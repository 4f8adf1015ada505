package dev.optc.lower;

import dev.optc.check.CheckedRecipe;
import dev.optc.check.Initialization;
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
    private final List<ParameterSlice> statistics = new ArrayList<>();
    private int statisticOffset;
    private final List<TensorOp> forward = new ArrayList<>();
    private final Map<ModelGraph.Node, Buffer> lowered = new IdentityHashMap<>();
    private int offset;

    public ModelLowering(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    /** The program, or null when the model uses a layer this version cannot lower (reported). */
    public TensorProgram lower(CheckedRecipe recipe) {
        return lower(recipe, false, java.util.Set.of());
    }

    /**
     * A stage's program: with {@code hintLoss}, the loss is FitNets' ½‖target − output‖² against targets the trainer
     * is given; the tensors of {@code frozenLayers} get no gradient (see {@link Autodiff#Autodiff(java.util.Set)}).
     */
    public TensorProgram lower(CheckedRecipe recipe, boolean hintLoss, java.util.Set<String> frozenLayers) {
        ModelGraph model = recipe.model();
        Buffer input = buffer("input", model.input().width());
        lowered.put(model.input(), input);
        Buffer output = lower(model.output(), recipe.init());
        if (output == null) return null;
        TensorProgram.Loss loss = hintLoss ? TensorProgram.Loss.HINT : TensorProgram.Loss.valueOf(recipe.loss().name());
        TensorProgram forwardOnly = new TensorProgram(recipe.decl().span().file().name(), buffers, parameters, offset,
                statistics, statisticOffset, input, output, null, forward, List.of(), loss);
        java.util.Set<String> frozen = new java.util.HashSet<>();
        for (ParameterSlice p : parameters) {
            if (frozenLayers.stream().anyMatch(l -> p.name().startsWith(l + "."))) frozen.add(p.name());
        }
        return new Autodiff(frozen).differentiate(forwardOnly);
    }

    private Buffer lower(ModelGraph.Node node, Initialization recipeInit) {
        Buffer done = lowered.get(node);
        if (done != null) return done;
        int line = node.span().line();
        Buffer result = switch (node) {
            case ModelGraph.Input in -> throw new IllegalStateException("second input " + in.name());
            case ModelGraph.Dense d -> {
                Buffer x = lower(d.input(), recipeInit);
                if (x == null) yield null;
                Buffer y = buffer(d.name(), d.width());
                Initialization init = d.init() != null ? d.init() : recipeInit;
                ParameterSlice w = parameter(d.name() + ".weight", new int[] {d.width(), x.width()}, init.kind(), x.width(),
                        d.width(), init.parameter());
                forward.add(new TensorOp.Linear(x, w, y, line));
                if (d.bias()) {
                    ParameterSlice b = parameter(d.name() + ".bias", new int[] {d.width()}, "constant", 0, 0, d.biasInit());
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
            case ModelGraph.Concat c -> {
                Buffer l = lower(c.left(), recipeInit);
                Buffer r = lower(c.right(), recipeInit);
                if (l == null || r == null) yield null;
                Buffer y = buffer("concat" + buffers.size(), c.width());
                forward.add(new TensorOp.Concat(l, r, y, line));
                yield y;
            }
            case ModelGraph.BatchNorm b -> {
                Buffer x = lower(b.input(), recipeInit);
                if (x == null) yield null;
                int w = x.width();
                Buffer y = buffer(b.name(), w);
                Buffer xhat = buffer(b.name() + "_xhat", w);
                Buffer mean = fixed(b.name() + "_mean", w);
                Buffer invStd = fixed(b.name() + "_inv_std", w);
                ParameterSlice gamma = parameter(b.name() + ".weight", new int[] {w}, "constant", 0, 0, 1.0);
                ParameterSlice beta = parameter(b.name() + ".bias", new int[] {w}, "constant", 0, 0, 0.0);
                ParameterSlice runningMean = statistic(b.name() + ".running_mean", w, 0.0);
                ParameterSlice runningVar = statistic(b.name() + ".running_var", w, 1.0);
                forward.add(new TensorOp.BatchNorm(x, y, xhat, mean, invStd, gamma, beta, runningMean, runningVar,
                        b.momentum(), b.epsilon(), line));
                yield y;
            }
            case ModelGraph.Maxout m -> {
                Buffer x = lower(m.input(), recipeInit);
                if (x == null) yield null;
                Buffer y = buffer("maxout" + buffers.size(), m.width());
                Buffer argmax = buffer("maxout_index" + buffers.size(), m.width());
                forward.add(new TensorOp.Maxout(x, y, argmax, m.k(), line));
                yield y;
            }
            case ModelGraph.Dropout d -> {
                Buffer x = lower(d.input(), recipeInit);
                if (x == null) yield null;
                Buffer y = buffer("dropout" + buffers.size(), x.width());
                Buffer mask = buffer("dropout_mask" + buffers.size(), x.width());
                forward.add(new TensorOp.Dropout(x, y, mask, d.p(), line));
                yield y;
            }
        };
        if (result != null) lowered.put(node, result);
        return result;
    }

    private Buffer buffer(String name, int width) {
        Buffer b = new Buffer(buffers.size(), name, width);
        buffers.add(b);
        return b;
    }

    /** A vector of {@code width} floats that does not grow with the batch. */
    private Buffer fixed(String name, int width) {
        Buffer b = new Buffer(buffers.size(), name, width, false);
        buffers.add(b);
        return b;
    }

    private ParameterSlice statistic(String name, int width, double initial) {
        ParameterSlice s = new ParameterSlice(name, statisticOffset, new int[] {width}, "constant", 0, 0, initial);
        statistics.add(s);
        statisticOffset += width;
        return s;
    }

    private ParameterSlice parameter(String name, int[] shape, String init, int fanIn, int fanOut) {
        return parameter(name, shape, init, fanIn, fanOut, 0.0);
    }

    private ParameterSlice parameter(String name, int[] shape, String init, int fanIn, int fanOut, double constant) {
        ParameterSlice p = new ParameterSlice(name, offset, shape, init, fanIn, fanOut, constant);
        parameters.add(p);
        offset += p.size();
        return p;
    }
}
