package dev.optc.bench;

import dev.optc.runtime.kernels.FusedUpdate;
import dev.optc.runtime.kernels.UpdateRunner;
import dev.optc.runtime.parallel.Workers;
import dev.optc.runtime.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The default kernel, the plain loop and the memory-only twin of each rule, measured in turn on the same arrays in
 * one JVM, and compared pair by pair: each round times one sample of each variant back to back, and the report
 * gives the median over rounds of the ratio within a round, with its quartiles.
 *
 * <p>Why, next to {@link UpdateBenchmark}: on this virtual machine the memory bandwidth a JVM gets drifts by ±30% over
 * seconds even when the machine is idle (other guests share the host's memory), and JMH times each variant in a fork
 * of its own, minutes apart, so at 16M parameters the intervals of its means are as wide as the differences asked
 * about. Within a round the variants are milliseconds apart and see the same bandwidth, and they share the arrays,
 * so they also share where those lie relative to cache lines and pages. A ratio's quartiles say how much of the
 * drift is left.
 * <pre>
 * java --add-modules jdk.incubator.vector -XX:+UseTransparentHugePages -cp bench/target/benchmarks.jar dev.optc.bench.PairedUpdates
 *      [--rules sgd,adam] [--sizes 16384,1048576,16777216] [--threads 1,2] [--rounds 60] [--json paired-updates.json]
 *      [--best-of-means]
 * </pre>
 * With {@code --json} the rows are also written as JSON (µs per call, medians), which bench/peers/optimizers.py
 * reads in place of a JMH result. {@code --best-of-means} also times the default kernel the way optimizers.py times
 * PyTorch, the best of 5 means over half a second of calls, and writes that figure to the JSON, where
 * optimizers.py takes it instead of the median: the same estimator on both sides.
 */
public final class PairedUpdates {
    private static final List<String> VARIANTS = List.of("default", "plain", "twin");
    /** Each sample repeats the call until it has taken about this long, so that a 1 µs call is not timed alone. */
    private static final long SAMPLE_NANOS = 2_000_000;

    private PairedUpdates() {
    }

    public static void main(String[] args) throws IOException {
        List<String> rules = List.of("sgd", "momentum", "adagrad", "rmsprop", "adam", "delta_bar_delta");
        int[] sizes = {16384, 1 << 20, 1 << 24};
        int[] threads = {1, 2};
        int rounds = 60;
        Path json = null;
        boolean bestOfMeans = false;
        for (int a = 0; a < args.length; a += 2) {
            if (args[a].equals("--best-of-means")) {
                bestOfMeans = true;
                a--;
                continue;
            }
            if (a + 1 == args.length) throw new IllegalArgumentException(args[a] + " needs a value");
            switch (args[a]) {
                case "--rules" -> rules = List.of(args[a + 1].split(","));
                case "--sizes" -> sizes = Arrays.stream(args[a + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--threads" -> threads = Arrays.stream(args[a + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--rounds" -> rounds = Integer.parseInt(args[a + 1]);
                case "--json" -> json = Path.of(args[a + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[a]);
            }
        }
        System.out.printf(Locale.ROOT, "JDK %s; %d rounds per row; each sample ≥ %d ms of calls; medians over rounds, [quartiles]%n%n",
                Runtime.version(), rounds, SAMPLE_NANOS / 1_000_000);
        System.out.println("| rule | params | threads | default | default µs | plain µs | twin µs | default/plain | default of twin |");
        System.out.println("|---|--:|--:|---|--:|--:|--:|--:|--:|");
        List<Row> rows = new ArrayList<>();
        for (String rule : rules) {
            for (int n : sizes) {
                for (int t : threads) {
                    Row row = row(rule, n, t, rounds, bestOfMeans);
                    rows.add(row);
                    System.out.println(row.markdown());
                }
            }
        }
        System.out.println();
        System.out.println("default/plain: the plain loop's time over the default kernel's in the same round (above 1: the default is faster);");
        System.out.println("default of twin: the twin's time over the default kernel's (1.00: at the memory limit).");
        if (json != null) {
            List<Object> list = new ArrayList<>();
            for (Row r : rows) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("rule", r.rule());
                o.put("parameters", (long) r.parameters());
                o.put("threads", (long) r.threads());
                o.put("backend", r.backend());
                o.put("default_us", r.medians()[0]);
                o.put("plain_us", r.medians()[1]);
                o.put("twin_us", r.medians()[2]);
                if (!Double.isNaN(r.bestOfMeans())) o.put("default_best_of_means_us", r.bestOfMeans());
                list.add(o);
            }
            Files.writeString(json, Json.write(list) + "\n");
            System.out.println("JSON: " + json);
        }
    }

    /** One rule, size and thread count: the medians of each variant's time per call, and the ratios' quartiles. */
    private record Row(String rule, int parameters, int threads, String backend, double[] medians, String overPlain, String ofTwin,
                       double bestOfMeans) {
        String markdown() {
            return String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s | %s | %s |", rule, UpdateReport.size(parameters),
                    threads, backend, micro(medians[0]), micro(medians[1]), micro(medians[2]), overPlain, ofTwin)
                    + (Double.isNaN(bestOfMeans) ? "" : " best of means: " + micro(bestOfMeans) + " µs");
        }
    }

    private static Row row(String rule, int n, int threads, int rounds, boolean bestOfMeans) {
        CompiledRule compiled = CompiledRule.compile(rule, n);
        InterpreterCheck.verify(compiled, "default");
        Workers.setThreads(threads);
        SplittableRandom random = new SplittableRandom(42);
        float[] theta = UpdateBenchmark.uniform(random, n);
        float[] grads = UpdateBenchmark.uniform(random, n);
        float[][] states = compiled.newStates(theta);
        FusedUpdate kernel = compiled.recipe().newUpdateKernel(compiled.trainerBackend());
        float[] scalars = compiled.scalars(UpdateBenchmark.STEP);
        Workers.RangeTask plain = PlainLoops.of(compiled, theta, grads, states, UpdateBenchmark.STEP);
        Workers.RangeTask twin = MemoryTwins.of(compiled, theta, grads, states);
        Runnable[] variants = {
                () -> UpdateRunner.update(kernel, theta, grads, null, states, scalars),
                () -> Workers.forRange(n, plain),
                () -> Workers.forRange(n, twin)};

        // Warm-up: every variant compiled and run for a second before timing, then the calls per sample fixed.
        int[] calls = new int[variants.length];
        for (int v = 0; v < variants.length; v++) {
            long start = System.nanoTime();
            int made = 0;
            while (System.nanoTime() - start < 1_000_000_000L) {
                variants[v].run();
                made++;
            }
            double perCall = 1e9 / made;
            calls[v] = (int) Math.max(1, Math.ceil(SAMPLE_NANOS / perCall));
        }
        double[][] micros = new double[variants.length][rounds];
        for (int r = 0; r < rounds; r++) {
            // Rotate the order, so no variant always runs right after another's memory traffic.
            for (int k = 0; k < variants.length; k++) {
                int v = (r + k) % variants.length;
                long start = System.nanoTime();
                for (int c = 0; c < calls[v]; c++) variants[v].run();
                micros[v][r] = (System.nanoTime() - start) / 1e3 / calls[v];
            }
        }
        double[] overPlain = new double[rounds];
        double[] ofTwin = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            overPlain[r] = micros[1][r] / micros[0][r];
            ofTwin[r] = micros[2][r] / micros[0][r];
        }
        return new Row(rule, n, threads, compiled.trainerBackend().name().toLowerCase(Locale.ROOT),
                new double[] {median(micros[0]), median(micros[1]), median(micros[2])}, quartiles(overPlain), quartiles(ofTwin),
                bestOfMeans ? bestOfMeans(variants[0]) : Double.NaN);
    }

    /** optimizers.py's estimator for PyTorch: the best of 5 means, each over about half a second of calls, in µs. */
    private static double bestOfMeans(Runnable call) {
        double best = Double.MAX_VALUE;
        for (int repeat = 0; repeat < 5; repeat++) {
            long start = System.nanoTime();
            int calls = 0;
            do {
                call.run();
                calls++;
            } while (System.nanoTime() - start < 500_000_000L);
            best = Math.min(best, (System.nanoTime() - start) / 1e3 / calls);
        }
        return best;
    }

    private static String quartiles(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%.2f [%.2f, %.2f]", quantile(sorted, 0.5), quantile(sorted, 0.25), quantile(sorted, 0.75));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return quantile(sorted, 0.5);
    }

    private static double quantile(double[] sorted, double q) {
        double at = q * (sorted.length - 1);
        int low = (int) Math.floor(at);
        int high = Math.min(sorted.length - 1, low + 1);
        return sorted[low] + (at - low) * (sorted[high] - sorted[low]);
    }

    private static String micro(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : value >= 10 ? String.format(Locale.ROOT, "%.1f", value)
                : String.format(Locale.ROOT, "%.3f", value);
    }
}
