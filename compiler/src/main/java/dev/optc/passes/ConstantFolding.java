package dev.optc.passes;

import dev.optc.interpret.ElementArithmetic;
import dev.optc.ir.ElementExpr;
import dev.optc.ir.ElementExpr.BinaryFn;
import dev.optc.ir.ElementExpr.Const;
import dev.optc.ir.ElementStmt;
import dev.optc.ir.UpdateKernel;
import java.util.List;

/**
 * Folds operations on constants (`1 - 0.9`), removes identities (`x * 1`, `x + 0`, `x - 0`, `x / 1`) and turns
 * `x ^ 2` into `x * x`, which is exact and far cheaper than pow.
 */
public final class ConstantFolding {

    public UpdateKernel apply(UpdateKernel kernel) {
        List<ElementStmt> body = kernel.body().stream().map(this::fold).toList();
        ElementExpr lookahead = kernel.lookahead() == null ? null : fold(kernel.lookahead());
        return kernel.withBody(kernel.scalars(), lookahead, body, kernel.locals());
    }

    private ElementStmt fold(ElementStmt s) {
        return switch (s) {
            case ElementStmt.SetTheta t -> new ElementStmt.SetTheta(fold(t.value()));
            case ElementStmt.SetState st -> new ElementStmt.SetState(st.index(), fold(st.value()));
            case ElementStmt.SetLocal l -> new ElementStmt.SetLocal(l.index(), fold(l.value()));
        };
    }

    public ElementExpr fold(ElementExpr e) {
        return switch (e) {
            case ElementExpr.Unary u -> {
                ElementExpr x = fold(u.operand());
                if (x instanceof Const c) yield new Const(ElementArithmetic.unary(u.fn(), c.value()));
                yield new ElementExpr.Unary(u.fn(), x);
            }
            case ElementExpr.Binary b -> binary(b.fn(), fold(b.left()), fold(b.right()));
            case ElementExpr.Select s -> {
                ElementExpr c = fold(s.condition());
                ElementExpr then = fold(s.then());
                ElementExpr otherwise = fold(s.otherwise());
                if (c instanceof Const k) yield k.value() != 0 ? then : otherwise;
                yield new ElementExpr.Select(c, then, otherwise);
            }
            default -> e;
        };
    }

    private static ElementExpr binary(BinaryFn fn, ElementExpr l, ElementExpr r) {
        if (l instanceof Const a && r instanceof Const b) return new Const(ElementArithmetic.binary(fn, a.value(), b.value()));
        switch (fn) {
            case MULTIPLY -> {
                if (isConst(l, 1)) return r;
                if (isConst(r, 1)) return l;
            }
            case ADD -> {
                if (isConst(l, 0)) return r;
                if (isConst(r, 0)) return l;
            }
            case SUBTRACT, DIVIDE -> {
                if (isConst(r, fn == BinaryFn.SUBTRACT ? 0 : 1)) return l;
            }
            case POWER -> {
                if (isConst(r, 1)) return l;
                if (isConst(r, 2) && !ElementExpr.uniform(l)) return new ElementExpr.Binary(BinaryFn.MULTIPLY, l, l);
            }
            default -> {
            }
        }
        return new ElementExpr.Binary(fn, l, r);
    }

    private static boolean isConst(ElementExpr e, double v) {
        return e instanceof Const c && c.value() == v;
    }
}
