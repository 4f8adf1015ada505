package dev.optc.bench;

import dev.optc.runtime.kernels.Backend;
import dev.optc.runtime.kernels.FusedUpdate;
import dev.optc.runtime.kernels.Reductions;
import dev.optc.runtime.vector.VectorReductions;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Vector API against scalar code where the question is whether C2 vectorizes the scalar code by itself, on one
 * thread. {@code case}:
 * <ul>
 *   <li>{@code sum_of_squares}: Σg², the global gradient norm that {@code clip = norm(c)} reduces once per step
 *       ({@link VectorReductions#sumOfSquares} against {@link Reductions#scalarSumOfSquares}: C2 does not reorder a
 *       floating-point sum, so it leaves the scalar one scalar);</li>
 *   <li>{@code lion}: a rule with {@code sign}, which the scalar kernel computes with a call per element;</li>
 *   <li>{@code sgd_polyak}: sgd with {@code average = polyak()}, the averaging pass fused into the rule;</li>
 *   <li>{@code adam_clip_value}: adam with {@code clip = value(1)}, clamping through min and max.</li>
 * </ul>
 * The last two are straight-line arithmetic, for which the trainer's default is the scalar kernel
 * ({@code Backend.forKernel}); they show whether that choice holds with the fused extras. Delta-bar-delta, the
 * conditional rule, is in {@link UpdateBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx2g"})
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class VectorSpeedupBenchmark {
    private static final int COMPILE_SIZE = 4096;
    private static final int COMPILE_CALLS = 5000;

    @Param({"sum_of_squares", "lion", "sgd_polyak", "adam_clip_value"})
    public String kind;

    @Param({"16384", "1048576", "16777216"})
    public int parameters;

    @Param({"vector", "scalar"})
    public String variant;

    private float[] grads;
    private Runnable step;
    private boolean reduction;

    @Setup(Level.Trial)
    public void setUp() {
        if (variant.equals("vector") && Backend.vectorUnavailableReason() != null) {
            throw new IllegalStateException("the vector kernel cannot run: " + Backend.vectorUnavailableReason());
        }
        SplittableRandom random = new SplittableRandom(42);
        reduction = kind.equals("sum_of_squares");
        if (reduction) {
            grads = UpdateBenchmark.uniform(random, parameters);
            float[] small = UpdateBenchmark.uniform(random, COMPILE_SIZE);
            double expected = Reductions.scalarSumOfSquares(small, 0, small.length);
            if (Math.abs(sumOfSquares(small) - expected) > 1e-5 * expected) {
                throw new IllegalStateException("the " + variant + " sum of squares differs from the scalar one");
            }
            for (int call = 0; call < COMPILE_CALLS; call++) sumOfSquares(small);
            return;
        }
        CompiledRule rule = switch (kind) {
            case "lion" -> CompiledRule.compile("lion", parameters);
            case "sgd_polyak" -> CompiledRule.compile("sgd", parameters, "average = polyak()");
            case "adam_clip_value" -> CompiledRule.compile("adam", parameters, "clip = value(1.0)");
            default -> throw new IllegalArgumentException("unknown case " + kind);
        };
        InterpreterCheck.verify(rule, variant);
        step = kernel(rule, parameters, random);
        Runnable small = kernel(rule, COMPILE_SIZE, new SplittableRandom(1));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        for (int call = 0; call < COMPILE_CALLS && System.nanoTime() < deadline; call++) small.run();
    }

    @Benchmark
    public double run() {
        if (reduction) return sumOfSquares(grads);
        step.run();
        return 0;
    }

    private double sumOfSquares(float[] x) {
        return variant.equals("vector") ? VectorReductions.sumOfSquares(x) : Reductions.scalarSumOfSquares(x, 0, x.length);
    }

    /** One step of the rule's kernel on one thread, over fresh buffers of n elements. */
    private Runnable kernel(CompiledRule rule, int n, SplittableRandom random) {
        float[] theta = UpdateBenchmark.uniform(random, n);
        float[] g = UpdateBenchmark.uniform(random, n);
        float[][] states = rule.newStates(theta);
        float[] scalars = rule.scalars(UpdateBenchmark.STEP);
        FusedUpdate kernel = rule.recipe().newUpdateKernel(variant.equals("vector") ? Backend.VECTOR : Backend.SCALAR);
        return () -> kernel.update(theta, g, null, states, scalars, 0, n);
    }
}
