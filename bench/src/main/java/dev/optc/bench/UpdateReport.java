package dev.optc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link UpdateBenchmark} and turns JMH's JSON result into a Markdown table: for the kernel a trainer runs by
 * default, ns per parameter and GB/s (the bytes the rule must move per parameter, counted from its compiled arrays);
 * every variant's fraction of its memory-only twin's speed; the vector kernel's speed-up over the scalar one and the
 * default kernel's over the plain loop.
 * <pre>
 * UpdateReport --quick [JMH options]   every configuration in a few minutes: -f 1 -wi 2 -i 3 -w 300ms -r 300ms
 * UpdateReport --full [JMH options]    the settings of the benchmark's annotations
 * UpdateReport RESULT.json             the table of an earlier run
 * </pre>
 * A run writes the JSON to update-benchmark.json (or JMH's -rff) and the table next to it, with .md.
 */
public final class UpdateReport {
    private static final List<String> VARIANTS = List.of("default", "vector", "scalar", "plain", "twin");

    private UpdateReport() {
    }

    public static void main(String[] args) throws IOException, RunnerException {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            System.out.println("""
                    usage: UpdateReport --quick [JMH options]   every configuration, -f 1 -wi 2 -i 3 -w 300ms -r 300ms
                           UpdateReport --full [JMH options]    the benchmark's own settings (about 25 minutes)
                           UpdateReport [--best] RESULT.json    the Markdown table of an earlier JMH JSON result;
                                                                --best: each variant's fastest iteration, not the mean""");
            return;
        }
        Path json;
        boolean fastest = false;
        boolean ran = args[0].equals("--quick") || args[0].equals("--full");
        if (ran) {
            json = run(args[0].equals("--quick"), Arrays.copyOfRange(args, 1, args.length));
        } else {
            fastest = args[0].equals("--best");
            json = Path.of(args[fastest ? 1 : 0]);
        }
        String table = table(json, fastest);
        System.out.println();
        System.out.print(table);
        // Only a run writes the table next to its JSON: reading an earlier result (--best or not) leaves its files as they are.
        if (ran) {
            Path markdown = Path.of(json.toString().replaceFirst("\\.json$", "") + ".md");
            Files.writeString(markdown, table);
            System.out.println("\nJSON: " + json + "\nTable: " + markdown);
        }
    }

    /** Runs the benchmark, quick settings first unless the JMH options say otherwise; returns the JSON file. */
    static Path run(boolean quick, String[] jmhArgs) throws RunnerException {
        CommandLineOptions cli;
        try {
            cli = new CommandLineOptions(jmhArgs);
        } catch (CommandLineOptionException e) {
            throw new IllegalArgumentException("JMH options: " + e.getMessage(), e);
        }
        ChainedOptionsBuilder options = new OptionsBuilder().parent(cli);
        if (cli.getIncludes().isEmpty()) options.include(UpdateBenchmark.class.getName() + "\\.");
        if (quick) {
            if (!cli.getForkCount().hasValue()) options.forks(1);
            if (!cli.getWarmupIterations().hasValue()) options.warmupIterations(2);
            if (!cli.getMeasurementIterations().hasValue()) options.measurementIterations(3);
            if (!cli.getWarmupTime().hasValue()) options.warmupTime(TimeValue.milliseconds(300));
            if (!cli.getMeasurementTime().hasValue()) options.measurementTime(TimeValue.milliseconds(300));
        }
        String result = cli.getResult().orElse("update-benchmark.json");
        options.result(result).resultFormat(ResultFormatType.JSON);
        new Runner(options.build()).run();
        return Path.of(result);
    }

    record Measurement(String rule, int parameters, int threads, String variant, double microseconds, double error) {
        double nanoseconds() { return microseconds * 1e3; }
    }

    /** Each run's mean time per call (JMH's score), or with {@code fastest} its fastest iteration. */
    @SuppressWarnings("unchecked")
    static List<Measurement> read(Path json, boolean fastest) throws IOException {
        List<Measurement> measurements = new ArrayList<>();
        for (Object entry : (List<Object>) JsonReader.parse(Files.readString(json))) {
            Map<String, Object> run = (Map<String, Object>) entry;
            if (!String.valueOf(run.get("benchmark")).startsWith(UpdateBenchmark.class.getName() + ".")) continue;
            Map<String, Object> params = (Map<String, Object>) run.get("params");
            Map<String, Object> metric = (Map<String, Object>) run.get("primaryMetric");
            double toMicros = microsecondsPer((String) metric.get("scoreUnit"));
            double score = fastest ? JsonReader.number(((Map<String, Object>) metric.get("scorePercentiles")).get("0.0"))
                    : JsonReader.number(metric.get("score"));
            measurements.add(new Measurement((String) params.get("rule"), Integer.parseInt((String) params.get("parameters")),
                    Integer.parseInt((String) params.get("threads")), (String) params.get("variant"),
                    score * toMicros, JsonReader.number(metric.get("scoreError")) * toMicros));
        }
        return measurements;
    }

    private static double microsecondsPer(String unit) {
        return switch (unit) {
            case "ns/op" -> 1e-3;
            case "us/op" -> 1;
            case "ms/op" -> 1e3;
            case "s/op" -> 1e6;
            default -> throw new IllegalArgumentException("expected a time per call (-bm avgt), not " + unit);
        };
    }

    @SuppressWarnings("unchecked")
    static String table(Path json, boolean fastest) throws IOException {
        List<Measurement> all = read(json, fastest);
        if (all.isEmpty()) throw new IllegalArgumentException(json + " holds no UpdateBenchmark result");
        Map<String, Measurement> byKey = new HashMap<>();
        Set<String> rules = new LinkedHashSet<>();
        Set<Integer> sizes = new TreeSet<>();
        Set<Integer> threadCounts = new TreeSet<>();
        for (Measurement m : all) {
            byKey.put(key(m.rule(), m.parameters(), m.threads(), m.variant()), m);
            rules.add(m.rule());
            sizes.add(m.parameters());
            threadCounts.add(m.threads());
        }
        Map<String, Object> first = (Map<String, Object>) ((List<Object>) JsonReader.parse(Files.readString(json))).get(0);
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "JMH %s, JDK %s (%s), %s fork(s), warm-up %s × %s, measurement %s × %s.%n%n",
                first.get("jmhVersion"), first.get("jdkVersion"), first.get("vmName"), whole(first.get("forks")),
                whole(first.get("warmupIterations")), first.get("warmupTime"), whole(first.get("measurementIterations")),
                first.get("measurementTime")));
        out.append(fastest ? "Each figure is the variant's fastest measurement iteration (--best; with -bm sample, its fastest "
                + "sampled call), not JMH's mean.\n\n"
                : "Each figure is JMH's score: the mean over the measurement iterations.\n\n");
        out.append("\"default\" is the kernel a trainer runs by default (Backend.forKernel): the scalar kernel where C2 "
                + "vectorizes its loop itself, the Vector API kernel otherwise, measured as a variant of its own (so it "
                + "repeats the measurement of the scalar or the vector variant: the difference is the run's noise). GB/s counts "
                + "the bytes the rule must move (4 × (arrays read + arrays written) per parameter) over the time per call. "
                + "\"of twin\" is the twin's time over the variant's (1.00 = at the memory limit); vector/scalar and "
                + "default/plain are speed-ups (the other's time over the first's).\n\n");
        out.append("| rule | B/param | params | threads | default | default µs/call | default ns/param | GB/s default "
                + "| GB/s twin | default of twin | vector of twin | scalar of twin | plain of twin | vector/scalar | default/plain |\n");
        out.append("|---|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        List<String> slowerThanPlain = new ArrayList<>();
        List<String> vectorSlowerThanPlain = new ArrayList<>();
        List<String> underNinetyPercent = new ArrayList<>();
        StringBuilder times = new StringBuilder();
        times.append("| rule | params | threads | default µs | vector µs | scalar µs | plain µs | twin µs |\n"
                + "|---|--:|--:|--:|--:|--:|--:|--:|\n");
        for (String rule : rules) {
            CompiledRule compiled = CompiledRule.compile(rule, 16);
            int bytes = compiled.bytesPerParameter();
            String chosen = compiled.defaultBackend().name().toLowerCase(Locale.ROOT);
            for (int size : sizes) {
                for (int threads : threadCounts) {
                    Map<String, Measurement> row = new HashMap<>();
                    for (String v : VARIANTS) {
                        Measurement m = byKey.get(key(rule, size, threads, v));
                        if (m != null) row.put(v, m);
                    }
                    if (row.isEmpty()) continue;
                    Measurement standard = row.get("default");
                    out.append(String.format(Locale.ROOT, "| %s | %d (%dr+%dw) | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                            rule, bytes, compiled.arraysRead(), compiled.arraysWritten(), size(size), threads, chosen,
                            cell(standard, m -> fixed(m.microseconds())),
                            cell(standard, m -> fixed(m.nanoseconds() / size)),
                            gbs(standard, bytes, size), gbs(row.get("twin"), bytes, size),
                            ratio(row.get("twin"), standard), ratio(row.get("twin"), row.get("vector")),
                            ratio(row.get("twin"), row.get("scalar")), ratio(row.get("twin"), row.get("plain")),
                            ratio(row.get("scalar"), row.get("vector")), ratio(row.get("plain"), standard)));
                    times.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s | %s |%n", rule, size(size), threads,
                            timeCell(standard), timeCell(row.get("vector")), timeCell(row.get("scalar")), timeCell(row.get("plain")),
                            timeCell(row.get("twin"))));
                    String at = rule + " " + size(size) + " × " + threads;
                    if (slower(standard, row.get("plain"))) slowerThanPlain.add(at);
                    if (slower(row.get("vector"), row.get("plain"))) vectorSlowerThanPlain.add(at);
                    if (size >= 1 << 24 && standard != null && row.containsKey("twin")
                            && row.get("twin").microseconds() < 0.9 * standard.microseconds()) {
                        underNinetyPercent.add(at);
                    }
                }
            }
        }
        out.append("\nThe default kernel is slower than the plain loop in: ")
                .append(slowerThanPlain.isEmpty() ? "none" : String.join(", ", slowerThanPlain)).append(".\n");
        out.append("At 16M, the default kernel is below 0.90 of its twin in: ")
                .append(underNinetyPercent.isEmpty() ? "none" : String.join(", ", underNinetyPercent)).append(".\n");
        out.append("The Vector API kernel (whether default or not) is slower than the plain loop in: ")
                .append(vectorSlowerThanPlain.isEmpty() ? "none" : String.join(", ", vectorSlowerThanPlain)).append(".\n");
        out.append(fastest ? "\nTime per call, µs (fastest iteration; ± is still the mean's 99.9% interval):\n\n"
                : "\nTime per call, µs (± JMH's 99.9% interval):\n\n").append(times);
        return out.toString();
    }

    private static boolean slower(Measurement variant, Measurement plain) {
        return variant != null && plain != null && variant.microseconds() > plain.microseconds();
    }

    /** A count as JMH wrote it (a JSON number), without ".0". */
    private static String whole(Object count) {
        return count instanceof Double d && d == Math.rint(d) ? Long.toString(d.longValue()) : String.valueOf(count);
    }

    private static String key(String rule, int size, int threads, String variant) {
        return rule + "/" + size + "/" + threads + "/" + variant;
    }

    static String size(int n) {
        if (n % (1 << 20) == 0) return (n >> 20) + "M";
        if (n % (1 << 10) == 0) return (n >> 10) + "K";
        return Integer.toString(n);
    }

    private static String cell(Measurement m, java.util.function.Function<Measurement, String> format) {
        return m == null ? "–" : format.apply(m);
    }

    private static String gbs(Measurement m, int bytes, int size) {
        return cell(m, x -> String.format(Locale.ROOT, "%.1f", (double) bytes * size / x.nanoseconds()));
    }

    /** numerator's time over denominator's time. */
    private static String ratio(Measurement numerator, Measurement denominator) {
        if (numerator == null || denominator == null) return "–";
        return String.format(Locale.ROOT, "%.2f", numerator.microseconds() / denominator.microseconds());
    }

    private static String timeCell(Measurement m) {
        return cell(m, x -> fixed(x.microseconds()) + " ± " + (Double.isNaN(x.error()) ? "?" : fixed(x.error())));
    }

    /** Three significant digits, without exponents. */
    private static String fixed(double value) {
        if (value == 0 || Double.isNaN(value)) return String.valueOf(value);
        int decimals = Math.max(0, 2 - (int) Math.floor(Math.log10(Math.abs(value))));
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
