package dev.optc.benchmark;

import dev.optc.runtime.kernels.Gemm;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One product of a dense layer at the recipe's batch, through the entry points generated trainers call
 * ({@link Gemm}: the vector GEMM where it pays, the scalar loops otherwise): forward X·Wᵀ, backward dY·W (the input's
 * gradient) and dYᵀ·X (the weights'). 2·rows·in·out floating-point operations each.
 */
@State(Scope.Benchmark)
public class DenseProductBenchmark extends SubjectState {
    @Param("0")
    public int layer;

    @Param({"forward", "backwardInput", "backwardWeights"})
    public String product;

    private int rows, in, out, which;
    private float[] x, w, dy, y, dx, dw;

    @Setup(Level.Trial)
    public void setUp() {
        BenchSubject subject = subject();
        BenchSubject.DenseLayer dense = subject.denseLayers().get(layer);
        // First on a small shape that still takes the vector path (rows ≥ 4, 12K multiply-adds), then on the real one.
        operands(12, 32, 32);
        JitWarmup.repeat(this::multiply, JitWarmup.CALLS, compileSeconds);
        operands(subject.batchRows(), dense.in(), dense.out());
        JitWarmup.repeat(this::multiply, JitWarmup.CALLS / 10, compileSeconds);
    }

    private void operands(int rows, int in, int out) {
        this.rows = rows;
        this.in = in;
        this.out = out;
        SplittableRandom random = new SplittableRandom(42);
        x = UpdateStepBenchmark.uniform(random, rows * in);
        w = UpdateStepBenchmark.uniform(random, out * in);
        dy = UpdateStepBenchmark.uniform(random, rows * out);
        y = new float[rows * out];
        dx = new float[rows * in];
        dw = new float[out * in];
        which = switch (product) {
            case "forward" -> 0;
            case "backwardInput" -> 1;
            case "backwardWeights" -> 2;
            default -> throw new IllegalArgumentException("unknown product " + product);
        };
    }

    @Benchmark
    public void multiply() {
        switch (which) {
            case 0 -> Gemm.forward(x, rows, in, w, 0, out, y);
            case 1 -> Gemm.backwardInput(dy, rows, out, w, 0, in, dx, false);
            default -> Gemm.backwardWeights(dy, rows, out, x, in, dw, 0);
        }
    }
}
