package dev.optc.benchmark;

import dev.optc.api.CompilationFailed;
import dev.optc.api.CompiledRecipe;
import dev.optc.api.Optc;
import dev.optc.check.CheckedRecipe;
import dev.optc.ir.ParameterSlice;
import dev.optc.ir.TensorOp;
import dev.optc.ir.TensorProgram;
import dev.optc.runtime.data.Dataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A recipe as its benchmarks see it: the compiled recipe, the rows an epoch trains on, the batch, its dense and
 * batch-norm layers and the parameters of each optimizer group. Made once by {@link RecipeBench} and found again by
 * the JMH states through {@link #find}: in this JVM from a registry, in a forked JVM by compiling the file again
 * (the same file and data give the same subject).
 */
public final class BenchSubject {
    /** Rows of random data when the recipe's data cannot be found. */
    static final int RANDOM_ROWS = 2048;
    private static final Map<String, BenchSubject> REGISTRY = new ConcurrentHashMap<>();

    private final CompiledRecipe compiled;
    private final Dataset train;
    private final String dataName;
    private final boolean randomData;

    /** A dense layer: y[rows, out] = x[rows, in]·Wᵀ; {@code inputGradient}: training computes dY·W too. */
    public record DenseLayer(String name, int in, int out, boolean inputGradient) {
    }

    /** A batch-norm layer over [rows, width]. */
    public record BatchNormLayer(String name, int width) {
    }

    private BenchSubject(CompiledRecipe compiled, Dataset train, String dataName, boolean randomData) {
        this.compiled = compiled;
        this.train = train;
        this.dataName = dataName;
        this.randomData = randomData;
    }

    /**
     * The subject of a compiled model recipe: its training rows from {@code data} when given, else from the recipe's
     * data (relative to its file), else random rows of the model's shape.
     */
    static BenchSubject of(CompiledRecipe compiled, Path data) {
        CheckedRecipe recipe = compiled.recipe();
        Path base = compiled.sourcePath() == null ? Path.of("") : compiled.sourcePath().toAbsolutePath().getParent();
        if (data == null && recipe.data() != null) {
            Path written = dev.optc.runtime.data.DataSource.resolve(base, recipe.data().source().path());
            if (Files.exists(written)) data = written;
        }
        if (data == null || recipe.data() == null) {
            return new BenchSubject(compiled, random(compiled), "random (" + RANDOM_ROWS + " rows)", true);
        }
        Dataset all = recipe.data().source().load(base, data);
        int validation = recipe.data().source().validationRows(all.rows());
        Dataset train = validation > 0 && validation < all.rows() ? all.split(validation, recipe.seed()).train() : all;
        return new BenchSubject(compiled, train, data.toString(), false);
    }

    /** Registers a subject for the benchmarks of this JVM; returns its key. */
    static String register(BenchSubject subject) {
        String key = Integer.toHexString(System.identityHashCode(subject)) + "-" + System.nanoTime();
        REGISTRY.put(key, subject);
        return key;
    }

    static void unregister(String key) {
        REGISTRY.remove(key);
    }

    /**
     * The subject a benchmark's parameters name: the registered one, or (in a forked JVM) the recipe compiled again
     * from {@code source} with the data at {@code data} ("random" for random rows).
     */
    static BenchSubject find(String key, String source, String recipe, String data) {
        BenchSubject known = REGISTRY.get(key);
        if (known != null) return known;
        if (source.isEmpty()) throw new IllegalStateException("recipe " + recipe + " was compiled from text: a forked JVM cannot find it; use forks = 0");
        return REGISTRY.computeIfAbsent(key, k -> {
            try {
                CompiledRecipe compiled = Optc.compile(Path.of(source)).recipe(recipe);
                return data.equals("random") ? new BenchSubject(compiled, random(compiled), "random (" + RANDOM_ROWS + " rows)", true)
                        : of(compiled, Path.of(data));
            } catch (IOException | CompilationFailed e) {
                throw new IllegalStateException("cannot compile " + source + " again in the benchmark's JVM: " + e.getMessage(), e);
            }
        });
    }

    /** Uniform features in [0, 1) and uniform labels over the model's outputs, seeded by the recipe. */
    private static Dataset random(CompiledRecipe compiled) {
        TensorProgram program = compiled.program();
        int width = program.input().width();
        int classes = program.output().width();
        SplittableRandom random = new SplittableRandom(compiled.recipe().seed());
        float[] features = new float[RANDOM_ROWS * width];
        for (int i = 0; i < features.length; i++) features[i] = (float) random.nextDouble();
        int[] labels = new int[RANDOM_ROWS];
        for (int i = 0; i < labels.length; i++) labels[i] = random.nextInt(classes);
        return new Dataset("random", features, labels, RANDOM_ROWS, width, classes);
    }

    public CompiledRecipe compiled() { return compiled; }

    public Dataset train() { return train; }

    /** The data file an epoch is timed on, or a description of the random rows. */
    public String dataName() { return dataName; }

    public boolean randomData() { return randomData; }

    /** Rows per batch: the recipe's batch, or every training row for {@code batch = full}. */
    public int batchRows() {
        int batch = compiled.recipe().batch();
        return batch == 0 ? train.rows() : Math.min(batch, train.rows());
    }

    /** Rows one epoch trains on ({@code drop_last} leaves the last partial batch out). */
    public int epochRows() {
        int batch = batchRows();
        return compiled.recipe().dropLast() ? train.rows() / batch * batch : train.rows();
    }

    public List<DenseLayer> denseLayers() {
        TensorProgram program = compiled.program();
        List<DenseLayer> layers = new ArrayList<>();
        for (TensorOp op : program.forward()) {
            if (op instanceof TensorOp.Linear l) {
                boolean inputGradient = program.backward().stream()
                        .anyMatch(b -> b instanceof TensorOp.LinearGradInput g && g.weight().name().equals(l.weight().name()));
                layers.add(new DenseLayer(layer(l.weight()), l.x().width(), l.y().width(), inputGradient));
            }
        }
        return layers;
    }

    public List<BatchNormLayer> batchNormLayers() {
        List<BatchNormLayer> layers = new ArrayList<>();
        for (TensorOp op : compiled.program().forward()) {
            if (op instanceof TensorOp.BatchNorm b) layers.add(new BatchNormLayer(layer(b.gamma()), b.x().width()));
        }
        return layers;
    }

    /** Parameters optimizer group {@code group} updates: all of them with one optimizer, else its layers' tensors. */
    public int groupParameters(int group) {
        CheckedRecipe recipe = compiled.recipe();
        if (compiled.updateKernels().size() == 1) return compiled.program().parameterCount();
        List<String> layers = recipe.optimizerGroups().get(group).layers();
        return compiled.program().parameters().stream()
                .filter(p -> layers.stream().anyMatch(l -> p.name().startsWith(l + ".")))
                .mapToInt(ParameterSlice::size).sum();
    }

    /** The name of an optimizer group (its first layer), or null with one optimizer. */
    public String groupName(int group) {
        return compiled.updateKernels().size() == 1 ? null : compiled.recipe().optimizerGroups().get(group).name();
    }

    /** `h1.weight` → `h1`. */
    private static String layer(ParameterSlice p) {
        int dot = p.name().lastIndexOf('.');
        return dot < 0 ? p.name() : p.name().substring(0, dot);
    }
}
