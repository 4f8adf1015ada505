package dev.optc.parse;

import dev.optc.ast.Program;
import dev.optc.diagnostics.Diagnostics;
import dev.optc.diagnostics.SourceFile;
import dev.optc.grammar.OptLexer;
import dev.optc.grammar.OptParser;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;

/** Source text to AST. Syntax errors go to the diagnostics; what could be parsed is still returned, for checking. */
public final class Parser {

    public Program parse(SourceFile file, Diagnostics diagnostics) {
        OptLexer lexer = new OptLexer(CharStreams.fromString(file.text(), file.name()));
        lexer.removeErrorListeners();
        OptParser parser = new OptParser(new CommonTokenStream(lexer));
        parser.removeErrorListeners();
        parser.setErrorHandler(new StatementRecovery());
        parser.addErrorListener(new SyntaxErrorListener(file, diagnostics));
        OptParser.ProgramContext tree = parser.program();
        return new AstBuilder(file).program(tree);
    }
}
