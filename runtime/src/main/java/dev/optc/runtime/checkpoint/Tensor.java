package dev.optc.runtime.checkpoint;

import java.util.Arrays;

/**
 * A float tensor as a checkpoint stores it: a shape and its elements in row-major order.
 *
 * <p>The shape is copied in and out, so a tensor always holds exactly as many elements as its shape says. The data array
 * is shared, not copied: checkpoints hold every parameter of a model and a copy would double the memory.
 *
 * @param shape the size of every dimension; empty for a scalar
 * @param data  {@code product(shape)} elements, row-major
 */
public record Tensor(int[] shape, float[] data) {

    public Tensor {
        shape = shape.clone();
        checkElements(shape, data.length);
    }

    /** Throws unless {@code shape} holds exactly {@code length} elements (shared with {@link LongTensor}). */
    static void checkElements(int[] shape, int length) {
        long elements = 1;
        for (int size : shape) {
            if (size < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            // Saturate just past the array limit: no overflow, and a later zero dimension still gives zero.
            elements = Math.min(elements * size, Integer.MAX_VALUE + 1L);
        }
        if (elements != length) {
            String count = elements > Integer.MAX_VALUE ? "more than " + Integer.MAX_VALUE : String.valueOf(elements);
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + count + " elements, data has " + length);
        }
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** The number of dimensions. */
    public int rank() {
        return shape.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
