package dev.optc.parse;

import dev.optc.diagnostics.Diagnostics;
import dev.optc.diagnostics.SourceFile;
import dev.optc.diagnostics.SourceSpan;
import dev.optc.grammar.OptLexer;
import dev.optc.grammar.OptParser;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;
import org.antlr.v4.runtime.misc.IntervalSet;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * The one place where ANTLR's console listener is replaced: a syntax error becomes a {@code Diagnostic} with a message
 * in the language's own words ("expected `=` after setting name") instead of ANTLR's token names.
 *
 * <p>Statements sit one per line, so when a statement is cut short the parser only notices at the first token of the
 * next line. Such an error is reported where the line ends ("expected `)`, found end of line"), not at the next
 * statement, which is usually fine.
 */
final class SyntaxErrorListener extends BaseErrorListener {
    private final SourceFile file;
    private final Diagnostics diagnostics;
    private int lastErrorLine = -1;

    SyntaxErrorListener(SourceFile file, Diagnostics diagnostics) {
        this.file = file;
        this.diagnostics = diagnostics;
    }

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int charPositionInLine,
                            String msg, RecognitionException e) {
        Token token = (Token) offendingSymbol;
        switch (token.getType()) {
            case OptLexer.UNKNOWN_CHAR -> {
                report(spanOf(token), "E001", "unexpected character `" + printable(token.getText()) + "`",
                        hintForCharacter(token.getText()));
                return;
            }
            case OptLexer.UNTERMINATED_STRING -> {
                report(spanOf(token), "E002", "unterminated string", "close the string with `\"` on the same line");
                return;
            }
            default -> {
            }
        }
        Parser parser = (Parser) recognizer;
        TokenStream tokens = parser.getInputStream();
        ParserRuleContext context = parser.getContext();
        IntervalSet expected = expectedTokens(parser, e);
        Token previous = StatementRecovery.previous(tokens, token);
        boolean atEof = token.getType() == Token.EOF;
        boolean endOfLine = !atEof && previous != null && previous.getLine() < token.getLine()
                && StatementRecovery.midStatement(context);
        SourceSpan span = atEof || endOfLine ? after(previous) : spanOf(token);
        String found = endOfLine ? "end of line" : describe(token);
        ParserRuleContext unclosed = unclosedDeclaration(context);
        boolean nextDeclaration = !atEof && unclosed != null && tokens.LT(1) == token
                && StatementRecovery.startsDeclaration(tokens);

        List<String> names = expectedNames(expected);
        String message;
        String hint = hint(context, expected, token, endOfLine);
        if (atEof && unclosed != null) {
            message = "unexpected end of file: the `{` on line " + lbrace(unclosed).getLine() + " is never closed";
            hint = "add `}` at the end of " + describeDeclaration(unclosed);
        } else if (nextDeclaration) {
            span = spanOf(token);
            message = "expected `}` to close " + describeDeclaration(unclosed) + " before the next declaration";
            hint = "the `{` on line " + lbrace(unclosed).getLine() + " is never closed";
        } else if (token.getType() == OptLexer.IMPORT && context instanceof OptParser.ProgramContext) {
            message = "`import` after a declaration";
            hint = "imports come first in a file: move it above the declarations";
        } else if (token.getType() == OptLexer.ASSIGN && inArguments(context)) {
            message = "unexpected `=` in an argument list";
            hint = "a named argument is written with `:`, as in `lr: 0.1`";
        } else if (expected.contains(OptLexer.ASSIGN) && context instanceof OptParser.SettingContext) {
            message = "expected `=` after setting name, found " + found;
        } else if (expected.contains(OptLexer.NUMBER) && expected.contains(OptLexer.LPAREN) && expected.contains(OptLexer.IDENT)) {
            message = "expected an expression, found " + found;
            if (previous != null && StatementRecovery.needsOperand(previous.getType())) {
                hint = endOfLine || atEof || !StatementRecovery.needsOperand(token.getType())
                        ? "a value is missing after `" + previous.getText() + "`"
                        : "a value is missing between `" + previous.getText() + "` and `" + token.getText() + "`";
            }
        } else if (endOfLine && names.size() > 4 && !punctuation(expected).isEmpty()) {
            message = "expected " + String.join(" or ", punctuation(expected)) + ", found end of line";
        } else if (names.isEmpty() || names.size() > 4 || inBody(context) && !endOfLine) {
            message = "unexpected " + found + " " + where(context);
        } else {
            message = "expected " + String.join(" or ", names) + ", found " + found;
        }
        report(span, "E003", message, hint);
    }

    /** One syntax error per line: the ones after it on the same line are nearly always its echoes. */
    private void report(SourceSpan span, String code, String message, String hint) {
        int line = span.line();
        if (line == lastErrorLine) return;
        lastErrorLine = line;
        diagnostics.error(span, code, message, hint);
    }

    private static IntervalSet expectedTokens(Parser parser, RecognitionException e) {
        try {
            if (e != null && e.getExpectedTokens() != null) return e.getExpectedTokens();
        } catch (RuntimeException stateUnknown) {
            // An exception raised outside a rule's own state has no expected set; ask the parser instead.
        }
        return parser.getExpectedTokens();
    }

    private SourceSpan spanOf(Token token) {
        int start = offset(token.getStartIndex());
        return new SourceSpan(file, start, Math.max(start, offset(token.getStopIndex() + 1)));
    }

    /** Just after {@code token}: where a missing `)` or `}` would go. At the start of the file when there is none. */
    private SourceSpan after(Token token) {
        int at = token == null ? 0 : offset(token.getStopIndex() + 1);
        return new SourceSpan(file, at, at);
    }

    /** ANTLR counts code points, a {@code SourceSpan} counts UTF-16 chars: they differ after an emoji. */
    private int offset(int codePoint) {
        String text = file.text();
        if (codePoint <= 0) return 0;
        int inChars = text.length();
        if (text.codePointCount(0, inChars) == inChars) return Math.min(codePoint, inChars);
        try {
            return text.offsetByCodePoints(0, codePoint);
        } catch (IndexOutOfBoundsException pastTheEnd) {
            return inChars;
        }
    }

    /** The innermost declaration whose `{` is open at the point of the error, or null. */
    private static ParserRuleContext unclosedDeclaration(ParserRuleContext context) {
        for (ParserRuleContext c = context; c != null; c = c.getParent()) {
            if (lbrace(c) != null && c.getToken(OptLexer.RBRACE, 0) == null) return c;
        }
        return null;
    }

    private static boolean isDeclaration(ParserRuleContext c) {
        return c instanceof OptParser.RecipeDeclContext || c instanceof OptParser.OptimizerDeclContext
                || c instanceof OptParser.ModelDeclContext || c instanceof OptParser.ObjectiveDeclContext;
    }

    private static Token lbrace(ParserRuleContext c) {
        TerminalNode node = switch (c) {
            case OptParser.RecipeDeclContext r -> r.LBRACE();
            case OptParser.OptimizerDeclContext o -> o.LBRACE();
            case OptParser.ModelDeclContext m -> m.LBRACE();
            case OptParser.ObjectiveDeclContext o -> o.LBRACE();
            default -> null;
        };
        return node == null ? null : node.getSymbol();
    }

    private static String describeDeclaration(ParserRuleContext c) {
        String kind = switch (c) {
            case OptParser.RecipeDeclContext r -> "recipe";
            case OptParser.OptimizerDeclContext o -> "optimizer";
            case OptParser.ModelDeclContext m -> "model";
            default -> "objective";
        };
        ParseTree name = c.getChildCount() > 1 ? c.getChild(1) : null;
        return name instanceof TerminalNode t && t.getSymbol().getType() == OptLexer.IDENT
                ? kind + " `" + t.getText() + "`" : "the " + kind;
    }

    /**
     * The punctuation among what was expected: where a line ends too early, "expected `,` or `)`" says what is missing
     * better than the list of every operator that could also have continued the expression.
     */
    private static List<String> punctuation(IntervalSet expected) {
        List<String> names = new ArrayList<>();
        for (int type : new int[] {OptLexer.COLON, OptLexer.COMMA, OptLexer.RPAREN, OptLexer.RBRACK, OptLexer.RBRACE}) {
            if (expected.contains(type)) names.add("`" + OptLexer.VOCABULARY.getLiteralName(type).charAt(1) + "`");
        }
        return names;
    }

    private static boolean inArguments(ParserRuleContext context) {
        for (ParserRuleContext c = context; c != null; c = c.getParent()) {
            if (c instanceof OptParser.ArgumentListContext || c instanceof OptParser.CallExprContext) return true;
            if (c instanceof OptParser.ListExprContext || !StatementRecovery.midStatement(c)) return false;
        }
        return false;
    }

    /** Between the statements of a declaration's body, where "expected `return` or `}` or a name" says little. */
    private static boolean inBody(ParserRuleContext context) {
        return lbrace(context) != null;
    }

    private static String where(ParserRuleContext context) {
        if (context instanceof OptParser.ProgramContext) return "at top level";
        if (context instanceof OptParser.RecipeDeclContext || context instanceof OptParser.SettingContext) {
            return "in recipe";
        }
        if (context instanceof OptParser.OptimizerDeclContext || context instanceof OptParser.OptimizerStatementContext) {
            return "in optimizer";
        }
        if (context instanceof OptParser.ModelDeclContext) return "in model";
        if (context instanceof OptParser.ObjectiveDeclContext) return "in objective";
        return "here";
    }

    private static String hint(ParserRuleContext context, IntervalSet expected, Token token, boolean endOfLine) {
        if (expected.contains(OptLexer.IDENT) && StatementRecovery.isKeyword(token.getType()) && !endOfLine && !inBody(context)) {
            return "`" + token.getText() + "` is a keyword and cannot be used as a name";
        }
        if (expected.contains(OptLexer.COLON) && context instanceof OptParser.ConditionalExprContext) {
            return "a conditional is written `condition ? value : otherwise`";
        }
        if (endOfLine && expected.contains(OptLexer.RPAREN)) return "is a `)` missing at the end of this line?";
        if (endOfLine && expected.contains(OptLexer.RBRACK)) return "is a `]` missing at the end of this line?";
        if (expected.contains(OptLexer.LBRACE) && isDeclaration(context) && lbrace(context) == null) {
            return "is the `{` that opens the body missing?";
        }
        if (context instanceof OptParser.ProgramContext) {
            return "a file holds `import`, `optimizer`, `model`, `objective` and `recipe` declarations";
        }
        boolean body = inBody(context);
        if (context instanceof OptParser.SettingContext || body && context instanceof OptParser.RecipeDeclContext) {
            return "a setting is written `name = value`, one per line";
        }
        if (context instanceof OptParser.OptimizerStatementContext || body && context instanceof OptParser.OptimizerDeclContext) {
            if (token.getType() != Token.EOF) {
                return "an optimizer statement is `state`, `let`, `lookahead`, or an assignment such as `theta -= lr * g`";
            }
        }
        if (context instanceof OptParser.BodyStatementContext || body && (context instanceof OptParser.ModelDeclContext
                || context instanceof OptParser.ObjectiveDeclContext)) {
            if (token.getType() != Token.EOF) return "a body statement is `name = expression` or `return expression`";
        }
        if (expected.contains(OptLexer.RPAREN) && !expected.contains(OptLexer.IDENT)) {
            return "arguments are separated by `,`; is a `)` missing?";
        }
        return null;
    }

    private static String hintForCharacter(String c) {
        return switch (c) {
            case "'" -> "strings are written in double quotes";
            case "#" -> "comments start with `//` or are written `/* ... */`";
            case "%" -> "there is no `%` operator; write the division out";
            case "&", "|" -> "logical operators are `&&` and `||`";
            default -> null;
        };
    }

    /** A character as it can be shown between backticks: control characters by their code. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) out.append(String.format("U+%04X", c));
            else out.appendCodePoint(c);
        });
        return out.toString();
    }

    private static String describe(Token token) {
        return switch (token.getType()) {
            case Token.EOF -> "end of file";
            case OptLexer.IDENT -> "name `" + token.getText() + "`";
            case OptLexer.NUMBER -> "number `" + token.getText() + "`";
            case OptLexer.STRING -> "string " + printable(token.getText());
            default -> "`" + printable(token.getText()) + "`";
        };
    }

    private static List<String> expectedNames(IntervalSet expected) {
        List<String> names = new ArrayList<>();
        for (int type : expected.toList()) {
            String name = switch (type) {
                case Token.EOF -> "end of file";
                case OptLexer.IDENT -> "a name";
                case OptLexer.NUMBER, OptLexer.QUANTITY -> "a number";
                case OptLexer.STRING -> "a string";
                case OptLexer.UNKNOWN_CHAR, OptLexer.UNTERMINATED_STRING -> null;
                default -> {
                    String literal = OptLexer.VOCABULARY.getLiteralName(type);
                    yield literal == null ? null : "`" + literal.substring(1, literal.length() - 1) + "`";
                }
            };
            if (name != null && !names.contains(name)) names.add(name);
        }
        return names;
    }
}
