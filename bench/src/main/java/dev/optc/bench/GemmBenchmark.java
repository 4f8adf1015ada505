package dev.optc.bench;

import dev.optc.runtime.kernels.Backend;
import dev.optc.runtime.kernels.ScalarGemm;
import dev.optc.runtime.parallel.Workers;
import dev.optc.runtime.vector.VectorGemm;
import dev.optc.runtime.vector.VectorGemmPeak;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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
 * The three products of a dense layer (rows × in × out: forward y = x·Wᵀ, backward dx = dy·W and dW = dyᵀ·x) with the
 * blocked Vector API GEMM and the scalar reference, on the MLP of the digits sample (784 → 256 → 128 → 10, batch 128)
 * and on 1024³. As a JMH benchmark it reports µs per call; GFLOP/s is 2·rows·in·out / time. The full cross product
 * is 48 runs of 13 s, and the scalar loops use one thread and take 0.4 s a call at 1024³, so select: {@code -p
 * variant=vector}, or {@code -p variant=scalar -p threads=1 -p shape=128x784x256,128x256x128,128x128x10}.
 *
 * <p>{@link #main} instead prints GFLOP/s directly, next to this core's FMA peak ({@link VectorGemmPeak}) measured in
 * the same run: every case is timed over several rounds, with the peak re-measured between cases, and the best round
 * of each is kept — on a shared machine the best round is the one least disturbed by other work, the median shows how
 * much there was. Run it with
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.optc.bench.GemmBenchmark [seconds per case]
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx2g"})
// Vector API code is slow until C2 compiles it, which takes a few seconds of calls: a long warm-up.
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmBenchmark {
    @Param({"forward", "backwardInput", "backwardWeights"})
    public String product;

    /** rows × in × out. */
    @Param({"128x784x256", "128x256x128", "128x128x10", "1024x1024x1024"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    @Param({"vector", "scalar"})
    public String variant;

    private Runnable call;

    @Setup(Level.Trial)
    public void setUp() {
        if (variant.equals("vector") && Backend.vectorUnavailableReason() != null) {
            throw new IllegalStateException("the vector GEMM cannot run: " + Backend.vectorUnavailableReason());
        }
        Workers.setThreads(threads);
        call = new Case(product, shape, threads).call(variant.equals("vector"));
    }

    @Benchmark
    public void gemm() {
        call.run();
    }

    /** One product on one shape, with its operands. */
    record Case(String product, String shape, int threads) {
        int[] dims() {
            return Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray();
        }

        double flops() {
            int[] d = dims();
            return 2.0 * d[0] * d[1] * d[2];
        }

        Runnable call(boolean vector) {
            int[] d = dims();
            int rows = d[0], in = d[1], out = d[2];
            SplittableRandom random = new SplittableRandom(42);
            float[] x = uniform(random, rows * in), w = uniform(random, out * in), dy = uniform(random, rows * out);
            float[] y = new float[rows * out], dx = new float[rows * in], dw = new float[out * in];
            return switch (product + (vector ? "/vector" : "/scalar")) {
                case "forward/vector" -> () -> VectorGemm.forward(x, rows, in, w, 0, out, y);
                case "forward/scalar" -> () -> ScalarGemm.forward(x, rows, in, w, 0, out, y);
                case "backwardInput/vector" -> () -> VectorGemm.backwardInput(dy, rows, out, w, 0, in, dx, false);
                case "backwardInput/scalar" -> () -> ScalarGemm.backwardInput(dy, rows, out, w, 0, in, dx, false);
                case "backwardWeights/vector" -> () -> VectorGemm.backwardWeights(dy, rows, out, x, in, dw, 0);
                case "backwardWeights/scalar" -> () -> ScalarGemm.backwardWeights(dy, rows, out, x, in, dw, 0);
                default -> throw new IllegalArgumentException(product);
            };
        }

        private static float[] uniform(SplittableRandom random, int n) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) a[i] = (float) random.nextDouble(-1, 1);
            return a;
        }
    }

    // ---- the GFLOP/s table ----

    public static void main(String[] args) {
        String why = Backend.vectorUnavailableReason();
        if (why != null) throw new IllegalStateException("the vector GEMM cannot run: " + why);
        int threadsBefore = Workers.threads();
        try {
            new Table(args.length > 0 ? Double.parseDouble(args[0]) : 2).print();
        } finally {
            Workers.setThreads(threadsBefore);
        }
    }

    /** Times every case and the FMA peak between them. */
    private static final class Table {
        private static final String[] PRODUCTS = {"forward", "backwardInput", "backwardWeights"};
        private static final List<String> SHAPES = List.of("128x784x256", "128x256x128", "128x128x10", "1024x1024x1024");
        private static final int ROUNDS = 7;
        private final double seconds;
        private final List<Double> peakRounds = new ArrayList<>();

        Table(double seconds) {
            this.seconds = seconds;
        }

        void print() {
            // Vector API code runs as slow library calls until C2 has compiled it: warm every path first.
            Workers.setThreads(1);
            for (String product : PRODUCTS) {
                for (String shape : SHAPES.subList(0, 3)) time(new Case(product, shape, 1).call(true), 0.7, 1);
            }
            measurePeak(3);

            List<String> lines = new ArrayList<>();
            for (String shape : SHAPES) {
                for (String product : PRODUCTS) {
                    for (int threads = 1; threads <= 2; threads++) lines.add(row(new Case(product, shape, threads)));
                }
            }
            double[] peaks = peakRounds.stream().mapToDouble(Double::doubleValue).toArray();
            System.out.printf(Locale.ROOT, "GFLOP/s (2·rows·in·out per call), best and median of %d rounds of %.2f s."
                    + " Single-core FMA peak %.1f GFLOP/s: the best of %d rounds between the cases (median %.1f)%n",
                    ROUNDS, seconds / ROUNDS, best(peaks), peaks.length, median(peaks));
            System.out.printf(Locale.ROOT, "%-16s %-15s %7s %9s %12s %14s %10s%n",
                    "product", "rows×in×out", "threads", "scalar", "vector best", "vector median", "best/peak");
            lines.forEach(System.out::println);
        }

        private String row(Case c) {
            String scalar = "";
            // The scalar loops use one thread; at 1024³ they would take minutes.
            if (c.threads() == 1 && !c.shape().startsWith("1024")) {
                scalar = String.format(Locale.ROOT, "%9.1f", best(time(c.call(false), seconds / 2, c.flops())));
            }
            Workers.setThreads(c.threads());
            double[] vector = time(c.call(true), seconds, c.flops());
            Workers.setThreads(1);
            measurePeak(0.3);
            double peak = best(peakRounds.stream().mapToDouble(Double::doubleValue).toArray());
            return String.format(Locale.ROOT, "%-16s %-15s %7d %9s %12.1f %14.1f %9.0f%%", c.product(),
                    c.shape().replace('x', '×'), c.threads(), scalar, best(vector), median(vector),
                    100 * best(vector) / peak);
        }

        private void measurePeak(double seconds) {
            long iterations = 1 << 20;
            double flops = (double) iterations * VectorGemmPeak.flopsPerIteration();
            float[] sink = new float[1];
            for (double rate : time(() -> sink[0] += VectorGemmPeak.fmaLoop(iterations), seconds, flops)) {
                peakRounds.add(rate);
            }
        }

        /** GFLOP/s of each of {@link #ROUNDS} rounds of {@code seconds} in all. */
        private static double[] time(Runnable call, double seconds, double flops) {
            double[] rates = new double[ROUNDS];
            long roundNanos = (long) (seconds / ROUNDS * 1e9);
            for (int round = 0; round < ROUNDS; round++) {
                long start = System.nanoTime(), end = start + roundNanos, now;
                int calls = 0;
                do {
                    call.run();
                    calls++;
                    now = System.nanoTime();
                } while (now < end);
                rates[round] = flops * calls / (now - start);
            }
            return rates;
        }

        private static double best(double[] rates) {
            return Arrays.stream(rates).max().orElse(0);
        }

        private static double median(double[] rates) {
            double[] sorted = rates.clone();
            Arrays.sort(sorted);
            return sorted[sorted.length / 2];
        }
    }
}
