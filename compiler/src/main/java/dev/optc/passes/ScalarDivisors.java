package dev.optc.passes;

import dev.optc.ir.ElementExpr;
import dev.optc.ir.ElementExpr.BinaryFn;
import dev.optc.ir.ElementStmt;
import dev.optc.ir.UpdateKernel;
import java.util.List;

/**
 * Turns a division of an element value by a value that is the same for every element, such as Adam's
 * {@code s / (1 - rho1 ^ t)}, into a multiplication by its reciprocal, which {@link Hoisting} then computes once per
 * step. A division costs several times a multiplication (on AVX-512, a 16-lane division issues every ~5 cycles, a
 * multiplication twice per cycle), and the rules that divide by such a value are the compute-bound ones: Adam's two
 * bias corrections are two of its three divisions per element.
 *
 * <p>x · (1/s) is rounded twice where x / s is rounded once, so the result may differ from the quotient in the last
 * bit; the interpreter, which runs on this IR in double, and both generated kernels compute the same expression.
 */
public final class ScalarDivisors {

    public UpdateKernel apply(UpdateKernel kernel) {
        List<ElementStmt> body = kernel.body().stream().map(this::rewrite).toList();
        ElementExpr lookahead = kernel.lookahead() == null ? null : rewrite(kernel.lookahead());
        return kernel.withBody(kernel.scalars(), lookahead, body, kernel.locals());
    }

    private ElementStmt rewrite(ElementStmt s) {
        return switch (s) {
            case ElementStmt.SetTheta t -> new ElementStmt.SetTheta(rewrite(t.value()));
            case ElementStmt.SetState st -> new ElementStmt.SetState(st.index(), rewrite(st.value()));
            case ElementStmt.SetLocal l -> new ElementStmt.SetLocal(l.index(), rewrite(l.value()));
        };
    }

    ElementExpr rewrite(ElementExpr e) {
        if (ElementExpr.uniform(e)) return e;
        return switch (e) {
            case ElementExpr.Unary u -> new ElementExpr.Unary(u.fn(), rewrite(u.operand()));
            case ElementExpr.Binary b when b.fn() == BinaryFn.DIVIDE && ElementExpr.uniform(b.right()) ->
                    new ElementExpr.Binary(BinaryFn.MULTIPLY, rewrite(b.left()), reciprocal(b.right()));
            case ElementExpr.Binary b -> new ElementExpr.Binary(b.fn(), rewrite(b.left()), rewrite(b.right()));
            case ElementExpr.Select s -> new ElementExpr.Select(rewrite(s.condition()), rewrite(s.then()), rewrite(s.otherwise()));
            default -> e;
        };
    }

    private static ElementExpr reciprocal(ElementExpr divisor) {
        if (divisor instanceof ElementExpr.Const c) return new ElementExpr.Const(1 / c.value());
        return new ElementExpr.Binary(BinaryFn.DIVIDE, new ElementExpr.Const(1), divisor);
    }
}
