package dev.optc.bench;

import dev.optc.runtime.kernels.Backend;
import dev.optc.runtime.kernels.FusedUpdate;
import dev.optc.runtime.kernels.UpdateRunner;
import dev.optc.runtime.parallel.Workers;
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
 * One optimizer step over a flat buffer of {@code parameters} floats: the generated Vector API kernel, the generated
 * scalar kernel, the one of the two a trainer runs by default, a hand-written Java loop of the same formula
 * ({@link PlainLoops}) and the rule's memory-only twin ({@link MemoryTwins}). Every variant is split across threads by {@link Workers#forRange}, the deterministic split
 * trainers use, so the variants differ only in the loop.
 *
 * <p>The step count t and the gradient stay fixed from call to call, as a benchmark of one step must; the values
 * stay finite over the calls a run makes. {@link UpdateReport} turns the JSON result into a table.
 *
 * <p>Every array starts at the same place relative to a cache line in every fork: {@code -XX:ObjectAlignmentInBytes=64}
 * puts each object on a 64-byte boundary, so a float array's elements start 16 bytes (its header) past one. That is
 * where G1 puts every array of 1M and 16M floats anyway (a humongous object starts a heap region), and what the 16K
 * arrays, allocated in a thread's buffer, would otherwise get by chance: their offsets from one another differ from
 * fork to fork with what the variant allocated before them, and C2's pre-loop can align only one of them. Measured
 * without the option, the same loop varied by 8% between variants' forks at 16K (momentum, 3 forks each). Forks use
 * transparent huge pages, as the optc launcher does where the kernel offers them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx2g", "-XX:ObjectAlignmentInBytes=64",
        "-XX:+UseTransparentHugePages"})
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class UpdateBenchmark {
    /** The step the per-step scalars (bias corrections) are computed for. */
    static final long STEP = 10;
    private static final int COMPILE_SIZE = 4096;
    private static final int COMPILE_CALLS = 5000;
    private static final int RANDOM_BLOCK = 1 << 16;

    @Param({"sgd", "momentum", "adagrad", "rmsprop", "adam", "delta_bar_delta"})
    public String rule;

    /** 16K (the arrays stay in L1/L2), 1M (4–16 MB: the last-level cache), 16M (memory). */
    @Param({"16384", "1048576", "16777216"})
    public int parameters;

    @Param({"1", "2"})
    public int threads;

    /** {@code default}: the kernel a trainer runs, {@code Backend.forKernel} of the rule's shape (vector or scalar). */
    @Param({"default", "vector", "scalar", "plain", "twin"})
    public String variant;

    private Runnable step;

    @Setup(Level.Trial)
    public void setUp() {
        CompiledRule compiled = CompiledRule.compile(rule, parameters);
        if (compiled.kernel().lookahead() != null) {
            throw new IllegalArgumentException(rule + " has a lookahead; this benchmark measures the update alone");
        }
        if ((variant.equals("vector") || variant.equals("default")) && Backend.vectorUnavailableReason() != null) {
            throw new IllegalStateException("the vector kernel cannot run: " + Backend.vectorUnavailableReason());
        }
        InterpreterCheck.verify(compiled, variant);
        Workers.setThreads(threads);

        step = variant(compiled, parameters, new SplittableRandom(42));
        compileFirst(compiled);
    }

    @Benchmark
    public void update() {
        step.run();
    }

    /** The variant over fresh buffers of n elements: θ and g uniform in [-1, 1), each state at its initial value. */
    private Runnable variant(CompiledRule compiled, int n, SplittableRandom random) {
        float[] theta = uniform(random, n);
        float[] grads = uniform(random, n);
        float[][] states = compiled.newStates(theta);
        return switch (variant) {
            case "vector" -> generated(compiled.recipe().newUpdateKernel(Backend.VECTOR), theta, grads, states, compiled.scalars(STEP));
            case "scalar" -> generated(compiled.recipe().newUpdateKernel(Backend.SCALAR), theta, grads, states, compiled.scalars(STEP));
            case "default" -> generated(compiled.recipe().newUpdateKernel(compiled.trainerBackend()), theta, grads, states,
                    compiled.scalars(STEP));
            case "plain" -> split(PlainLoops.of(compiled, theta, grads, states, STEP), n);
            case "twin" -> split(MemoryTwins.of(compiled, theta, grads, states), n);
            default -> throw new IllegalArgumentException("unknown variant " + variant);
        };
    }

    /**
     * Calls the variant many times on a small buffer, so that C2 compiles its loop as a whole method before JMH's
     * warm-up. Otherwise, at 16M parameters, a short warm-up makes only a few calls, the first of them interpreted
     * (where every Vector API operation allocates), and times an on-stack-replacement compilation.
     */
    private void compileFirst(CompiledRule compiled) {
        Runnable small = variant(compiled, COMPILE_SIZE, new SplittableRandom(1));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        for (int call = 0; call < COMPILE_CALLS && System.nanoTime() < deadline; call++) small.run();
    }

    private static Runnable generated(FusedUpdate kernel, float[] theta, float[] grads, float[][] states, float[] scalars) {
        return () -> UpdateRunner.update(kernel, theta, grads, null, states, scalars);
    }

    private static Runnable split(Workers.RangeTask loop, int n) {
        return () -> Workers.forRange(n, loop);
    }

    /**
     * n floats uniform in [-1, 1): a block of 64K drawn at random, repeated. Drawing 16M values one by one takes
     * seconds per fork; a period of 64K is far longer than any loop's unroll or vector and keeps signs mixed.
     */
    static float[] uniform(SplittableRandom random, int n) {
        float[] values = new float[n];
        int block = Math.min(n, RANDOM_BLOCK);
        for (int i = 0; i < block; i++) values[i] = (float) random.nextDouble(-1, 1);
        for (int filled = block; filled < n; filled *= 2) System.arraycopy(values, 0, values, filled, Math.min(filled, n - filled));
        return values;
    }
}
