package dev.optc.ir;

/**
 * An activation or activation-gradient buffer: [batch, width] floats, the batch being the only dynamic dimension;
 * or, when not {@code perExample}, a fixed vector of {@code width} floats (a batch-norm layer's batch statistics).
 */
public record Buffer(int id, String name, int width, boolean perExample) {
    public Buffer(int id, String name, int width) {
        this(id, name, width, true);
    }
}
