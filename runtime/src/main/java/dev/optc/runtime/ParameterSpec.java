package dev.optc.runtime;

/**
 * One named parameter tensor and where it lives in the flat parameter buffer.
 *
 * @param name     PyTorch's name for it: {@code h1.weight} ([out, in]), {@code h1.bias}
 * @param offset   first element in the flat buffer
 * @param shape    dimensions, row-major
 * @param init     how to initialize it: an initializer name such as {@code glorot_uniform}, or {@code constant}
 * @param fanIn    inputs per unit (for weights)
 * @param fanOut   units (for weights)
 * @param constant the value of a {@code constant} initialization, or the parameter of the initializer (orthogonal's
 *                 gain, sparse's k)
 */
public record ParameterSpec(String name, int offset, int[] shape, String init, int fanIn, int fanOut, double constant) {

    public int size() {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }
}
