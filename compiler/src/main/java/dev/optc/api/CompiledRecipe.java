package dev.optc.api;

import dev.optc.check.CheckedRecipe;
import dev.optc.codegen.ClassGenerator;
import dev.optc.codegen.GeneratedClassLoader;
import dev.optc.ir.TensorProgram;
import dev.optc.ir.UpdateKernel;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.Trainer;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;

/**
 * One recipe compiled to a trainer class, defined in memory. Create as many trainers from it as needed; each is
 * independent.
 */
public final class CompiledRecipe {
    private final CheckedRecipe recipe;
    private final TensorProgram program;
    private final UpdateKernel kernel;
    private final ClassGenerator.GeneratedClass generated;
    private Constructor<? extends Trainer> constructor;

    CompiledRecipe(CheckedRecipe recipe, TensorProgram program, UpdateKernel kernel, ClassGenerator.GeneratedClass generated) {
        this.recipe = recipe;
        this.program = program;
        this.kernel = kernel;
        this.generated = generated;
    }

    public String name() { return recipe.name(); }

    public CheckedRecipe recipe() { return recipe; }

    public TensorProgram program() { return program; }

    public UpdateKernel updateKernel() { return kernel; }

    /** The trainer class's name and bytes, as a jar would hold them. */
    public ClassGenerator.GeneratedClass generatedClass() { return generated; }

    public Trainer newTrainer(TrainOptions options) {
        try {
            return constructor().newInstance(options);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot instantiate the generated trainer " + generated.name(), e);
        }
    }

    private synchronized Constructor<? extends Trainer> constructor() throws NoSuchMethodException {
        if (constructor == null) {
            Class<?> type = new GeneratedClassLoader(Trainer.class.getClassLoader()).define(generated);
            constructor = type.asSubclass(Trainer.class).getConstructor(TrainOptions.class);
        }
        return constructor;
    }
}
