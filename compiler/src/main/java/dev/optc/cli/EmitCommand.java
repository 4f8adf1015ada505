package dev.optc.cli;

import dev.optc.api.Frontend;
import dev.optc.ast.AstPrinter;
import dev.optc.diagnostics.DiagnosticRenderer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "emit", description = "Shows what the compiler made of a file.")
final class EmitCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "the .opt file")
    Path file;

    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;

    static final class What {
        @Option(names = "--ast", description = "the abstract syntax tree")
        boolean ast;
    }

    @Override
    public Integer call() {
        try {
            Frontend.Result result = new Frontend().run(SourceLoader.read(file), file);
            System.err.print(new DiagnosticRenderer().render(result.diagnostics().sorted()));
            if (what.ast) System.out.print(new AstPrinter().print(result.program()));
            return result.ok() ? 0 : 1;
        } catch (SourceLoader.UserError e) {
            System.err.println("optc: " + e.getMessage());
            return 1;
        }
    }
}
