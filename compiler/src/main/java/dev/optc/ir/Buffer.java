package dev.optc.ir;

/** An activation or activation-gradient buffer: [batch, width] floats, the batch being the only dynamic dimension. */
public record Buffer(int id, String name, int width) {
}
