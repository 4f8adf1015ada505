package dev.optc.benchmark;

import dev.optc.api.CompiledRecipe;
import dev.optc.ir.UpdateKernel;
import dev.optc.runtime.kernels.Backend;
import dev.optc.runtime.parallel.Workers;
import dev.optc.runtime.vector.VectorSupport;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.util.Version;

/**
 * Runs the benchmarks of one recipe with JMH's runner API and gathers a {@link BenchReport}: the fused update
 * against its twin, the FMA peak, each dense layer's products, the batch-norm kernels, one epoch.
 *
 * <p>Quick runs stay in this JVM (JMH forks disabled): a few hundred milliseconds per benchmark. Full runs fork a JVM
 * per benchmark, as JMH intends, when this JVM's class path holds optc (the CLI jar, a test or an application run from
 * its class path) and the recipe came from a file the fork can compile again; otherwise they too run here.
 */
public final class RecipeBench {
    private final CompiledRecipe compiled;
    private final BenchOptions options;
    private final Consumer<String> progress;
    private final BenchSubject subject;
    private final int forks;
    private final int warmups, measurements;
    private final long warmupMillis, measurementMillis;

    private RecipeBench(CompiledRecipe compiled, BenchOptions options, Consumer<String> progress) {
        if (compiled.minimizesObjective()) {
            throw new IllegalArgumentException("recipe " + compiled.name() + " minimizes an objective; optc bench measures model recipes");
        }
        this.compiled = compiled;
        this.options = options;
        this.progress = progress;
        this.subject = BenchSubject.of(compiled, options.data());
        this.forks = options.forks() != null ? options.forks() : options.quick() || !canFork() ? 0 : 1;
        this.warmups = options.quick() ? 2 : 3;
        this.warmupMillis = options.quick() ? 150 : 500;
        this.measurements = options.quick() ? 3 : 5;
        this.measurementMillis = options.quick() ? 150 : 500;
    }

    /** Measures the recipe; {@code progress} is told what is being measured. */
    public static BenchReport run(CompiledRecipe compiled, BenchOptions options, Consumer<String> progress) {
        return new RecipeBench(compiled, options, progress).run();
    }

    public static BenchReport run(CompiledRecipe compiled, BenchOptions options) {
        return run(compiled, options, message -> { });
    }

    private BenchReport run() {
        int threadsBefore = Workers.threads();
        String key = BenchSubject.register(subject);
        try {
            List<BenchReport.UpdateStep> updates = updates(key);
            BenchReport.FmaPeak peak = peak();
            List<BenchReport.DenseProduct> products = products(key);
            List<BenchReport.BatchNorm> batchNorms = batchNorms(key);
            BenchReport.Epoch epoch = epoch(key);
            String source = compiled.sourcePath() == null ? compiled.program().sourceName() : compiled.sourcePath().toString();
            BenchReport.Setup setup = new BenchReport.Setup(compiled.name(), source, Runtime.version().toString(),
                    Version.getPlainVersion(), Backend.selected().name().toLowerCase(java.util.Locale.ROOT), options.threads(),
                    options.quick(), forks, warmups, warmupMillis, measurements, measurementMillis);
            return new BenchReport(setup, updates, peak, products, batchNorms, epoch);
        } finally {
            BenchSubject.unregister(key);
            Workers.setThreads(threadsBefore);
        }
    }

    private List<BenchReport.UpdateStep> updates(String key) {
        boolean vector = Backend.vectorUnavailableReason() == null;
        List<BenchReport.UpdateStep> steps = new ArrayList<>();
        List<UpdateKernel> kernels = compiled.updateKernels();
        String[] groups = IntStream.range(0, kernels.size()).mapToObj(String::valueOf).toArray(String[]::new);
        String[] variants = vector ? new String[] {"vector", "scalar", "twin"} : new String[] {"scalar", "twin"};
        progress.accept("the fused update: " + variants.length * groups.length + " benchmarks");
        Collection<RunResult> results = jmh(UpdateStepBenchmark.class, key, "group", groups, "variant", variants);
        for (int g = 0; g < kernels.size(); g++) {
            UpdateKernel k = kernels.get(g);
            int n = subject.groupParameters(g);
            int read = 2 + k.statesRead().size(), written = 1 + k.statesWritten().size();
            long bytes = (long) Float.BYTES * (read + written) * n;
            String group = String.valueOf(g);
            BenchReport.Timing vectorTiming = vector
                    ? new BenchReport.Timing(score(results, "group", group, "variant", "vector"), n, bytes) : null;
            steps.add(new BenchReport.UpdateStep(k.rule(), subject.groupName(g), n, read, written, k.lookahead() != null,
                    vectorTiming, new BenchReport.Timing(score(results, "group", group, "variant", "scalar"), n, bytes),
                    new BenchReport.Timing(score(results, "group", group, "variant", "twin"), n, bytes)));
        }
        return steps;
    }

    private BenchReport.FmaPeak peak() {
        progress.accept("the FMA peak: 1 benchmark");
        Collection<RunResult> results = run(base(FmaPeakBenchmark.class));
        boolean vector = Backend.vectorUnavailableReason() == null;
        return new BenchReport.FmaPeak(vector ? "vector" : "scalar", vector ? VectorSupport.preferredBits() / Float.SIZE : 1,
                results.iterator().next().getPrimaryResult().getScore(), FmaPeakBenchmark.flopsPerCall(), options.threads());
    }

    private List<BenchReport.DenseProduct> products(String key) {
        List<BenchSubject.DenseLayer> layers = subject.denseLayers();
        List<BenchReport.DenseProduct> products = new ArrayList<>();
        if (layers.isEmpty()) return products;
        String[] indices = IntStream.range(0, layers.size()).mapToObj(String::valueOf).toArray(String[]::new);
        String[] kinds = {"forward", "backwardInput", "backwardWeights"};
        progress.accept("the dense layers' products: " + indices.length * kinds.length + " benchmarks");
        Collection<RunResult> results = jmh(DenseProductBenchmark.class, key, "layer", indices, "product", kinds);
        int rows = subject.batchRows();
        for (int l = 0; l < layers.size(); l++) {
            BenchSubject.DenseLayer d = layers.get(l);
            for (String kind : kinds) {
                products.add(new BenchReport.DenseProduct(d.name(), kind, rows, d.in(), d.out(),
                        !kind.equals("backwardInput") || d.inputGradient(), score(results, "layer", indices[l], "product", kind)));
            }
        }
        return products;
    }

    private List<BenchReport.BatchNorm> batchNorms(String key) {
        List<BenchSubject.BatchNormLayer> layers = subject.batchNormLayers();
        List<BenchReport.BatchNorm> out = new ArrayList<>();
        if (layers.isEmpty()) return out;
        String[] indices = IntStream.range(0, layers.size()).mapToObj(String::valueOf).toArray(String[]::new);
        progress.accept("the batch-norm kernels: " + indices.length + " benchmarks");
        Collection<RunResult> results = jmh(BatchNormBenchmark.class, key, "layer", indices, null, null);
        for (int l = 0; l < layers.size(); l++) {
            out.add(new BenchReport.BatchNorm(layers.get(l).name(), subject.batchRows(), layers.get(l).width(),
                    score(results, "layer", indices[l], null, null)));
        }
        return out;
    }

    private BenchReport.Epoch epoch(String key) {
        progress.accept("a training epoch on " + subject.dataName() + ": 1 benchmark");
        Collection<RunResult> results = jmh(EpochBenchmark.class, key, null, null, null, null);
        return new BenchReport.Epoch(subject.dataName(), subject.randomData(), subject.epochRows(), subject.batchRows(),
                results.iterator().next().getPrimaryResult().getScore());
    }

    // ---- JMH ----

    private Collection<RunResult> jmh(Class<?> benchmark, String key, String param1, String[] values1, String param2,
                                      String[] values2) {
        ChainedOptionsBuilder builder = base(benchmark)
                .param("key", key)
                .param("source", compiled.sourcePath() == null ? "" : compiled.sourcePath().toAbsolutePath().toString())
                .param("recipe", compiled.name())
                .param("data", subject.randomData() ? "random" : java.nio.file.Path.of(subject.dataName()).toAbsolutePath().toString())
                .param("threads", String.valueOf(options.threads()))
                .param("compileSeconds", options.quick() ? "2" : "5");
        if (param1 != null) builder.param(param1, values1);
        if (param2 != null) builder.param(param2, values2);
        return run(builder);
    }

    private ChainedOptionsBuilder base(Class<?> benchmark) {
        ChainedOptionsBuilder builder = new OptionsBuilder()
                .include("^" + Pattern.quote(benchmark.getName()) + "\\.")
                .mode(Mode.AverageTime)
                .timeUnit(TimeUnit.NANOSECONDS)
                .warmupIterations(warmups)
                .warmupTime(TimeValue.milliseconds(warmupMillis))
                .measurementIterations(measurements)
                .measurementTime(TimeValue.milliseconds(measurementMillis))
                .threads(1)
                .forks(forks)
                .shouldFailOnError(true);
        if (forks > 0) builder.jvmArgs(forkArguments());
        return builder;
    }

    private static Collection<RunResult> run(ChainedOptionsBuilder builder) {
        // JMH refuses to start while another JMH run holds its lock file in the temporary directory; on a machine
        // shared by several users' runs that is normal, and each run's figures say what they are.
        if (System.getProperty("jmh.ignoreLock") == null) System.setProperty("jmh.ignoreLock", "true");
        try {
            PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
            return new Runner(builder.build(), OutputFormatFactory.createFormatInstance(discard, VerboseMode.SILENT)).run();
        } catch (RunnerException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("a benchmark failed: " + cause.getMessage(), e);
        }
    }

    /** The score of the run with these parameter values. */
    private static double score(Collection<RunResult> results, String param1, String value1, String param2, String value2) {
        for (RunResult r : results) {
            var params = r.getParams();
            if (param1 != null && !value1.equals(params.getParam(param1))) continue;
            if (param2 != null && !value2.equals(params.getParam(param2))) continue;
            return r.getPrimaryResult().getScore();
        }
        throw new IllegalStateException("JMH returned no result for " + param1 + "=" + value1 + ", " + param2 + "=" + value2);
    }

    /** A forked JVM gets this one's options (the Vector API module, the heap, -Doptc.kernels), its class path from JMH. */
    private static String[] forkArguments() {
        List<String> args = new ArrayList<>();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-agentlib") || a.startsWith("-javaagent") || a.startsWith("-Doptc.threads")) continue;
            args.add(a);
        }
        return args.toArray(String[]::new);
    }

    /** Whether a JVM started with this one's class path finds optc, i.e. optc was loaded from the class path. */
    private boolean canFork() {
        return compiled.sourcePath() != null && RecipeBench.class.getClassLoader() == ClassLoader.getSystemClassLoader();
    }
}
