package dev.optc.cli;

import dev.optc.api.Frontend;
import dev.optc.diagnostics.DiagnosticRenderer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "check", description = "Reports every error and warning of a .opt file; exit code 1 when there are errors.")
final class CheckCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "the .opt file")
    Path file;

    @Override
    public Integer call() {
        try {
            Frontend.Result result = new Frontend().run(SourceLoader.read(file), file);
            System.err.print(new DiagnosticRenderer().render(result.diagnostics().sorted()));
            return result.ok() ? 0 : 1;
        } catch (SourceLoader.UserError e) {
            System.err.println("optc: " + e.getMessage());
            return 1;
        }
    }
}
