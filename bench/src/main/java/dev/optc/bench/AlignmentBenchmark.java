package dev.optc.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
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
 * Why the trainer keeps C2's own vectorization of a straight-line update: the same sgd step over 16K floats in L2,
 * as a hand-written Vector API loop and as a plain Java loop, starting at element {@code offset} of the arrays.
 * The forks run with {@code -XX:ObjectAlignmentInBytes=64}, so every array starts on a 64-byte boundary and its
 * elements at byte 16; from offset 12 on, the Vector API loop's 64-byte loads and stores are aligned, from 0, 4 or
 * 8 each one straddles two cache lines. The plain loop does not care: C2 peels a scalar pre-loop until its stores are
 * aligned, an address the Vector API never sees. Both loops compile to the same unrolled AVX-512 body otherwise.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:ObjectAlignmentInBytes=64"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AlignmentBenchmark {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int N = 16384;
    private static final float LR = 1e-7f;

    @Param({"0", "4", "8", "12"})
    public int offset;

    @Param({"vector_api", "plain"})
    public String loop;

    private float[] theta;
    private float[] g;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        theta = UpdateBenchmark.uniform(random, N + 16);
        g = UpdateBenchmark.uniform(random, N + 16);
    }

    @Benchmark
    public void sgd() {
        if (loop.equals("plain")) plain(theta, g, offset, offset + N);
        else vectorApi(theta, g, offset, offset + N);
    }

    static void plain(float[] theta, float[] g, int from, int to) {
        for (int i = from; i < to; i++) theta[i] -= LR * g[i];
    }

    static void vectorApi(float[] theta, float[] g, int from, int to) {
        FloatVector lr = FloatVector.broadcast(SPECIES, LR);
        int upper = from + SPECIES.loopBound(to - from);
        int i = from;
        for (; i < upper; i += SPECIES.length()) {
            FloatVector t = FloatVector.fromArray(SPECIES, theta, i);
            t.sub(lr.mul(FloatVector.fromArray(SPECIES, g, i))).intoArray(theta, i);
        }
        for (; i < to; i++) theta[i] -= LR * g[i];
    }
}
