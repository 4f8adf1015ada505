package dev.optc.passes;

import dev.optc.check.CheckedRecipe;
import dev.optc.ir.ElementExpr;
import dev.optc.ir.ElementExpr.BinaryFn;
import dev.optc.ir.ElementStmt;
import dev.optc.ir.UpdateKernel;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuses what a recipe puts around the update rule into the rule's own element loop, so one pass over the flat
 * buffer reads θ, g and each state once and writes each once:
 * <ul>
 *   <li>clipping by value: g ← clamp(g, −c, c); by global norm: g ← s·g, s computed once per step by the trainer;</li>
 *   <li>L2 weight decay: g ← g + λθ (after clipping, as PyTorch's optimizers add it);</li>
 *   <li>averaging after the rule: Polyak θ̂ ← θ̂ + (θ − θ̂)/t, i.e. θ̂(t) = (1/t) Σ θ(i); or the exponential moving
 *       average θ̂ ← α θ̂ + (1 − α) θ.</li>
 * </ul>
 * λ, c and α become hyperparameters of the kernel (run-time fields, like the rule's own).
 */
public final class Fusion {

    public UpdateKernel apply(UpdateKernel kernel, CheckedRecipe.Around around) {
        List<UpdateKernel.Hyperparameter> hypers = new ArrayList<>(kernel.hyperparameters());
        List<UpdateKernel.StateArray> states = new ArrayList<>(kernel.states());
        List<ElementStmt> body = new ArrayList<>();
        int locals = kernel.locals();

        ElementExpr g = new ElementExpr.Grad();
        if (around.clipValue() > 0) {
            ElementExpr c = hyper(hypers, "clip", around.clipValue());
            g = binary(BinaryFn.MIN, binary(BinaryFn.MAX, g, new ElementExpr.Unary(ElementExpr.UnaryFn.NEGATE, c)), c);
        }
        if (around.clipNorm() > 0) g = binary(BinaryFn.MULTIPLY, g, new ElementExpr.GradientScale());
        if (around.decay() > 0) {
            g = binary(BinaryFn.ADD, g, binary(BinaryFn.MULTIPLY, hyper(hypers, "decay", around.decay()), new ElementExpr.Theta()));
        }
        List<ElementStmt> rule = kernel.body();
        if (!(g instanceof ElementExpr.Grad)) {
            int local = locals++;
            body.add(new ElementStmt.SetLocal(local, g));
            ElementExpr replacement = new ElementExpr.Local(local);
            rule = rule.stream().map(s -> replaceGradient(s, replacement)).toList();
        }
        body.addAll(rule);

        int averageState = -1;
        if (around.average() != null) {
            averageState = states.size();
            states.add(new UpdateKernel.StateArray("average", new ElementExpr.Theta()));
            ElementExpr avg = new ElementExpr.State(averageState);
            ElementExpr theta = new ElementExpr.Theta();
            ElementExpr next = around.average().equals("polyak")
                    ? binary(BinaryFn.ADD, avg, binary(BinaryFn.MULTIPLY, binary(BinaryFn.SUBTRACT, theta, avg),
                            binary(BinaryFn.DIVIDE, new ElementExpr.Const(1), new ElementExpr.Step())))
                    : emaUpdate(avg, theta, hyper(hypers, "average_decay", around.emaDecay()));
            body.add(new ElementStmt.SetState(averageState, next));
        }
        return new UpdateKernel(kernel.rule(), List.copyOf(hypers), List.copyOf(states), kernel.scalars(), kernel.lookahead(),
                List.copyOf(body), locals, averageState);
    }

    private static ElementExpr emaUpdate(ElementExpr avg, ElementExpr theta, ElementExpr alpha) {
        return binary(BinaryFn.ADD, binary(BinaryFn.MULTIPLY, alpha, avg),
                binary(BinaryFn.MULTIPLY, binary(BinaryFn.SUBTRACT, new ElementExpr.Const(1), alpha), theta));
    }

    private static ElementExpr hyper(List<UpdateKernel.Hyperparameter> hypers, String name, double value) {
        hypers.add(new UpdateKernel.Hyperparameter(name, value));
        return new ElementExpr.Hyper(hypers.size() - 1);
    }

    private static ElementExpr binary(BinaryFn fn, ElementExpr a, ElementExpr b) {
        return new ElementExpr.Binary(fn, a, b);
    }

    private static ElementStmt replaceGradient(ElementStmt s, ElementExpr replacement) {
        return switch (s) {
            case ElementStmt.SetTheta t -> new ElementStmt.SetTheta(replace(t.value(), replacement));
            case ElementStmt.SetState st -> new ElementStmt.SetState(st.index(), replace(st.value(), replacement));
            case ElementStmt.SetLocal l -> new ElementStmt.SetLocal(l.index(), replace(l.value(), replacement));
        };
    }

    private static ElementExpr replace(ElementExpr e, ElementExpr replacement) {
        return switch (e) {
            case ElementExpr.Grad g -> replacement;
            case ElementExpr.Unary u -> new ElementExpr.Unary(u.fn(), replace(u.operand(), replacement));
            case ElementExpr.Binary b -> new ElementExpr.Binary(b.fn(), replace(b.left(), replacement), replace(b.right(), replacement));
            case ElementExpr.Select s -> new ElementExpr.Select(replace(s.condition(), replacement),
                    replace(s.then(), replacement), replace(s.otherwise(), replacement));
            default -> e;
        };
    }
}
