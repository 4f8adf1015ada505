package dev.optc.runtime.stages;

import dev.optc.runtime.checkpoint.Safetensors;
import dev.optc.runtime.checkpoint.Tensor;
import dev.optc.runtime.train.CompiledTrainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tensors moved by name (PyTorch's, {@code h1.weight}) between stages, from checkpoints, and into trainers. */
public final class NamedTensors {
    private NamedTensors() {
    }

    /**
     * The tensors of {@code layers} in a checkpoint (a tensor belongs to layer L when its name is {@code L.<something>}),
     * every one the model has for those layers; {@code model} gives the names and shapes the model expects.
     */
    public static Map<String, Tensor> layers(Path file, List<String> layers, Map<String, int[]> model) throws IOException {
        Map<String, Tensor> all = Safetensors.read(file).tensors();
        Map<String, Tensor> taken = new LinkedHashMap<>();
        for (String name : model.keySet()) {
            if (layers.stream().noneMatch(l -> name.startsWith(l + "."))) continue;
            Tensor t = all.get(name);
            if (t == null) throw new IOException(file + ": has no tensor " + name + "; it has " + all.keySet());
            taken.put(name, t);
        }
        return taken;
    }

    /** Every tensor of a checkpoint. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        return Safetensors.read(file).tensors();
    }

    /**
     * Copies into the trainer every tensor it has a tensor of the same name for (the others belong to layers this
     * stage does not have); with {@code complete}, every tensor of the trainer must be given. Shapes must match.
     *
     * @param source where the tensors come from, for messages
     * @return the names copied
     */
    public static List<String> apply(Map<String, Tensor> tensors, CompiledTrainer trainer, String source, boolean complete) {
        Map<String, int[]> shapes = trainer.tensorShapes();
        for (Map.Entry<String, int[]> e : shapes.entrySet()) {
            Tensor t = tensors.get(e.getKey());
            if (t == null) {
                if (complete) throw new IllegalArgumentException(source + " has no tensor " + e.getKey() + "; it has " + tensors.keySet());
                continue;
            }
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new IllegalArgumentException(source + ": tensor " + e.getKey() + " has shape " + Arrays.toString(t.shape())
                        + ", but the model's " + e.getKey() + " has shape " + Arrays.toString(e.getValue()));
            }
        }
        List<String> copied = new java.util.ArrayList<>();
        for (String name : shapes.keySet()) {
            Tensor t = tensors.get(name);
            if (t != null && trainer.setTensor(name, t.data())) copied.add(name);
        }
        return copied;
    }
}
