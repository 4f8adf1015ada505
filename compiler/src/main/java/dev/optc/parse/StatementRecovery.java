package dev.optc.parse;

import dev.optc.grammar.OptLexer;
import dev.optc.grammar.OptParser;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;

/**
 * Recovers from a syntax error at the next statement boundary: Opt statements and settings sit one per line, so after
 * an error the parser skips to the first token of a later line (or a closing brace) and carries on from there. The
 * default strategy would resynchronise on any keyword, and take `model` in `model = Mlp` for a new declaration.
 *
 * <p>Two more rules keep one mistake from turning into several reports:
 * <ul>
 *   <li>A token is deleted to repair a statement only inside one line. Deleting the last token of a line (an
 *       unterminated string) or the first of the next would join two statements into one, and the error would echo on
 *       the next line.</li>
 *   <li>A declaration's first tokens (<code>recipe tiny {</code>) always start a new declaration: where they
 *       appear inside another declaration, that one is missing its <code>}</code>. The parser leaves the unfinished
 *       declaration there, rather than reading the next one as its statements.</li>
 * </ul>
 */
final class StatementRecovery extends DefaultErrorStrategy {
    private int lastRecoveryIndex = -1;

    @Override
    public void recover(Parser parser, RecognitionException e) {
        TokenStream tokens = parser.getInputStream();
        if (startsDeclaration(tokens) && insideDeclaration(parser.getContext())) {
            // Unwind to the declaration list without consuming: every enclosing rule stops at the same token.
            return;
        }
        Token offending = e.getOffendingToken() != null ? e.getOffendingToken() : parser.getCurrentToken();
        int errorLine = offending.getLine();
        Token previous = previous(tokens, offending);
        if (previous != null && previous.getLine() < offending.getLine() && startsStatement(offending)
                && midStatement(parser.getContext())) {
            // The error is that the previous line ended too early; the statement on this line is intact.
            errorLine = previous.getLine();
        }
        int start = tokens.index();
        while (true) {
            Token t = parser.getCurrentToken();
            if (t.getType() == Token.EOF || t.getType() == OptLexer.RBRACE) break;
            if (t.getLine() > errorLine && startsStatement(t)) break;
            if (startsDeclaration(tokens)) break;
            parser.consume();
        }
        // Never stop twice at the same place: that would loop forever on one token.
        if (tokens.index() == start && start == lastRecoveryIndex && parser.getCurrentToken().getType() != Token.EOF) {
            parser.consume();
        }
        lastRecoveryIndex = tokens.index();
    }

    @Override
    public void sync(Parser parser) throws RecognitionException {
        if (startsDeclaration(parser.getInputStream()) && insideDeclaration(parser.getContext())) {
            throw new InputMismatchException(parser);
        }
        super.sync(parser);
    }

    @Override
    public Token recoverInline(Parser parser) throws RecognitionException {
        if (startsDeclaration(parser.getInputStream()) && insideDeclaration(parser.getContext())) {
            throw new InputMismatchException(parser);
        }
        return super.recoverInline(parser);
    }

    @Override
    protected Token singleTokenDeletion(Parser parser) {
        TokenStream tokens = parser.getInputStream();
        Token unwanted = tokens.LT(1);
        Token next = tokens.LT(2);
        Token previous = tokens.LT(-1);
        if (next != null && next.getType() != Token.EOF && next.getLine() > unwanted.getLine()) return null;
        if (previous != null && previous.getLine() < unwanted.getLine()) return null;
        return super.singleTokenDeletion(parser);
    }

    /**
     * `model Mlp(`, `recipe tiny {`, `import "x"`: only ever the start of a declaration. (`model Mlp` alone may be a
     * setting that lacks its `=`.)
     */
    static boolean startsDeclaration(TokenStream tokens) {
        int first = tokens.LA(1);
        if (first == OptLexer.IMPORT) return tokens.LA(2) == OptLexer.STRING;
        if (tokens.LA(2) != OptLexer.IDENT) return false;
        return switch (first) {
            case OptLexer.OPTIMIZER, OptLexer.MODEL, OptLexer.OBJECTIVE -> tokens.LA(3) == OptLexer.LPAREN;
            case OptLexer.RECIPE -> tokens.LA(3) == OptLexer.LBRACE;
            default -> false;
        };
    }

    /** True inside an optimizer, model, objective or recipe, where a new declaration cannot begin. */
    static boolean insideDeclaration(ParserRuleContext context) {
        for (ParserRuleContext c = context; c != null; c = c.getParent()) {
            if (c instanceof OptParser.OptimizerDeclContext || c instanceof OptParser.ModelDeclContext
                    || c instanceof OptParser.ObjectiveDeclContext || c instanceof OptParser.RecipeDeclContext) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when the parser is inside one statement (a setting, an assignment, a declaration's header), false when it
     * is between statements: at top level, or in the body of a declaration.
     */
    static boolean midStatement(ParserRuleContext context) {
        return switch (context) {
            case null -> false;
            case OptParser.ProgramContext c -> false;
            case OptParser.DeclarationContext c -> false;
            case OptParser.RecipeDeclContext c -> c.LBRACE() == null;
            case OptParser.OptimizerDeclContext c -> c.LBRACE() == null;
            case OptParser.ModelDeclContext c -> c.LBRACE() == null;
            case OptParser.ObjectiveDeclContext c -> c.LBRACE() == null;
            default -> true;
        };
    }

    /** The token on the default channel before {@code token}, or null at the start of the file. */
    static Token previous(TokenStream tokens, Token token) {
        for (int i = token.getTokenIndex() - 1; i >= 0; i--) {
            Token t = tokens.get(i);
            if (t.getChannel() == Token.DEFAULT_CHANNEL) return t;
        }
        return null;
    }

    private static boolean startsStatement(Token t) {
        return switch (t.getType()) {
            case OptLexer.IDENT, OptLexer.MODEL, OptLexer.OPTIMIZER, OptLexer.OBJECTIVE, OptLexer.RECIPE, OptLexer.STATE,
                 OptLexer.LET, OptLexer.LOOKAHEAD, OptLexer.RETURN, OptLexer.IMPORT -> true;
            default -> false;
        };
    }
}
