package dev.optc.check;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Reads a model graph layer by layer: a layer is a dense layer with the nodes after it that have no weights of their
 * own or only batch norm's (activations, dropout, maxout, batchnorm), up to the next dense layer or residual sum.
 * What greedy pretraining stacks and what a FitNets hint names ({@code h1} is the output of h1's activation).
 */
final class LayerChain {
    private LayerChain() {
    }

    /**
     * A dense layer, the nodes after it, and its output node (the last of them). {@code before} holds what comes
     * between the input and the first dense layer (an input batch norm), which travels with the first layer.
     */
    record Layer(List<ModelGraph.Node> before, ModelGraph.Dense dense, List<ModelGraph.Node> after) {
        ModelGraph.Node output() { return after.isEmpty() ? dense : after.get(after.size() - 1); }

        /** The layers that hold its parameter tensors: the dense layer and any batch norm. */
        List<String> names() {
            List<String> names = new ArrayList<>();
            for (ModelGraph.Node n : before) if (n instanceof ModelGraph.BatchNorm b) names.add(b.name());
            names.add(dense.name());
            for (ModelGraph.Node n : after) if (n instanceof ModelGraph.BatchNorm b) names.add(b.name());
            return names;
        }
    }

    /**
     * The model as a chain of layers from the input to the output, or null when it is not one: then {@code obstacle}
     * holds the node that breaks the chain (a residual sum), or nothing when the model has no dense layer.
     */
    static List<Layer> chain(ModelGraph model, List<ModelGraph.Node> obstacle) {
        List<ModelGraph.Node> path = new ArrayList<>();
        for (ModelGraph.Node n = model.output(); !(n instanceof ModelGraph.Input); n = input(n)) {
            if (n instanceof ModelGraph.Add || n instanceof ModelGraph.Concat) {
                obstacle.add(n);
                return null;
            }
            path.add(n);
        }
        Collections.reverse(path);
        List<Layer> layers = new ArrayList<>();
        List<ModelGraph.Node> leading = new ArrayList<>();
        for (ModelGraph.Node n : path) {
            if (n instanceof ModelGraph.Dense d) layers.add(new Layer(layers.isEmpty() ? leading : List.of(), d, new ArrayList<>()));
            else if (layers.isEmpty()) leading.add(n);
            else layers.get(layers.size() - 1).after().add(n);
        }
        return layers.isEmpty() ? null : layers;
    }

    /** The single input of a node on a chain. */
    static ModelGraph.Node input(ModelGraph.Node n) {
        return switch (n) {
            case ModelGraph.Dense d -> d.input();
            case ModelGraph.Activation a -> a.input();
            case ModelGraph.BatchNorm b -> b.input();
            case ModelGraph.Maxout m -> m.input();
            case ModelGraph.Dropout d -> d.input();
            case ModelGraph.Add a -> a.left();
            case ModelGraph.Concat c -> c.left();
            case ModelGraph.Input i -> null;
        };
    }

    /** The output of the dense layer named {@code name} (its activation, batch norm, dropout), or null when there is none. */
    static ModelGraph.Node layerOutput(ModelGraph model, String name) {
        ModelGraph.Node at = null;
        for (ModelGraph.Node n : model.layers()) if (n instanceof ModelGraph.Dense d && d.name().equals(name)) at = n;
        if (at == null) return null;
        while (true) {
            ModelGraph.Node only = null;
            int consumers = 0;
            for (ModelGraph.Node n : model.layers()) {
                boolean reads = n instanceof ModelGraph.Add a ? a.left() == at || a.right() == at
                        : n instanceof ModelGraph.Concat c ? c.left() == at || c.right() == at : input(n) == at;
                if (reads) {
                    consumers++;
                    only = n;
                }
            }
            if (at == model.output() || consumers != 1 || only instanceof ModelGraph.Dense || only instanceof ModelGraph.Add) return at;
            at = only;
        }
    }

    /** The names of the dense layers, in model order. */
    static List<String> denseNames(ModelGraph model) {
        return model.layers().stream().filter(n -> n instanceof ModelGraph.Dense).map(n -> ((ModelGraph.Dense) n).name()).toList();
    }

    /** The graph that computes {@code output}: the model's nodes it depends on, in model order. */
    static ModelGraph cut(ModelGraph model, ModelGraph.Node output, String name) {
        Set<ModelGraph.Node> needed = Collections.newSetFromMap(new IdentityHashMap<>());
        collect(output, needed);
        List<ModelGraph.Node> layers = model.layers().stream().filter(needed::contains).toList();
        return new ModelGraph(name, model.input(), output, layers);
    }

    /** The graph of {@code base}'s nodes that {@code output} depends on, plus the new nodes {@code added}, in that order. */
    static ModelGraph extend(ModelGraph model, ModelGraph.Node output, List<ModelGraph.Node> added, String name) {
        ModelGraph cut = cut(model, added.isEmpty() ? output : input(added.get(0)), name);
        List<ModelGraph.Node> layers = new ArrayList<>(cut.layers());
        layers.addAll(added);
        return new ModelGraph(name, model.input(), output, List.copyOf(layers));
    }

    private static void collect(ModelGraph.Node n, Set<ModelGraph.Node> into) {
        if (n == null || n instanceof ModelGraph.Input || !into.add(n)) return;
        if (n instanceof ModelGraph.Add a) {
            collect(a.left(), into);
            collect(a.right(), into);
        } else if (n instanceof ModelGraph.Concat c) {
            collect(c.left(), into);
            collect(c.right(), into);
        } else {
            collect(input(n), into);
        }
    }
}
