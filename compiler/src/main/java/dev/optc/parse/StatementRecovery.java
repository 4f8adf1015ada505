package dev.optc.parse;

import dev.optc.grammar.OptLexer;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Token;

/**
 * Recovers from a syntax error at the next statement boundary: Opt statements and settings sit one per line, so after
 * an error the parser skips to the first token of a later line (or a closing brace) and carries on from there. The
 * default strategy would resynchronise on any keyword, and take `model` in `model = Mlp` for a new declaration.
 */
final class StatementRecovery extends DefaultErrorStrategy {
    private int lastRecoveryIndex = -1;

    @Override
    public void recover(Parser parser, RecognitionException e) {
        Token offending = e.getOffendingToken() != null ? e.getOffendingToken() : parser.getCurrentToken();
        int errorLine = offending.getLine();
        int start = parser.getInputStream().index();
        while (true) {
            Token t = parser.getCurrentToken();
            if (t.getType() == Token.EOF || t.getType() == OptLexer.RBRACE) break;
            if (t.getLine() > errorLine && startsStatement(t)) break;
            parser.consume();
        }
        // Never stop twice at the same place: that would loop forever on one token.
        if (parser.getInputStream().index() == start && start == lastRecoveryIndex
                && parser.getCurrentToken().getType() != Token.EOF) {
            parser.consume();
        }
        lastRecoveryIndex = parser.getInputStream().index();
    }

    private static boolean startsStatement(Token t) {
        return switch (t.getType()) {
            case OptLexer.IDENT, OptLexer.MODEL, OptLexer.OPTIMIZER, OptLexer.OBJECTIVE, OptLexer.RECIPE, OptLexer.STATE,
                 OptLexer.LET, OptLexer.LOOKAHEAD, OptLexer.RETURN, OptLexer.IMPORT -> true;
            default -> false;
        };
    }
}
