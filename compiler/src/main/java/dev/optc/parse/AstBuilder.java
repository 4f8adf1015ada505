package dev.optc.parse;

import dev.optc.ast.BodyStatement;
import dev.optc.ast.Decl;
import dev.optc.ast.Expr;
import dev.optc.ast.Identifier;
import dev.optc.ast.OptimizerStatement;
import dev.optc.ast.Program;
import dev.optc.diagnostics.SourceFile;
import dev.optc.diagnostics.SourceSpan;
import dev.optc.grammar.OptBaseVisitor;
import dev.optc.grammar.OptLexer;
import dev.optc.grammar.OptParser;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ErrorNode;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * The only reader of the parse tree: turns it into AST records with spans. A statement or declaration that holds a
 * syntax error is left out (and its declaration marked incomplete), so the checker sees only what was really written.
 */
final class AstBuilder {
    private final SourceFile file;

    AstBuilder(SourceFile file) {
        this.file = file;
    }

    Program program(OptParser.ProgramContext ctx) {
        List<Program.Import> imports = new ArrayList<>();
        for (OptParser.ImportDeclContext i : ctx.importDecl()) {
            if (damaged(i) || i.STRING() == null) continue;
            imports.add(new Program.Import(unquote(i.STRING().getText()), span(i.STRING().getSymbol())));
        }
        List<Decl> decls = new ArrayList<>();
        for (OptParser.DeclarationContext d : ctx.declaration()) {
            Decl decl = declaration(d);
            if (decl != null) decls.add(decl);
        }
        return new Program(file, imports, decls);
    }

    private Decl declaration(OptParser.DeclarationContext ctx) {
        if (ctx.optimizerDecl() != null) return optimizer(ctx.optimizerDecl());
        if (ctx.modelDecl() != null) return model(ctx.modelDecl());
        if (ctx.objectiveDecl() != null) return objective(ctx.objectiveDecl());
        if (ctx.recipeDecl() != null) return recipe(ctx.recipeDecl());
        return null;
    }

    private Decl.OptimizerDecl optimizer(OptParser.OptimizerDeclContext ctx) {
        Identifier name = identifier(ctx.name);
        if (name == null) return null;
        List<OptimizerStatement> body = new ArrayList<>();
        for (OptParser.OptimizerStatementContext s : ctx.optimizerStatement()) {
            if (!damaged(s)) body.add(optimizerStatement(s));
            else if (s instanceof OptParser.LetStatementContext let && identifier(let.name) != null && written(let.ASSIGN())) {
                body.add(new OptimizerStatement.Let(identifier(let.name), new Expr.Invalid(span(s)), span(s)));
            }
        }
        return new Decl.OptimizerDecl(name, params(ctx.paramList()), body, span(ctx), !damaged(ctx));
    }

    private OptimizerStatement optimizerStatement(OptParser.OptimizerStatementContext ctx) {
        return switch (ctx) {
            case OptParser.StateStatementContext s -> new OptimizerStatement.State(
                    s.stateInit().stream().map(i -> new OptimizerStatement.StateInit(identifier(i.name), expr(i.expr()), span(i)))
                            .toList(), span(s));
            case OptParser.LetStatementContext s -> new OptimizerStatement.Let(identifier(s.name), expr(s.expr()), span(s));
            case OptParser.LookaheadStatementContext s -> new OptimizerStatement.Lookahead(expr(s.expr()), span(s));
            case OptParser.UpdateStatementContext s -> new OptimizerStatement.Update(identifier(s.target),
                    switch (s.op.getType()) {
                        case OptLexer.PLUS_ASSIGN -> OptimizerStatement.AssignOp.ADD;
                        case OptLexer.MINUS_ASSIGN -> OptimizerStatement.AssignOp.SUBTRACT;
                        case OptLexer.TIMES_ASSIGN -> OptimizerStatement.AssignOp.MULTIPLY;
                        case OptLexer.DIV_ASSIGN -> OptimizerStatement.AssignOp.DIVIDE;
                        default -> OptimizerStatement.AssignOp.SET;
                    }, expr(s.expr()), span(s));
            default -> throw new IllegalStateException("unknown optimizer statement " + ctx.getClass());
        };
    }

    private Decl.ModelDecl model(OptParser.ModelDeclContext ctx) {
        Identifier name = identifier(ctx.name);
        if (name == null) return null;
        Expr output = ctx.output == null || damaged(ctx.output) ? null : expr(ctx.output);
        return new Decl.ModelDecl(name, params(ctx.paramList()), output, body(ctx.bodyStatement()), span(ctx), !damaged(ctx));
    }

    private Decl.ObjectiveDecl objective(OptParser.ObjectiveDeclContext ctx) {
        Identifier name = identifier(ctx.name);
        if (name == null) return null;
        return new Decl.ObjectiveDecl(name, params(ctx.paramList()), body(ctx.bodyStatement()), span(ctx), !damaged(ctx));
    }

    private List<BodyStatement> body(List<OptParser.BodyStatementContext> statements) {
        List<BodyStatement> body = new ArrayList<>();
        for (OptParser.BodyStatementContext s : statements) {
            if (damaged(s)) {
                if (s instanceof OptParser.BindStatementContext b && identifier(b.name) != null && written(b.ASSIGN())) {
                    body.add(new BodyStatement.Bind(identifier(b.name), new Expr.Invalid(span(s)), span(s)));
                }
                continue;
            }
            switch (s) {
                case OptParser.BindStatementContext b -> body.add(new BodyStatement.Bind(identifier(b.name), expr(b.expr()), span(b)));
                case OptParser.ReturnStatementContext r -> body.add(new BodyStatement.Return(expr(r.expr()), span(r)));
                default -> throw new IllegalStateException("unknown body statement " + s.getClass());
            }
        }
        return body;
    }

    private Decl.RecipeDecl recipe(OptParser.RecipeDeclContext ctx) {
        Identifier name = identifier(ctx.name);
        if (name == null) return null;
        List<Decl.Setting> settings = new ArrayList<>();
        for (OptParser.SettingContext s : ctx.setting()) {
            Identifier setting = s.name == null ? null : identifier(s.name.getStart());
            if (!damaged(s)) settings.add(new Decl.Setting(setting, expr(s.expr()), span(s)));
            else if (setting != null && written(s.ASSIGN())) settings.add(new Decl.Setting(setting, new Expr.Invalid(span(s)), span(s)));
        }
        return new Decl.RecipeDecl(name, settings, span(ctx), !damaged(ctx));
    }

    private List<Decl.Param> params(OptParser.ParamListContext ctx) {
        if (ctx == null) return List.of();
        List<Decl.Param> params = new ArrayList<>();
        for (OptParser.ParamContext p : ctx.param()) {
            if (damaged(p)) continue;
            params.add(new Decl.Param(identifier(p.name), p.type == null ? null : expr(p.type),
                    p.value == null ? null : expr(p.value), span(p)));
        }
        return params;
    }

    // ---- expressions ----

    Expr expr(OptParser.ExprContext ctx) {
        return ctx.accept(expressions);
    }

    private final OptBaseVisitor<Expr> expressions = new OptBaseVisitor<>() {
        @Override
        public Expr visitPrimaryExpr(OptParser.PrimaryExprContext ctx) { return ctx.primary().accept(this); }

        @Override
        public Expr visitMemberExpr(OptParser.MemberExprContext ctx) {
            return new Expr.Member(expr(ctx.expr()), new Identifier(ctx.IDENT().getText(), span(ctx.IDENT().getSymbol())), span(ctx));
        }

        @Override
        public Expr visitIndexExpr(OptParser.IndexExprContext ctx) {
            List<Expr> indices = ctx.expr().subList(1, ctx.expr().size()).stream().map(AstBuilder.this::expr).toList();
            return new Expr.Index(expr(ctx.expr(0)), indices, span(ctx));
        }

        @Override
        public Expr visitPowerExpr(OptParser.PowerExprContext ctx) {
            return new Expr.Binary(Expr.BinaryOp.POWER, expr(ctx.expr(0)), expr(ctx.expr(1)), span(ctx));
        }

        @Override
        public Expr visitUnaryExpr(OptParser.UnaryExprContext ctx) {
            Expr operand = expr(ctx.expr());
            Expr.UnaryOp op = ctx.op.getType() == OptLexer.MINUS ? Expr.UnaryOp.NEGATE : Expr.UnaryOp.NOT;
            // `-3` is a literal, so that `x: 2 = [3, -2]` and `lr = -1e-3` need no folding to be constants.
            if (op == Expr.UnaryOp.NEGATE && operand instanceof Expr.Number n) {
                return new Expr.Number(-n.value(), "-" + n.text(), span(ctx));
            }
            return new Expr.Unary(op, operand, span(ctx));
        }

        @Override
        public Expr visitMultiplicativeExpr(OptParser.MultiplicativeExprContext ctx) { return binary(ctx, ctx.op); }

        @Override
        public Expr visitAdditiveExpr(OptParser.AdditiveExprContext ctx) { return binary(ctx, ctx.op); }

        @Override
        public Expr visitComparisonExpr(OptParser.ComparisonExprContext ctx) { return binary(ctx, ctx.op); }

        @Override
        public Expr visitAndExpr(OptParser.AndExprContext ctx) {
            return new Expr.Binary(Expr.BinaryOp.AND, expr(ctx.expr(0)), expr(ctx.expr(1)), span(ctx));
        }

        @Override
        public Expr visitOrExpr(OptParser.OrExprContext ctx) {
            return new Expr.Binary(Expr.BinaryOp.OR, expr(ctx.expr(0)), expr(ctx.expr(1)), span(ctx));
        }

        @Override
        public Expr visitConditionalExpr(OptParser.ConditionalExprContext ctx) {
            return new Expr.Conditional(expr(ctx.expr(0)), expr(ctx.expr(1)), expr(ctx.expr(2)), span(ctx));
        }

        private Expr binary(OptParser.ExprContext ctx, Token op) {
            return new Expr.Binary(Expr.BinaryOp.of(op.getText()), expr(ctx.getRuleContext(OptParser.ExprContext.class, 0)),
                    expr(ctx.getRuleContext(OptParser.ExprContext.class, 1)), span(ctx));
        }

        @Override
        public Expr visitNumberLiteral(OptParser.NumberLiteralContext ctx) {
            String text = ctx.NUMBER().getText();
            return new Expr.Number(Double.parseDouble(text), text, span(ctx));
        }

        @Override
        public Expr visitQuantityLiteral(OptParser.QuantityLiteralContext ctx) {
            String[] parts = ctx.QUANTITY().getText().trim().split("[ \t]+");
            Expr.Unit unit = parts[1].startsWith("epoch") ? Expr.Unit.EPOCHS : Expr.Unit.STEPS;
            return new Expr.Quantity(Double.parseDouble(parts[0]), unit, span(ctx));
        }

        @Override
        public Expr visitStringLiteral(OptParser.StringLiteralContext ctx) {
            return new Expr.Str(unquote(ctx.STRING().getText()), span(ctx));
        }

        @Override
        public Expr visitBooleanLiteral(OptParser.BooleanLiteralContext ctx) {
            return new Expr.Bool(ctx.TRUE() != null, span(ctx));
        }

        @Override
        public Expr visitCallExpr(OptParser.CallExprContext ctx) {
            List<Expr.Argument> args = new ArrayList<>();
            if (ctx.argumentList() != null) {
                for (OptParser.ArgumentContext a : ctx.argumentList().argument()) {
                    args.add(new Expr.Argument(a.name == null ? null : identifier(a.name.getStart()), expr(a.expr()), span(a)));
                }
            }
            return new Expr.Call(identifier(ctx.IDENT().getSymbol()), args, span(ctx));
        }

        @Override
        public Expr visitNameExpr(OptParser.NameExprContext ctx) {
            return new Expr.Name(ctx.IDENT().getText(), span(ctx));
        }

        @Override
        public Expr visitParenExpr(OptParser.ParenExprContext ctx) { return expr(ctx.expr()); }

        @Override
        public Expr visitListExpr(OptParser.ListExprContext ctx) {
            List<Expr> elements = new ArrayList<>();
            for (OptParser.ListElementContext e : ctx.listElement()) {
                Expr value = expr(e.expr(0));
                elements.add(e.targets == null ? value : new Expr.For(value, expr(e.targets), span(e)));
            }
            return new Expr.ListOf(elements, span(ctx));
        }
    };

    // ---- helpers ----

    /** True when the subtree holds a syntax error: ANTLR marks it with an exception or an error node. */
    private static boolean damaged(ParseTree tree) {
        if (tree instanceof ErrorNode) return true;
        // A token the parser conjured up to recover (a missing `=`) was never written.
        if (tree instanceof TerminalNode leaf && leaf.getSymbol().getTokenIndex() < 0) return true;
        if (tree instanceof ParserRuleContext rule) {
            if (rule.exception != null) return true;
            for (int i = 0; i < rule.getChildCount(); i++) if (damaged(rule.getChild(i))) return true;
        }
        return false;
    }

    /** Whether a token was really in the source, not conjured up by error recovery: `name =` was written. */
    private static boolean written(TerminalNode node) {
        return node != null && node.getSymbol().getTokenIndex() >= 0;
    }

    private Identifier identifier(Token token) {
        if (token == null || token.getTokenIndex() < 0) return null;
        return new Identifier(token.getText(), span(token));
    }

    private SourceSpan span(Token token) {
        return new SourceSpan(file, file.charOffset(token.getStartIndex()), file.charOffset(token.getStopIndex() + 1));
    }

    private SourceSpan span(ParserRuleContext ctx) {
        Token stop = ctx.getStop() == null || ctx.getStop().getType() == Token.EOF ? ctx.getStart() : ctx.getStop();
        int end = Math.max(ctx.getStart().getStartIndex(), stop.getStopIndex() + 1);
        return new SourceSpan(file, file.charOffset(ctx.getStart().getStartIndex()), file.charOffset(end));
    }

    private static String unquote(String quoted) {
        String body = quoted.substring(1, quoted.length() - 1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length()) {
                char n = body.charAt(++i);
                out.append(switch (n) { case 'n' -> '\n'; case 't' -> '\t'; default -> n; });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
