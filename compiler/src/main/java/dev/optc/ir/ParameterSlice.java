package dev.optc.ir;

/**
 * A parameter tensor's place in the flat parameter buffer (and, at the same offsets, in the flat gradient buffer).
 *
 * @param name  PyTorch's name: {@code h1.weight} as [out, in], {@code h1.bias}
 * @param init  initializer name, or {@code constant} with {@code constant} as value
 */
public record ParameterSlice(String name, int offset, int[] shape, String init, int fanIn, int fanOut, double constant) {
    public int size() {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }
}
