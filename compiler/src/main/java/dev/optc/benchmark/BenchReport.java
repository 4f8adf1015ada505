package dev.optc.benchmark;

import java.util.List;

/**
 * What {@code optc bench} measured for one recipe on this machine. Times are JMH's scores (the mean over the
 * measurement iterations); the other figures are derived from them here, so the text and JSON forms agree.
 *
 * @param updates  one fused update per optimizer group
 * @param peak     this machine's FMA peak, the yardstick of the dense products
 * @param products each dense layer's three products at the recipe's batch
 * @param epoch    one training epoch of the recipe
 */
public record BenchReport(Setup setup, List<UpdateStep> updates, FmaPeak peak, List<DenseProduct> products,
                          List<BatchNorm> batchNorms, Epoch epoch) {

    /**
     * How the figures were taken.
     *
     * @param backend the kernels training selects on this JVM ({@code vector} or {@code scalar})
     * @param forks   JMH forks per benchmark; 0: everything ran in this JVM
     */
    public record Setup(String recipe, String source, String jdk, String jmh, String backend, int threads, boolean quick,
                        int forks, int warmupIterations, long warmupMillis, int measurementIterations, long measurementMillis) {
    }

    /** One call of a kernel over n parameters that must move {@code bytes} bytes. */
    public record Timing(double nsPerCall, int parameters, long bytes) {
        public double nsPerParameter() { return nsPerCall / parameters; }

        /** Bytes moved over time per call, 10⁹ bytes per second. */
        public double gigabytesPerSecond() { return bytes / nsPerCall; }
    }

    /**
     * The fused update of one optimizer group. Bytes per parameter: 4 × (arrays read + arrays written), θ and g read
     * and θ written always, then each state the rule reads and writes, from the kernel's IR.
     *
     * @param group  the group's name (its first layer), or null with one optimizer
     * @param vector null where the Vector API is not available
     * @param twin   the memory-only twin: the same arrays, trivial arithmetic
     */
    public record UpdateStep(String rule, String group, int parameters, int arraysRead, int arraysWritten,
                             boolean lookahead, Timing vector, Timing scalar, Timing twin) {
        public int bytesPerParameter() { return Float.BYTES * (arraysRead + arraysWritten); }

        /** The twin's time over the vector kernel's: 1 is the memory limit. */
        public double vectorOfTwin() { return twin.nsPerCall() / vector.nsPerCall(); }

        public double scalarOfTwin() { return twin.nsPerCall() / scalar.nsPerCall(); }

        /** The scalar kernel's time over the vector kernel's: above 1, the vector kernel is faster. */
        public double vectorSpeedup() { return scalar.nsPerCall() / vector.nsPerCall(); }
    }

    /**
     * @param kind            {@code vector} (the Vector API's preferred species) or {@code scalar}
     * @param gflopsPerThread measured on one thread, registers only
     * @param threads         the thread count the products ran with
     */
    public record FmaPeak(String kind, int lanes, double nsPerCall, double flopsPerCall, int threads) {
        public double gflopsPerThread() { return flopsPerCall / nsPerCall; }

        /** The peak of {@code threads} cores, assuming each reaches the one measured. */
        public double gflops() { return gflopsPerThread() * threads; }
    }

    /**
     * One product of a dense layer: {@code forward} X·Wᵀ, {@code backwardInput} dY·W, {@code backwardWeights}
     * dYᵀ·X; 2·rows·in·out operations.
     *
     * @param inTraining false for dY·W of a layer whose input needs no gradient (training skips it)
     */
    public record DenseProduct(String layer, String product, int rows, int in, int out, boolean inTraining, double nsPerCall) {
        public String formula() {
            return switch (product) {
                case "forward" -> "X·Wᵀ";
                case "backwardInput" -> "dY·W";
                default -> "dYᵀ·X";
            };
        }

        public double flops() { return 2.0 * rows * in * out; }

        public double gflops() { return flops() / nsPerCall; }
    }

    /** A batch-norm layer's forward and backward kernels, one training step. */
    public record BatchNorm(String layer, int rows, int width, double nsPerCall) {
        public double nsPerElement() { return nsPerCall / ((double) rows * width); }
    }

    /**
     * @param data       the file the epoch trained on, or a description of the random rows
     * @param randomData whether the recipe's data was absent and random rows of its shape stood in
     */
    public record Epoch(String data, boolean randomData, int rows, int batch, double nsPerEpoch) {
        public double seconds() { return nsPerEpoch / 1e9; }

        public double samplesPerSecond() { return rows / seconds(); }
    }
}
