package dev.optc.api;

import dev.optc.check.CheckedRecipe;
import dev.optc.codegen.GeneratedClass;
import dev.optc.codegen.ObjectiveClassGenerator;
import dev.optc.codegen.TrainerClassGenerator;
import dev.optc.diagnostics.Diagnostic;
import dev.optc.diagnostics.Diagnostics;
import dev.optc.diagnostics.SourceFile;
import dev.optc.ir.ObjectiveProgram;
import dev.optc.ir.TensorProgram;
import dev.optc.ir.UpdateKernel;
import dev.optc.lower.ModelLowering;
import dev.optc.lower.ObjectiveLowering;
import dev.optc.lower.OptimizerLowering;
import dev.optc.passes.ConstantFolding;
import dev.optc.passes.Fusion;
import dev.optc.passes.Hoisting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedding API: compile a `.opt` file in memory, then create trainers from its recipes.
 * <pre>
 * CompiledRecipe recipe = Optc.compile(Path.of("digits.opt")).recipe("digits");
 * Trainer trainer = recipe.newTrainer(TrainOptions.seed(42));
 * </pre>
 */
public final class Optc {
    private Optc() {
    }

    /** Every recipe of the file, compiled; warnings are in {@link Compilation#warnings()}. */
    public static Compilation compile(Path file) throws IOException, CompilationFailed {
        return compile(new SourceFile(file.toString(), Files.readString(file)), file);
    }

    /** Compiles source text; imports are resolved against the working directory. */
    public static Compilation compile(String source, String name) throws CompilationFailed {
        return compile(new SourceFile(name, source), null);
    }

    public static Compilation compile(SourceFile file, Path path) throws CompilationFailed {
        Frontend.Result front = new Frontend().run(file, path);
        Diagnostics diagnostics = front.diagnostics();
        List<CompiledRecipe> recipes = new ArrayList<>();
        if (!diagnostics.hasErrors()) {
            for (CheckedRecipe recipe : front.recipes()) {
                // A full-batch solver replaces the update rule: the minimizer then carries an update that leaves θ as it is.
                // One kernel per optimizer group, each fused with the recipe's decay, clip and average on its own.
                List<UpdateKernel> kernels = new ArrayList<>();
                if (recipe.solver() != null) kernels.add(UpdateKernel.identity());
                else for (CheckedRecipe.OptimizerGroup group : recipe.optimizerGroups()) {
                    if (group.choice() == null) { // a block of `alternate` minimized by a full-batch solver
                        kernels.add(UpdateKernel.identity());
                        continue;
                    }
                    UpdateKernel k = new OptimizerLowering().lower(group.choice().rule(), group.choice().hyperparameters());
                    k = new Fusion().apply(k, recipe.around());
                    kernels.add(new Hoisting().apply(new ConstantFolding().apply(k)));
                }
                UpdateKernel kernel = kernels.get(0);
                if (recipe.minimizesObjective()) {
                    ObjectiveProgram program = new ObjectiveLowering().lower(recipe);
                    List<GeneratedClass> generated = new ObjectiveClassGenerator().generate(recipe, program, kernels);
                    recipes.add(new CompiledRecipe(recipe, null, program, kernel, generated));
                } else {
                    TensorProgram program = new ModelLowering(diagnostics).lower(recipe);
                    if (program == null) continue;
                    List<GeneratedClass> generated = new TrainerClassGenerator().generate(recipe, program, kernels);
                    recipes.add(new CompiledRecipe(recipe, program, null, kernel, generated));
                }
            }
        }
        if (diagnostics.hasErrors()) throw new CompilationFailed(diagnostics.sorted());
        return new Compilation(recipes, diagnostics.sorted());
    }

    /** The compiled recipes of one file and its warnings. */
    public record Compilation(List<CompiledRecipe> recipes, List<Diagnostic> warnings) {
        /** The recipe of that name. */
        public CompiledRecipe recipe(String name) {
            return recipes.stream().filter(r -> r.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no recipe named " + name + "; the recipes are "
                            + recipes.stream().map(CompiledRecipe::name).toList()));
        }

        /** The only recipe, or the first one. */
        public CompiledRecipe first() {
            if (recipes.isEmpty()) throw new IllegalStateException("the file has no recipe");
            return recipes.get(0);
        }
    }
}
