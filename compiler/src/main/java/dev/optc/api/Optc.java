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
import dev.optc.passes.CommonSubexpressions;
import dev.optc.passes.ConstantFolding;
import dev.optc.passes.EpilogueFusion;
import dev.optc.passes.Fusion;
import dev.optc.passes.Hoisting;
import dev.optc.passes.ScalarDivisors;
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
                CompiledRecipe compiled = compile(recipe, diagnostics, path);
                if (compiled != null) recipes.add(compiled);
            }
            // A teacher that is another recipe of the file is trained first, in the same run.
            for (CompiledRecipe r : recipes) {
                CompiledStages stages = r.stages();
                if (stages == null || stages.plan().teacher() == null || stages.plan().teacher().recipe() == null) continue;
                String teacher = stages.plan().teacher().recipe();
                recipes.stream().filter(t -> t.name().equals(teacher)).findFirst()
                        .ifPresent(t -> r.setStages(stages.withTeacher(t)));
            }
        }
        if (diagnostics.hasErrors()) throw new CompilationFailed(diagnostics.sorted());
        return new Compilation(recipes, diagnostics.sorted());
    }

    /** One checked recipe through lowering, the passes and code generation; null when lowering reported an error. */
    static CompiledRecipe compile(CheckedRecipe recipe, Diagnostics diagnostics, Path source) {
        // A full-batch solver replaces the update rule: the minimizer then carries an update that leaves θ as it is.
        // One kernel per optimizer group, each fused with the recipe's decay, clip and average on its own.
        List<UpdateKernel> kernels = new ArrayList<>();
        if (recipe.solver() != null) kernels.add(UpdateKernel.identity());
        else for (CheckedRecipe.OptimizerGroup group : recipe.optimizerGroups()) {
            // A block of `alternate` minimized by a full-batch solver has no update rule.
            kernels.add(group.choice() == null ? UpdateKernel.identity() : updateKernel(group.choice(), recipe.around()));
        }
        UpdateKernel kernel = kernels.get(0);
        if (recipe.minimizesObjective()) {
            ObjectiveProgram program = new ObjectiveLowering().lower(recipe);
            List<GeneratedClass> generated = new ObjectiveClassGenerator().generate(recipe, program, kernels);
            return new CompiledRecipe(recipe, null, program, kernels, generated, source);
        }
        TensorProgram program = new ModelLowering(diagnostics).lower(recipe);
        if (program == null) return null;
        // The generated trainer runs the fused epilogues; the program kept is the unfused reference.
        List<GeneratedClass> generated = new TrainerClassGenerator().generate(recipe, new EpilogueFusion().apply(program), kernels);
        CompiledRecipe compiled = new CompiledRecipe(recipe, program, null, kernels, generated, source);
        if (recipe.staged()) compiled.setStages(new StageCompiler(diagnostics).compile(recipe));
        return compiled;
    }

    /**
     * An update rule through the optimizer passes: fused with what the recipe adds around it, folded, hoisted, and
     * its repeated element expressions computed once.
     */
    static UpdateKernel updateKernel(CheckedRecipe.OptimizerChoice choice, CheckedRecipe.Around around) {
        UpdateKernel k = new OptimizerLowering().lower(choice.rule(), choice.hyperparameters());
        k = new Fusion().apply(k, around);
        k = new Hoisting().apply(new ScalarDivisors().apply(new ConstantFolding().apply(k)));
        return new CommonSubexpressions().apply(k);
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
