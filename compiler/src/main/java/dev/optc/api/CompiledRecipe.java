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
import java.util.List;

/**
 * One recipe compiled to a trainer class, defined in memory. Create as many trainers from it as needed; each is
 * independent.
 */
public final class CompiledRecipe {
    private final CheckedRecipe recipe;
    private final TensorProgram program;
    private final ObjectiveProgram objective;
    private final UpdateKernel kernel;
    private final List<GeneratedClass> generated;
    private CompiledStages stages;
    private Constructor<?> constructor;
    private GeneratedClassLoader loader;

    /** {@code generated.get(0)} is the trainer; the others are classes it uses (its kernels). */
    CompiledRecipe(CheckedRecipe recipe, TensorProgram program, ObjectiveProgram objective, UpdateKernel kernel,
                   List<GeneratedClass> generated) {
        this.recipe = recipe;
        this.program = program;
        this.objective = objective;
        this.kernel = kernel;
        this.generated = List.copyOf(generated);
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

    public UpdateKernel updateKernel() { return kernel; }

    /** Every generated class's name and bytes, as a jar would hold them; the trainer first. */
    public List<GeneratedClass> generatedClasses() { return generated; }

    /** A fresh instance of one of the two generated update kernels, whatever backend the JVM selected. */
    public FusedUpdate newUpdateKernel(Backend backend) {
        try {
            constructor();
            String suffix = backend == Backend.VECTOR ? "$VectorUpdate" : "$ScalarUpdate";
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
