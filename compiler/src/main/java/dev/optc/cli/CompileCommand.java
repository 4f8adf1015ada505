package dev.optc.cli;

import dev.optc.api.CompilationFailed;
import dev.optc.api.CompiledRecipe;
import dev.optc.api.Optc;
import dev.optc.api.TrainerJar;
import dev.optc.diagnostics.DiagnosticRenderer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "compile", description = "Compiles a recipe into a runnable jar: java -jar trainer.jar train|eval|predict ...")
final class CompileCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "the .opt file")
    Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "JAR", required = true, description = "the jar to write")
    Path output;

    @Option(names = "--recipe", paramLabel = "NAME", description = "which recipe, when the file has several")
    String recipeName;

    @Override
    public Integer call() {
        try {
            Optc.Compilation compilation = Optc.compile(SourceLoader.read(file), file);
            System.err.print(new DiagnosticRenderer().render(compilation.warnings()));
            CompiledRecipe recipe = recipeName == null ? compilation.first() : compilation.recipe(recipeName);
            if (recipe.stages() != null) {
                // The jar's driver runs one trainer; the stage driver and the teacher run from `optc train` only.
                throw new SourceLoader.UserError("recipe " + recipe.name() + " trains in stages (stages, freeze, teacher or "
                        + "init = from(...)); a trainer jar of a staged recipe is not implemented: use `optc train`");
            }
            TrainerJar.write(recipe, output);
            System.out.println("wrote " + output + " (" + recipe.generatedClasses().get(0).name() + ")");
            return 0;
        } catch (CompilationFailed e) {
            System.err.print(e.getMessage());
            return 1;
        } catch (SourceLoader.UserError | IllegalArgumentException | IllegalStateException | IOException e) {
            System.err.println("optc: " + e.getMessage());
            return 1;
        }
    }
}
