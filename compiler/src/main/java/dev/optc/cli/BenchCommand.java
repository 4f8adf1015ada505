package dev.optc.cli;

import dev.optc.api.CompilationFailed;
import dev.optc.api.CompiledRecipe;
import dev.optc.api.Optc;
import dev.optc.benchmark.BenchOptions;
import dev.optc.benchmark.BenchReport;
import dev.optc.benchmark.BenchReportJson;
import dev.optc.benchmark.BenchReportText;
import dev.optc.benchmark.RecipeBench;
import dev.optc.diagnostics.DiagnosticRenderer;
import dev.optc.runtime.data.DataException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bench", description = "Measures a recipe's kernels and epochs on this machine (JMH underneath).")
final class BenchCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "the .opt file")
    Path file;

    @Option(names = "--recipe", paramLabel = "NAME", description = "which recipe, when the file has several")
    String recipeName;

    @Option(names = "--quick", description = "a few hundred milliseconds per benchmark, in this JVM: seconds in all")
    boolean quick;

    @Option(names = "--json", description = "prints one JSON object instead of the tables")
    boolean json;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads of the kernels (default: every core, or -Doptc.threads)")
    Integer threads;

    @Option(names = "--data", paramLabel = "PATH", description = "times the epoch on this data instead of the recipe's")
    Path data;

    @Option(names = "--forks", paramLabel = "N", description = "JMH forks per benchmark (default: 0 with --quick, else 1)")
    Integer forks;

    @Override
    public Integer call() {
        try {
            Optc.Compilation compilation = Optc.compile(SourceLoader.read(file), file);
            System.err.print(new DiagnosticRenderer().render(compilation.warnings()));
            CompiledRecipe compiled = recipeName == null ? compilation.first() : compilation.recipe(recipeName);
            if (threads != null && threads < 1) throw new SourceLoader.UserError("--threads must be at least 1");
            BenchOptions options = BenchOptions.defaults().withQuick(quick).withData(data).withForks(forks);
            if (threads != null) options = options.withThreads(threads);
            BenchReport report = RecipeBench.run(compiled, options, what -> System.err.println("optc bench: measuring " + what));
            System.out.print(json ? BenchReportJson.write(report) + "\n" : BenchReportText.write(report));
            return 0;
        } catch (CompilationFailed e) {
            System.err.print(e.getMessage());
            return 1;
        } catch (SourceLoader.UserError | DataException | IllegalArgumentException e) {
            System.err.println("optc: " + e.getMessage());
            return 1;
        }
    }
}
