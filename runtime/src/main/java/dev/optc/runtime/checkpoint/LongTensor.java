package dev.optc.runtime.checkpoint;

import java.util.Arrays;

/**
 * An int64 tensor as a checkpoint stores it (safetensors dtype {@code I64}): counters such as PyTorch batch norm's
 * {@code num_batches_tracked}, which a float would round past 2^24.
 *
 * @param shape the size of every dimension; empty for a scalar
 * @param data  {@code product(shape)} elements, row-major
 */
public record LongTensor(int[] shape, long[] data) {

    public LongTensor {
        shape = shape.clone();
        Tensor.checkElements(shape, data.length);
    }

    /** A rank-0 tensor holding one value, as PyTorch stores a counter. */
    public static LongTensor scalar(long value) {
        return new LongTensor(new int[0], new long[] {value});
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LongTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "LongTensor" + Arrays.toString(shape);
    }
}
