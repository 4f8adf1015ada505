package dev.optc.bench;

import dev.optc.runtime.kernels.Activations;
import dev.optc.runtime.kernels.Backend;
import dev.optc.runtime.kernels.BatchNormKernel;
import dev.optc.runtime.vector.VectorBatchNorm;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One batch-norm layer's training step, forward then backward, through the runtime's entry points
 * ({@link BatchNormKernel}, as generated trainers call it): (rows, width) = (256, 1024) by default, as PyTorch's
 * BatchNorm1d is timed in bench/peers/kernels.py. {@code variant=vector} runs the Vector API kernel, {@code scalar}
 * the scalar one (the scalar backend's); {@code activation=relu} times the form fused with a following relu.
 *
 * <p>{@link #main} prints µs per forward+backward directly (best of seven rounds, and the median):
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.optc.bench.BatchNormBenchmark [seconds]
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx2g"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class BatchNormBenchmark {
    @Param({"256"})
    public int rows;

    @Param({"1024"})
    public int width;

    @Param({"vector", "scalar"})
    public String variant;

    @Param({"none", "relu"})
    public String activation;

    private Layer layer;

    @Setup
    public void setUp() {
        if (variant.equals("vector") && Backend.vectorUnavailableReason() != null) {
            throw new IllegalStateException("the vector kernels cannot run: " + Backend.vectorUnavailableReason());
        }
        layer = new Layer(rows, width, variant.equals("vector"), activation.equals("relu") ? Activations.RELU : Activations.NONE);
    }

    @Benchmark
    public float forwardAndBackward() {
        return layer.step();
    }

    /** The arrays of one layer and a call of each pass. */
    static final class Layer {
        final int rows, width, activation;
        final boolean vector;
        final float[] x, out, xhat, mean, invStd, dOut, dx, params, grads, stats;

        Layer(int rows, int width, boolean vector, int activation) {
            this.rows = rows;
            this.width = width;
            this.vector = vector;
            this.activation = activation;
            SplittableRandom random = new SplittableRandom(1);
            x = new float[rows * width];
            dOut = new float[rows * width];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextGaussian();
                dOut[i] = (float) random.nextGaussian();
            }
            out = new float[rows * width];
            xhat = new float[rows * width];
            dx = new float[rows * width];
            mean = new float[width];
            invStd = new float[width];
            params = new float[2 * width];
            java.util.Arrays.fill(params, 0, width, 1f);
            grads = new float[2 * width];
            stats = new float[2 * width];
            java.util.Arrays.fill(stats, width, 2 * width, 1f);
        }

        float step() {
            if (vector) {
                VectorBatchNorm.forwardTraining(x, out, xhat, mean, invStd, rows, width, params, 0, width, stats, 0, width,
                        0.1f, 1e-5f, activation, 0f);
                VectorBatchNorm.backward(dOut, out, xhat, invStd, dx, rows, width, params, 0, grads, width, false,
                        activation, 0f);
            } else {
                // The scalar kernel, which the scalar backend's trainers run, over all the columns.
                BatchNormKernel.forwardTrainingColumns(x, out, xhat, mean, invStd, rows, width, 0, params, 0, width, stats,
                        0, width, 0.1f, 1e-5f, activation, 0f);
                BatchNormKernel.backwardColumns(dOut, out, xhat, invStd, dx, rows, width, 0, params, 0, grads, width,
                        false, activation, 0f);
            }
            return dx[0] + grads[0];
        }
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1;
        int rows = 256, width = 1024;
        System.out.printf(Locale.ROOT, "batch norm (%d, %d), training forward + backward, µs per call (best of 7 rounds;"
                + " median); load average %.2f%n", rows, width,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.println("| kernel | activation | best µs | median µs |");
        System.out.println("|---|---|--:|--:|");
        for (String variant : new String[] {"vector", "scalar"}) {
            if (variant.equals("vector") && Backend.vectorUnavailableReason() != null) continue;
            for (int activation : new int[] {Activations.NONE, Activations.RELU}) {
                Layer layer = new Layer(rows, width, variant.equals("vector"), activation);
                for (int i = 0; i < 3000; i++) layer.step(); // C2 compiles the kernels before timing
                double[] rounds = new double[7];
                for (int r = 0; r < rounds.length; r++) {
                    long calls = 0, start = System.nanoTime(), budget = (long) (seconds / rounds.length * 1e9);
                    long elapsed;
                    do {
                        layer.step();
                        calls++;
                        elapsed = System.nanoTime() - start;
                    } while (elapsed < budget);
                    rounds[r] = elapsed / 1e3 / calls;
                }
                double[] sorted = rounds.clone();
                java.util.Arrays.sort(sorted);
                System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %.1f |%n", variant,
                        activation == Activations.RELU ? "relu" : "none", sorted[0], sorted[sorted.length / 2]);
            }
        }
    }
}
