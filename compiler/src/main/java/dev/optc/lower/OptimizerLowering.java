package dev.optc.lower;

import dev.optc.ast.Decl;
import dev.optc.ast.Expr;
import dev.optc.ast.OptimizerStatement;
import dev.optc.ir.ElementExpr;
import dev.optc.ir.ElementExpr.BinaryFn;
import dev.optc.ir.ElementExpr.UnaryFn;
import dev.optc.ir.ElementStmt;
import dev.optc.ir.UpdateKernel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A checked optimizer declaration, with the hyperparameter values a recipe chose, to an {@link UpdateKernel}:
 * names become references (θ, g, t, hyperparameters, state, lets), compound assignments are spelled out
 * (`theta -= e` is `theta = theta - e`), `clamp(x, lo, hi)` becomes `min(max(x, lo), hi)`.
 */
public final class OptimizerLowering {

    public UpdateKernel lower(Decl.OptimizerDecl decl, Map<String, Double> hyperparameterValues) {
        List<UpdateKernel.Hyperparameter> hypers = new ArrayList<>();
        Map<String, Integer> hyperIndex = new HashMap<>();
        for (Decl.Param p : decl.hyperparameters()) {
            hyperIndex.put(p.name().text(), hypers.size());
            hypers.add(new UpdateKernel.Hyperparameter(p.name().text(), hyperparameterValues.get(p.name().text())));
        }
        Scope scope = new Scope(hyperIndex);
        List<UpdateKernel.StateArray> states = new ArrayList<>();
        List<ElementStmt> body = new ArrayList<>();
        ElementExpr lookahead = null;
        for (OptimizerStatement s : decl.body()) {
            switch (s) {
                case OptimizerStatement.State st -> {
                    for (OptimizerStatement.StateInit init : st.inits()) {
                        scope.states.put(init.name().text(), states.size());
                        states.add(new UpdateKernel.StateArray(init.name().text(), scope.expr(init.initial())));
                    }
                }
                case OptimizerStatement.Let let -> {
                    ElementExpr value = scope.expr(let.value());
                    int index = scope.locals.size();
                    scope.locals.put(let.name().text(), index);
                    body.add(new ElementStmt.SetLocal(index, value));
                }
                case OptimizerStatement.Lookahead la -> lookahead = scope.expr(la.point());
                case OptimizerStatement.Update up -> {
                    String target = up.target().text();
                    ElementExpr current = target.equals("theta") ? new ElementExpr.Theta()
                            : new ElementExpr.State(scope.states.get(target));
                    ElementExpr value = scope.expr(up.value());
                    ElementExpr assigned = switch (up.op()) {
                        case SET -> value;
                        case ADD -> new ElementExpr.Binary(BinaryFn.ADD, current, value);
                        case SUBTRACT -> new ElementExpr.Binary(BinaryFn.SUBTRACT, current, value);
                        case MULTIPLY -> new ElementExpr.Binary(BinaryFn.MULTIPLY, current, value);
                        case DIVIDE -> new ElementExpr.Binary(BinaryFn.DIVIDE, current, value);
                    };
                    body.add(target.equals("theta") ? new ElementStmt.SetTheta(assigned)
                            : new ElementStmt.SetState(scope.states.get(target), assigned));
                }
            }
        }
        return new UpdateKernel(decl.name().text(), hypers, states, List.of(), lookahead, body, scope.locals.size(), -1);
    }

    private static final class Scope {
        final Map<String, Integer> hypers;
        final Map<String, Integer> states = new HashMap<>();
        final Map<String, Integer> locals = new HashMap<>();

        Scope(Map<String, Integer> hypers) {
            this.hypers = hypers;
        }

        ElementExpr expr(Expr e) {
            return switch (e) {
                case Expr.Number n -> new ElementExpr.Const(n.value());
                case Expr.Name n -> name(n.name());
                case Expr.Unary u -> new ElementExpr.Unary(u.op() == Expr.UnaryOp.NEGATE ? UnaryFn.NEGATE : UnaryFn.NOT, expr(u.operand()));
                case Expr.Binary b -> new ElementExpr.Binary(switch (b.op()) {
                    case ADD -> BinaryFn.ADD;
                    case SUBTRACT -> BinaryFn.SUBTRACT;
                    case MULTIPLY -> BinaryFn.MULTIPLY;
                    case DIVIDE -> BinaryFn.DIVIDE;
                    case POWER -> BinaryFn.POWER;
                    case LESS -> BinaryFn.LESS;
                    case LESS_EQUAL -> BinaryFn.LESS_EQUAL;
                    case GREATER -> BinaryFn.GREATER;
                    case GREATER_EQUAL -> BinaryFn.GREATER_EQUAL;
                    case EQUAL -> BinaryFn.EQUAL;
                    case NOT_EQUAL -> BinaryFn.NOT_EQUAL;
                    case AND -> BinaryFn.AND;
                    case OR -> BinaryFn.OR;
                    case MATMUL -> throw new IllegalStateException("the checker rejects @ in update rules");
                }, expr(b.left()), expr(b.right()));
                case Expr.Conditional c -> new ElementExpr.Select(expr(c.condition()), expr(c.then()), expr(c.otherwise()));
                case Expr.Call c -> call(c);
                default -> throw new IllegalStateException("the checker rejects " + e + " in update rules");
            };
        }

        private ElementExpr call(Expr.Call c) {
            List<ElementExpr> args = c.arguments().stream().map(a -> expr(a.value())).toList();
            return switch (c.callee().text()) {
                case "sqrt" -> new ElementExpr.Unary(UnaryFn.SQRT, args.get(0));
                case "exp" -> new ElementExpr.Unary(UnaryFn.EXP, args.get(0));
                case "log" -> new ElementExpr.Unary(UnaryFn.LOG, args.get(0));
                case "abs" -> new ElementExpr.Unary(UnaryFn.ABS, args.get(0));
                case "sign" -> new ElementExpr.Unary(UnaryFn.SIGN, args.get(0));
                case "min" -> new ElementExpr.Binary(BinaryFn.MIN, args.get(0), args.get(1));
                case "max" -> new ElementExpr.Binary(BinaryFn.MAX, args.get(0), args.get(1));
                case "clamp" -> new ElementExpr.Binary(BinaryFn.MIN, new ElementExpr.Binary(BinaryFn.MAX, args.get(0), args.get(1)), args.get(2));
                default -> throw new IllegalStateException("the checker rejects function " + c.callee().text());
            };
        }

        private ElementExpr name(String name) {
            return switch (name) {
                case "theta" -> new ElementExpr.Theta();
                case "g" -> new ElementExpr.Grad();
                case "t" -> new ElementExpr.Step();
                default -> {
                    if (locals.containsKey(name)) yield new ElementExpr.Local(locals.get(name));
                    if (states.containsKey(name)) yield new ElementExpr.State(states.get(name));
                    yield new ElementExpr.Hyper(hypers.get(name));
                }
            };
        }
    }
}
