package dev.optc.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.runtime.ParameterSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** num_batches_tracked: one int64 scalar per batch-norm layer, named as PyTorch names it, read back or refused. */
class BatchesTrackedTest {
    private static final List<ParameterSpec> STATISTICS = List.of(
            new ParameterSpec("h1_bn.running_mean", 0, new int[] {4}, "constant", 0, 0, 0),
            new ParameterSpec("h1_bn.running_var", 4, new int[] {4}, "constant", 0, 0, 1),
            new ParameterSpec("norm0.running_mean", 8, new int[] {2}, "constant", 0, 0, 0),
            new ParameterSpec("norm0.running_var", 10, new int[] {2}, "constant", 0, 0, 1));

    @Test
    void oneCounterPerLayerNamedAsPyTorchDoes() {
        assertEquals(Map.of("h1_bn.num_batches_tracked", LongTensor.scalar(7), "norm0.num_batches_tracked", LongTensor.scalar(7)),
                BatchesTracked.tensors(STATISTICS, 7));
        assertTrue(BatchesTracked.tensors(List.of(), 7).isEmpty(), "no batch norm, no counter");
    }

    @Test
    void readsTheCountOrMinusOneWhenAbsentAndRefusesAFloatCounter(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("c.safetensors");
        Safetensors.write(file, Map.of(), BatchesTracked.tensors(STATISTICS, 1L << 40), null);
        assertEquals(1L << 40, BatchesTracked.read(file, Safetensors.read(file), STATISTICS), "beyond float's exact integers");

        Safetensors.write(file, Map.of("x", new Tensor(new int[] {1}, new float[] {1})), null);
        assertEquals(-1, BatchesTracked.read(file, Safetensors.read(file), STATISTICS), "a checkpoint from before the counter");

        Safetensors.write(file, Map.of("norm0.num_batches_tracked", new Tensor(new int[0], new float[] {3})), null);
        IOException e = assertThrows(IOException.class, () -> BatchesTracked.read(file, Safetensors.read(file), STATISTICS));
        assertTrue(e.getMessage().endsWith("norm0.num_batches_tracked must be an int64 (I64) tensor"), e.getMessage());
    }
}
