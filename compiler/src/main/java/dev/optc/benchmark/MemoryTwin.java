package dev.optc.benchmark;

import dev.optc.api.CompiledRecipe;
import dev.optc.codegen.GeneratedClass;
import dev.optc.codegen.GeneratedClassLoader;
import dev.optc.codegen.MemoryTwinGenerator;
import dev.optc.codegen.TrainerClassGenerator;
import dev.optc.runtime.kernels.FusedUpdate;

/** The memory-only twin of a recipe's fused update ({@link MemoryTwinGenerator}), defined in memory. */
public final class MemoryTwin {
    private MemoryTwin() {
    }

    /** The twin class of optimizer group {@code group}. */
    public static GeneratedClass generate(CompiledRecipe compiled, int group) {
        String name = "dev.optc.generated." + TrainerClassGenerator.className(compiled.name()) + "$MemoryTwin" + (group == 0 ? "" : group);
        String source = compiled.program().sourceName().replaceAll(".*[/\\\\]", "");
        int line = compiled.recipe().optimizer() == null ? compiled.recipe().decl().span().line()
                : compiled.recipe().optimizer().span().line();
        return new MemoryTwinGenerator(compiled.updateKernels().get(group), name, line).generate(source);
    }

    /** A fresh instance of that class, in a loader of its own. */
    public static FusedUpdate newInstance(CompiledRecipe compiled, int group) {
        GeneratedClassLoader loader = new GeneratedClassLoader(FusedUpdate.class.getClassLoader());
        try {
            return loader.define(generate(compiled, group)).asSubclass(FusedUpdate.class).getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot instantiate the memory-only twin of " + compiled.name(), e);
        }
    }
}
