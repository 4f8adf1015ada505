package dev.optc.ast;

import java.util.List;

/** Prints an AST as an indented tree with the line and column of every node (`optc emit --ast`). */
public final class AstPrinter {
    private final StringBuilder out = new StringBuilder();

    public String print(Program program) {
        for (Program.Import i : program.imports()) line(0, "import \"" + i.path() + "\"", i.span());
        for (Decl d : program.declarations()) decl(d);
        return out.toString();
    }

    private void decl(Decl d) {
        switch (d) {
            case Decl.OptimizerDecl o -> {
                line(0, "optimizer " + o.name().text(), o.span());
                params(o.hyperparameters());
                for (OptimizerStatement s : o.body()) {
                    switch (s) {
                        case OptimizerStatement.State st -> {
                            line(1, "state", st.span());
                            for (OptimizerStatement.StateInit i : st.inits()) {
                                line(2, i.name().text() + " =", i.span());
                                expr(3, i.initial());
                            }
                        }
                        case OptimizerStatement.Let l -> {
                            line(1, "let " + l.name().text(), l.span());
                            expr(2, l.value());
                        }
                        case OptimizerStatement.Lookahead l -> {
                            line(1, "lookahead", l.span());
                            expr(2, l.point());
                        }
                        case OptimizerStatement.Update u -> {
                            line(1, u.target().text() + " " + u.op().symbol, u.span());
                            expr(2, u.value());
                        }
                    }
                }
            }
            case Decl.ModelDecl m -> {
                line(0, "model " + m.name().text(), m.span());
                params(m.inputs());
                if (m.output() != null) {
                    line(1, "->", m.output().span());
                    expr(2, m.output());
                }
                body(m.body());
            }
            case Decl.ObjectiveDecl o -> {
                line(0, "objective " + o.name().text(), o.span());
                params(o.params());
                body(o.body());
            }
            case Decl.RecipeDecl r -> {
                line(0, "recipe " + r.name().text(), r.span());
                for (Decl.Setting s : r.settings()) {
                    line(1, s.name().text() + " =", s.span());
                    expr(2, s.value());
                }
            }
        }
    }

    private void params(List<Decl.Param> params) {
        for (Decl.Param p : params) {
            line(1, "param " + p.name().text(), p.span());
            if (p.type() != null) {
                line(2, "type", p.type().span());
                expr(3, p.type());
            }
            if (p.value() != null) {
                line(2, "value", p.value().span());
                expr(3, p.value());
            }
        }
    }

    private void body(List<BodyStatement> body) {
        for (BodyStatement s : body) {
            switch (s) {
                case BodyStatement.Bind b -> {
                    line(1, b.name().text() + " =", b.span());
                    expr(2, b.value());
                }
                case BodyStatement.Return r -> {
                    line(1, "return", r.span());
                    expr(2, r.value());
                }
            }
        }
    }

    private void expr(int depth, Expr e) {
        switch (e) {
            case Expr.Number n -> line(depth, "number " + n.text(), n.span());
            case Expr.Invalid i -> line(depth, "invalid (a syntax error)", i.span());
            case Expr.Quantity q -> line(depth, "quantity " + q.value() + " " + q.unit().name().toLowerCase(), q.span());
            case Expr.Str s -> line(depth, "string \"" + s.value() + "\"", s.span());
            case Expr.Bool b -> line(depth, "bool " + b.value(), b.span());
            case Expr.Name n -> line(depth, "name " + n.name(), n.span());
            case Expr.Call c -> {
                line(depth, "call " + c.callee().text(), c.span());
                for (Expr.Argument a : c.arguments()) {
                    if (a.name() != null) {
                        line(depth + 1, a.name().text() + ":", a.span());
                        expr(depth + 2, a.value());
                    } else {
                        expr(depth + 1, a.value());
                    }
                }
            }
            case Expr.ListOf l -> {
                line(depth, "list", l.span());
                l.elements().forEach(x -> expr(depth + 1, x));
            }
            case Expr.For f -> {
                line(depth, "for", f.span());
                expr(depth + 1, f.value());
                expr(depth + 1, f.targets());
            }
            case Expr.Member m -> {
                line(depth, "member ." + m.member().text(), m.span());
                expr(depth + 1, m.target());
            }
            case Expr.Index i -> {
                line(depth, "index", i.span());
                expr(depth + 1, i.target());
                i.indices().forEach(x -> expr(depth + 1, x));
            }
            case Expr.Unary u -> {
                line(depth, "unary " + u.op().symbol, u.span());
                expr(depth + 1, u.operand());
            }
            case Expr.Binary b -> {
                line(depth, "binary " + b.op().symbol, b.span());
                expr(depth + 1, b.left());
                expr(depth + 1, b.right());
            }
            case Expr.Conditional c -> {
                line(depth, "conditional", c.span());
                expr(depth + 1, c.condition());
                expr(depth + 1, c.then());
                expr(depth + 1, c.otherwise());
            }
        }
    }

    private void line(int depth, String text, dev.optc.diagnostics.SourceSpan span) {
        out.append("  ".repeat(depth)).append(text).append("  @").append(span.line()).append(':').append(span.column()).append('\n');
    }
}
