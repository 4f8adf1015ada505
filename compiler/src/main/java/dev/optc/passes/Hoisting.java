package dev.optc.passes;

import dev.optc.ir.ElementExpr;
import dev.optc.ir.ElementStmt;
import dev.optc.ir.UpdateKernel;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves every maximal subexpression that is the same for all elements (made of constants, hyperparameters and t,
 * such as `1 - rho1 ^ t` or `lr / (1 - rho1 ^ t)`) out of the element loop into a per-step scalar. Equal
 * subexpressions share one scalar. A bare constant stays where it is: the generated code loads it directly.
 */
public final class Hoisting {
    private final List<ElementExpr> scalars = new ArrayList<>();

    public UpdateKernel apply(UpdateKernel kernel) {
        List<ElementStmt> body = kernel.body().stream().map(this::hoist).toList();
        ElementExpr lookahead = kernel.lookahead() == null ? null : hoist(kernel.lookahead());
        return kernel.withBody(List.copyOf(scalars), lookahead, body, kernel.locals());
    }

    private ElementStmt hoist(ElementStmt s) {
        return switch (s) {
            case ElementStmt.SetTheta t -> new ElementStmt.SetTheta(hoist(t.value()));
            case ElementStmt.SetState st -> new ElementStmt.SetState(st.index(), hoist(st.value()));
            case ElementStmt.SetLocal l -> new ElementStmt.SetLocal(l.index(), hoist(l.value()));
        };
    }

    private ElementExpr hoist(ElementExpr e) {
        if (e instanceof ElementExpr.Const) return e;
        if (ElementExpr.uniform(e)) {
            int index = scalars.indexOf(e);
            if (index < 0) {
                index = scalars.size();
                scalars.add(e);
            }
            return new ElementExpr.Scalar(index);
        }
        return switch (e) {
            case ElementExpr.Unary u -> new ElementExpr.Unary(u.fn(), hoist(u.operand()));
            case ElementExpr.Binary b -> new ElementExpr.Binary(b.fn(), hoist(b.left()), hoist(b.right()));
            case ElementExpr.Select s -> new ElementExpr.Select(hoist(s.condition()), hoist(s.then()), hoist(s.otherwise()));
            default -> e;
        };
    }
}
