package dev.optc.api;

import dev.optc.ast.Program;
import dev.optc.check.CheckedRecipe;
import dev.optc.check.Checker;
import dev.optc.check.Declarations;
import dev.optc.check.Resolver;
import dev.optc.diagnostics.Diagnostics;
import dev.optc.diagnostics.SourceFile;
import dev.optc.diagnostics.SourceSpan;
import dev.optc.parse.Parser;
import java.nio.file.Path;
import java.util.List;

/**
 * Parse, resolve and check one file. Checks run even after syntax errors, on what could be parsed, so that one run
 * reports every error of a file.
 */
public final class Frontend {

    /** What the front end made of a file: its AST, the declarations in scope and the checked recipes. */
    public record Result(Program program, Declarations declarations, List<CheckedRecipe> recipes, Diagnostics diagnostics) {
        public boolean ok() { return !diagnostics.hasErrors(); }
    }

    public Result run(SourceFile file, Path path) {
        Diagnostics diagnostics = new Diagnostics();
        Program prelude = Prelude.parse(diagnostics);
        try {
            Program program = new Parser().parse(file, diagnostics);
            Declarations declarations = new Resolver().resolve(prelude, program, path, diagnostics);
            List<CheckedRecipe> recipes = new Checker().check(declarations, diagnostics, path);
            return new Result(program, declarations, recipes, diagnostics);
        } catch (StackOverflowError e) {
            // Thousands of nested parentheses or operators: say so rather than crash.
            Diagnostics only = new Diagnostics();
            only.error(new SourceSpan(file, 0, Math.min(1, file.text().length())), "E004",
                    "the file nests expressions too deeply to compile", "split the expression with `let` or intermediate names");
            Program empty = new Program(file, List.of(), List.of());
            return new Result(empty, new Declarations(empty, List.of(prelude, empty), java.util.Map.of()), List.of(), only);
        }
    }
}
