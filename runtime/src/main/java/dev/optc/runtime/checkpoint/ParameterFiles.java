package dev.optc.runtime.checkpoint;

import dev.optc.runtime.ParameterSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Named parameter tensors of a flat buffer, to and from a safetensors file with PyTorch's names and layouts. */
public final class ParameterFiles {
    private ParameterFiles() {
    }

    /** Writes every tensor of {@code specs} from {@code flat}, then the statistics, atomically. */
    public static void write(Path file, List<ParameterSpec> specs, float[] flat, List<ParameterSpec> statisticSpecs,
                             float[] statistics, String recipe, long step) throws IOException {
        write(file, specs, flat, statisticSpecs, statistics, recipe, step, 0);
    }

    /** The same, with batch norm's {@code num_batches_tracked} counters holding {@code batchesTracked}. */
    public static void write(Path file, List<ParameterSpec> specs, float[] flat, List<ParameterSpec> statisticSpecs,
                             float[] statistics, String recipe, long step, long batchesTracked) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (ParameterSpec p : specs) {
            tensors.put(p.name(), new Tensor(p.shape(), Arrays.copyOfRange(flat, p.offset(), p.offset() + p.size())));
        }
        for (ParameterSpec s : statisticSpecs) {
            tensors.put(s.name(), new Tensor(s.shape(), Arrays.copyOfRange(statistics, s.offset(), s.offset() + s.size())));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("optc.recipe", recipe);
        metadata.put("optc.step", Long.toString(step));
        Safetensors.write(file, tensors, BatchesTracked.tensors(statisticSpecs, batchesTracked), metadata);
    }

    /**
     * Reads every tensor of both lists into its flat buffer; nothing is changed unless all of them fit. Returns batch
     * norm's {@code num_batches_tracked}, or -1 when the file holds none.
     */
    public static long read(Path file, List<ParameterSpec> specs, float[] flat, List<ParameterSpec> statisticSpecs,
                            float[] statistics) throws IOException {
        Safetensors.Checkpoint checkpoint = Safetensors.read(file);
        List<ParameterSpec> all = new java.util.ArrayList<>(specs);
        all.addAll(statisticSpecs);
        for (ParameterSpec p : all) {
            Tensor t = checkpoint.tensors().get(p.name());
            if (t == null) {
                throw new IOException(file + ": has no tensor " + p.name() + "; it has " + checkpoint.tensors().keySet());
            }
            if (!Arrays.equals(t.shape(), p.shape())) {
                throw new IOException(file + ": " + p.name() + " has shape " + Arrays.toString(t.shape()) + ", the model needs "
                        + Arrays.toString(p.shape()));
            }
        }
        long batchesTracked = BatchesTracked.read(file, checkpoint, statisticSpecs);
        for (ParameterSpec p : specs) System.arraycopy(checkpoint.tensors().get(p.name()).data(), 0, flat, p.offset(), p.size());
        for (ParameterSpec s : statisticSpecs) {
            System.arraycopy(checkpoint.tensors().get(s.name()).data(), 0, statistics, s.offset(), s.size());
        }
        return batchesTracked;
    }
}
