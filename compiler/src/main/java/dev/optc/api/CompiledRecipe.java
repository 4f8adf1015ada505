package dev.optc.api;

import dev.optc.check.CheckedRecipe;
import dev.optc.codegen.GeneratedClass;
import dev.optc.codegen.TrainerClassGenerator;
import dev.optc.codegen.GeneratedClassLoader;
import dev.optc.ir.ObjectiveProgram;
import dev.optc.ir.TensorProgram;
import dev.optc.ir.UpdateKernel;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.kernels.Backend;
import dev.optc.runtime.kernels.FusedUpdate;
import dev.optc.runtime.train.CompiledObjective;
import dev.optc.runtime.Trainer;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import dev.optc.benchmark.BenchOptions;
import dev.optc.benchmark.BenchReport;
import dev.optc.benchmark.RecipeBench;
import java.nio.file.Path;
import java.util.List;

/**
 * One recipe compiled to a trainer class, defined in memory. Create as many trainers from it as needed; each is
 * independent.
 */
public final class CompiledRecipe {
    private final CheckedRecipe recipe;
    private final TensorProgram program;
    private final ObjectiveProgram objective;
    private final List<UpdateKernel> kernels;
    private final List<GeneratedClass> generated;
    private CompiledStages stages;
    private final Path source;
    private Constructor<?> constructor;
    private GeneratedClassLoader loader;

    /**
     * {@code generated.get(0)} is the trainer; the others are classes it uses (its kernels). {@code kernels}: one per
     * optimizer group; {@code source}: the file it was compiled from, or null for source text.
     */
    CompiledRecipe(CheckedRecipe recipe, TensorProgram program, ObjectiveProgram objective, List<UpdateKernel> kernels,
                   List<GeneratedClass> generated, Path source) {
        this.recipe = recipe;
        this.program = program;
        this.objective = objective;
        this.kernels = List.copyOf(kernels);
        this.generated = List.copyOf(generated);
        this.source = source;
    }

    public String name() { return recipe.name(); }

    /** The recipe's stages, compiled, when it trains in stages (see {@link StagedRun}); else null. */
    public CompiledStages stages() { return stages; }

    void setStages(CompiledStages stages) { this.stages = stages; }

    public CheckedRecipe recipe() { return recipe; }

    /** The model's program; null when the recipe minimizes an objective. */
    public TensorProgram program() { return program; }

    /** The objective's program; null when the recipe trains a model. */
    public ObjectiveProgram objectiveProgram() { return objective; }

    public boolean minimizesObjective() { return objective != null; }

    public UpdateKernel updateKernel() { return kernels.get(0); }

    /** One fused update per optimizer group, in the recipe's order (one when the recipe has a single optimizer). */
    public List<UpdateKernel> updateKernels() { return kernels; }

    /** The `.opt` file this recipe was compiled from, or null when it was compiled from source text. */
    public Path sourcePath() { return source; }

    /**
     * Measures this recipe's kernels and epochs on this machine ({@code optc bench}): the fused update against its
     * memory-only twin, each dense layer's products against the FMA peak, the batch-norm kernels, samples/s.
     */
    public BenchReport benchmark(BenchOptions options) {
        return RecipeBench.run(this, options);
    }

    /** Every generated class's name and bytes, as a jar would hold them; the trainer first. */
    public List<GeneratedClass> generatedClasses() { return generated; }

    /** A fresh instance of one of the two generated update kernels, whatever backend the JVM selected. */
    public FusedUpdate newUpdateKernel(Backend backend) {
        return newUpdateKernel(backend, 0);
    }

    /** The same, for optimizer group {@code group} (0 when the recipe has one optimizer). */
    public FusedUpdate newUpdateKernel(Backend backend, int group) {
        try {
            constructor();
            String suffix = (backend == Backend.VECTOR ? "$VectorUpdate" : "$ScalarUpdate") + (group == 0 ? "" : group);
            Class<?> type = Class.forName(generated.get(0).name() + suffix, true, loader);
            return type.asSubclass(FusedUpdate.class).getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot instantiate the " + backend + " update kernel", e);
        }
    }

    /** A trainer of the recipe's model. */
    public Trainer newTrainer(TrainOptions options) {
        if (objective != null) {
            throw new IllegalStateException("recipe " + name() + " minimizes an objective: use newMinimizer");
        }
        return (Trainer) instantiate(options);
    }

    /** A minimizer of the recipe's objective. */
    public CompiledObjective newMinimizer(TrainOptions options) {
        if (objective == null) throw new IllegalStateException("recipe " + name() + " trains a model: use newTrainer");
        return (CompiledObjective) instantiate(options);
    }

    private Object instantiate(TrainOptions options) {
        try {
            return constructor().newInstance(options);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot instantiate the generated trainer " + generated.get(0).name(), e);
        }
    }

    private synchronized Constructor<?> constructor() throws NoSuchMethodException {
        if (constructor == null) {
            loader = new GeneratedClassLoader(Trainer.class.getClassLoader());
            Class<?> type = null;
            for (GeneratedClass c : generated) {
                Class<?> defined = loader.define(c);
                if (type == null) type = defined;
            }
            constructor = type.getConstructor(TrainOptions.class);
        }
        return constructor;
    }
}
