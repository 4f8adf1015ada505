package dev.optc.build;

import dev.optc.api.ClassFiles;
import dev.optc.api.CompilationFailed;
import dev.optc.api.CompiledRecipe;
import dev.optc.api.Optc;
import dev.optc.diagnostics.DiagnosticRenderer;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What build tools run (the Maven plugin forks it on a JDK 21+): {@code GenerateClasses -d DIR FILE.opt...} compiles
 * every file and writes the generated classes of all their recipes under DIR. Diagnostics go to standard error as
 * {@code optc check} prints them ({@code file:line:col: error[Exxx]: ...}); every file is compiled even after one
 * fails, so one build reports every error. Each class written is one line {@code wrote RECIPE CLASS FILE} on standard
 * output. Exit code 0 when all compiled, 1 on errors, 2 on a bad command line.
 */
public final class GenerateClasses {
    private GenerateClasses() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        if (args.length < 2 || !args[0].equals("-d")) {
            System.err.println("usage: GenerateClasses -d OUTPUT_DIR FILE.opt...");
            return 2;
        }
        Path output = Path.of(args[1]);
        boolean failed = false;
        // Two recipes of one name in different files would write the same class: the second would silently win.
        Map<String, Path> classOwners = new HashMap<>();
        DiagnosticRenderer renderer = new DiagnosticRenderer();
        for (int i = 2; i < args.length; i++) {
            Path file = Path.of(args[i]);
            try {
                Optc.Compilation compilation = Optc.compile(file);
                System.err.print(renderer.render(compilation.warnings()));
                List<String> lines = new ArrayList<>();
                for (CompiledRecipe recipe : compilation.recipes()) {
                    String trainer = recipe.generatedClasses().get(0).name();
                    Path other = classOwners.putIfAbsent(trainer, file);
                    if (other != null) {
                        System.err.println(file + ": error: recipe `" + recipe.name() + "` compiles to " + trainer
                                + ", which " + other + " already defines; rename one of the recipes");
                        failed = true;
                        continue;
                    }
                    for (Path written : ClassFiles.write(recipe, output)) {
                        lines.add("wrote " + recipe.name() + " " + trainer + " " + written);
                    }
                }
                lines.forEach(System.out::println);
            } catch (CompilationFailed e) {
                System.err.print(e.getMessage());
                failed = true;
            } catch (MalformedInputException e) {
                System.err.println(file + ": error: not a UTF-8 text file");
                failed = true;
            } catch (IOException e) {
                System.err.println(file + ": error: " + e);
                failed = true;
            }
        }
        System.out.flush();
        return failed ? 1 : 0;
    }
}
