package dev.optc.ast;

import dev.optc.diagnostics.SourceSpan;
import java.util.List;

/** A statement of an optimizer body; statements run in order, for every parameter element. */
public sealed interface OptimizerStatement {
    SourceSpan span();

    /** `state s = 0, r = 0`: per-element state with its initial value. */
    record State(List<StateInit> inits, SourceSpan span) implements OptimizerStatement {
    }

    record StateInit(Identifier name, Expr initial, SourceSpan span) {
    }

    /** `let s_hat = s / (1 - rho1 ^ t)`: a per-element temporary. */
    record Let(Identifier name, Expr value, SourceSpan span) implements OptimizerStatement {
    }

    /** `lookahead theta + alpha * v`: the gradient g is evaluated at this point. */
    record Lookahead(Expr point, SourceSpan span) implements OptimizerStatement {
    }

    /** `theta -= lr * g`: an assignment to theta or to a state. */
    record Update(Identifier target, AssignOp op, Expr value, SourceSpan span) implements OptimizerStatement {
    }

    enum AssignOp {
        SET("="), ADD("+="), SUBTRACT("-="), MULTIPLY("*="), DIVIDE("/=");

        public final String symbol;

        AssignOp(String symbol) { this.symbol = symbol; }
    }
}
