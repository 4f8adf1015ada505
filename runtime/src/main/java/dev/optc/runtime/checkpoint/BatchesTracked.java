package dev.optc.runtime.checkpoint;

import dev.optc.runtime.ParameterSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PyTorch's BatchNorm1d keeps {@code <layer>.num_batches_tracked}, an int64 scalar counting its training batches,
 * beside {@code .running_mean} and {@code .running_var}; {@code load_state_dict(strict=True)} wants it. optc's batch
 * norm always has a momentum, so the count changes nothing it computes: it is kept so checkpoints go both ways.
 * A batch-norm layer is known by its running mean among the model's statistics.
 */
public final class BatchesTracked {
    private static final String RUNNING_MEAN = ".running_mean";
    private static final String SUFFIX = ".num_batches_tracked";

    private BatchesTracked() {
    }

    /** One counter per batch-norm layer, each holding {@code batches}. */
    public static Map<String, LongTensor> tensors(List<ParameterSpec> statisticSpecs, long batches) {
        Map<String, LongTensor> counters = new LinkedHashMap<>();
        for (ParameterSpec s : statisticSpecs) {
            if (s.name().endsWith(RUNNING_MEAN)) {
                counters.put(s.name().substring(0, s.name().length() - RUNNING_MEAN.length()) + SUFFIX, LongTensor.scalar(batches));
            }
        }
        return counters;
    }

    /**
     * The count a checkpoint holds for these layers; -1 when the model has no batch norm or the file holds no counter
     * (written before optc kept one). A counter of another shape or dtype is refused.
     */
    public static long read(Path file, Safetensors.Checkpoint checkpoint, List<ParameterSpec> statisticSpecs) throws IOException {
        long batches = -1;
        for (String name : tensors(statisticSpecs, 0).keySet()) {
            if (checkpoint.tensors().containsKey(name)) throw new IOException(file + ": " + name + " must be an int64 (I64) tensor");
            LongTensor t = checkpoint.integers().get(name);
            if (t == null) continue;
            if (t.data().length != 1) {
                throw new IOException(file + ": " + name + " has shape " + Arrays.toString(t.shape()) + ", a scalar was expected");
            }
            batches = Math.max(batches, t.data()[0]);
        }
        return batches;
    }
}
