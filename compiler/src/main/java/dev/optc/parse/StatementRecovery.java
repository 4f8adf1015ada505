package dev.optc.parse;

import dev.optc.grammar.OptLexer;
import dev.optc.grammar.OptParser;
import java.util.HashSet;
import java.util.Set;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * Recovers from a syntax error at the next statement boundary: Opt statements and settings sit one per line, so after
 * an error the parser skips to the first token of a later line (or a closing brace) and carries on from there. The
 * default strategy would resynchronise on any keyword, and take `model` in `model = Mlp` for a new declaration.
 *
 * <p>Three more rules keep one mistake from turning into several reports:
 * <ul>
 *   <li>A token is deleted to repair a statement only inside one line. Deleting the last token of a line (an
 *       unterminated string) or the first of the next would join two statements into one, and the error would echo on
 *       the next line.</li>
 *   <li>A declaration's first tokens (<code>recipe tiny {</code>) always start a new declaration: where they
 *       appear inside another declaration, that one is missing its <code>}</code>. The parser leaves the unfinished
 *       declaration there, rather than reading the next one as its statements.</li>
 *   <li>A value is missing at the end of a line when the next line starts with `name =`: see
 *       {@link #valueMissingAtEndOfLine}.</li>
 * </ul>
 */
final class StatementRecovery extends DefaultErrorStrategy {
    private int lastRecoveryIndex = -1;
    private final Set<Integer> recoveredStates = new HashSet<>();

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
        // Never recover twice at the same place in the same state: a loop would fail there forever. (Enclosing rules
        // recovering at the same token, as an error unwinds, is fine.)
        if (tokens.index() == lastRecoveryIndex && !recoveredStates.add(parser.getState())
                && parser.getCurrentToken().getType() != Token.EOF) {
            parser.consume();
        }
        while (true) {
            Token t = parser.getCurrentToken();
            if (t.getType() == Token.EOF || t.getType() == OptLexer.RBRACE) break;
            if (t.getLine() > errorLine && startsStatement(t)) break;
            if (startsDeclaration(tokens)) break;
            parser.consume();
        }
        if (tokens.index() != lastRecoveryIndex) {
            lastRecoveryIndex = tokens.index();
            recoveredStates.clear();
            recoveredStates.add(parser.getState());
        }
    }

    @Override
    public void sync(Parser parser) throws RecognitionException {
        if (startsDeclaration(parser.getInputStream()) && insideDeclaration(parser.getContext())) {
            throw new InputMismatchException(parser);
        }
        if (!inErrorRecoveryMode(parser) && valueMissingAtEndOfLine(parser)) throw new InputMismatchException(parser);
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
     * A missing token is conjured up only where it cannot swallow the next line: `)` or `}` at the end of a line is a
     * fine repair, but a `:` or an operator would make the next line's statement its operand.
     */
    @Override
    protected boolean singleTokenInsertion(Parser parser) {
        TokenStream tokens = parser.getInputStream();
        Token previous = tokens.LT(-1);
        if (previous != null && tokens.LT(1).getLine() > previous.getLine()) {
            IntervalSet expected = parser.getExpectedTokens();
            if (!expected.isNil() && needsOperand(expected.getMinElement())) return false;
        }
        return super.singleTokenInsertion(parser);
    }

    /**
     * `epochs =` with nothing after it, then `batch = 32` on the next line: expressions may span lines, so the parser
     * would take `batch` for the value of `epochs` and stumble only on the second `=`. A name followed by an
     * assignment can never continue an expression, so the value is missing where the line ends.
     */
    private static boolean valueMissingAtEndOfLine(Parser parser) {
        if (!(parser.getContext() instanceof OptParser.ExprContext) || inParameterList(parser.getContext())) return false;
        TokenStream tokens = parser.getInputStream();
        Token next = tokens.LT(1);
        Token previous = tokens.LT(-1);
        if (previous == null || next.getType() == Token.EOF || next.getLine() <= previous.getLine()) return false;
        if (!needsOperand(previous)) return false;
        boolean name = next.getType() == OptLexer.IDENT || isKeyword(next.getType());
        return name && switch (tokens.LA(2)) {
            case OptLexer.ASSIGN, OptLexer.PLUS_ASSIGN, OptLexer.MINUS_ASSIGN, OptLexer.TIMES_ASSIGN, OptLexer.DIV_ASSIGN -> true;
            default -> false;
        };
    }

    private static boolean inParameterList(ParserRuleContext context) {
        for (ParserRuleContext c = context; c != null; c = c.getParent()) {
            if (c instanceof OptParser.ParamContext) return true;
        }
        return false;
    }

    /** Tokens after which an expression must follow: `=`, an operator, an opening bracket, a comma, `return`. */
    private static boolean needsOperand(Token token) {
        return needsOperand(token.getType());
    }

    static boolean needsOperand(int type) {
        return switch (type) {
            case OptLexer.ASSIGN, OptLexer.PLUS_ASSIGN, OptLexer.MINUS_ASSIGN, OptLexer.TIMES_ASSIGN, OptLexer.DIV_ASSIGN,
                 OptLexer.PLUS, OptLexer.MINUS, OptLexer.STAR, OptLexer.SLASH, OptLexer.AT, OptLexer.CARET, OptLexer.EQ,
                 OptLexer.NE, OptLexer.LT, OptLexer.LE, OptLexer.GT, OptLexer.GE, OptLexer.AND, OptLexer.OR, OptLexer.NOT,
                 OptLexer.QUESTION, OptLexer.COLON, OptLexer.COMMA, OptLexer.LPAREN, OptLexer.LBRACK, OptLexer.ARROW,
                 OptLexer.RETURN, OptLexer.LOOKAHEAD, OptLexer.FOR -> true;
            default -> false;
        };
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

    /** `state`, `model`, `true`: the tokens spelled as words. */
    static boolean isKeyword(int type) {
        String literal = OptLexer.VOCABULARY.getLiteralName(type);
        return literal != null && Character.isLetter(literal.charAt(1));
    }

    private static boolean startsStatement(Token t) {
        return switch (t.getType()) {
            case OptLexer.IDENT, OptLexer.MODEL, OptLexer.OPTIMIZER, OptLexer.OBJECTIVE, OptLexer.RECIPE, OptLexer.STATE,
                 OptLexer.LET, OptLexer.LOOKAHEAD, OptLexer.RETURN, OptLexer.IMPORT -> true;
            default -> false;
        };
    }
}
