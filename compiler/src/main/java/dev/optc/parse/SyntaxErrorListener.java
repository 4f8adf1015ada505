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
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * The one place where ANTLR's console listener is replaced: a syntax error becomes a {@code Diagnostic} with a message
 * in the language's own words ("expected `=` after setting name") instead of ANTLR's token names.
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
        // One syntax error per line: the ones after it on the same line are nearly always its echoes.
        if (line == lastErrorLine) return;
        lastErrorLine = line;
        Token token = (Token) offendingSymbol;
        SourceSpan span = spanOf(token);
        switch (token.getType()) {
            case OptLexer.UNKNOWN_CHAR -> {
                diagnostics.error(span, "E001", "unexpected character `" + token.getText() + "`",
                        hintForCharacter(token.getText()));
                return;
            }
            case OptLexer.UNTERMINATED_STRING -> {
                diagnostics.error(span, "E002", "unterminated string", "close the string with `\"` on the same line");
                return;
            }
            default -> {
            }
        }
        Parser parser = (Parser) recognizer;
        IntervalSet expected = e != null && e.getExpectedTokens() != null ? e.getExpectedTokens() : parser.getExpectedTokens();
        ParserRuleContext context = parser.getContext();
        String found = describe(token);
        String hint = hint(context, expected, token);
        String message;
        List<String> names = expectedNames(expected);
        if (expected.contains(OptLexer.ASSIGN) && context instanceof OptParser.SettingContext) {
            message = "expected `=` after setting name, found " + found;
        } else if (token.getType() == Token.EOF && expected.contains(OptLexer.RBRACE)) {
            message = "unexpected end of file: a `{` is never closed";
        } else if (expected.contains(OptLexer.NUMBER) && expected.contains(OptLexer.LPAREN) && expected.contains(OptLexer.IDENT)) {
            message = "expected an expression, found " + found;
        } else if (names.isEmpty() || names.size() > 4) {
            message = "unexpected " + found + " " + where(context);
        } else {
            message = "expected " + String.join(" or ", names) + ", found " + found;
        }
        diagnostics.error(span, "E003", message, hint);
    }

    private SourceSpan spanOf(Token token) {
        if (token.getType() == Token.EOF) {
            int end = file.text().length();
            // Point at the last character of the file, so the caret sits on a visible line.
            int at = Math.max(0, end - 1);
            while (at > 0 && Character.isWhitespace(file.text().charAt(at))) at--;
            return new SourceSpan(file, at, at + 1);
        }
        return new SourceSpan(file, token.getStartIndex(), token.getStopIndex() + 1);
    }

    private static String where(ParserRuleContext context) {
        if (context instanceof OptParser.ProgramContext) return "at top level";
        if (context instanceof OptParser.RecipeDeclContext || context instanceof OptParser.SettingContext) {
            return "in recipe";
        }
        if (context instanceof OptParser.OptimizerDeclContext || context instanceof OptParser.OptimizerStatementContext) {
            return "in optimizer";
        }
        return "here";
    }

    private static String hint(ParserRuleContext context, IntervalSet expected, Token token) {
        if (context instanceof OptParser.ProgramContext) {
            return "a file holds `import`, `optimizer`, `model`, `objective` and `recipe` declarations";
        }
        if (context instanceof OptParser.SettingContext || context instanceof OptParser.RecipeDeclContext) {
            return "a setting is written `name = value`, one per line";
        }
        if (context instanceof OptParser.OptimizerDeclContext
                || context instanceof OptParser.OptimizerStatementContext) {
            if (token.getType() == OptLexer.IDENT) {
                return "an optimizer statement is `state`, `let`, `lookahead`, or an assignment such as `theta -= lr * g`";
            }
        }
        if (context instanceof OptParser.BodyStatementContext || context instanceof OptParser.ModelDeclContext
                || context instanceof OptParser.ObjectiveDeclContext) {
            if (token.getType() != Token.EOF) return "a body statement is `name = expression` or `return expression`";
        }
        if (expected.contains(OptLexer.RPAREN) && !expected.contains(OptLexer.IDENT)) {
            return "arguments are separated by `,`; is a `)` missing?";
        }
        if (token.getType() == Token.EOF && expected.contains(OptLexer.RBRACE)) {
            return "add the closing `}`";
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

    private static String describe(Token token) {
        return switch (token.getType()) {
            case Token.EOF -> "end of file";
            case OptLexer.IDENT -> "name `" + token.getText() + "`";
            case OptLexer.NUMBER -> "number `" + token.getText() + "`";
            case OptLexer.STRING -> "string " + token.getText();
            default -> "`" + token.getText() + "`";
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
