package dev.optc.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.interpret.UpdateInterpreter;
import dev.optc.ir.ElementExpr;
import dev.optc.ir.ElementExpr.BinaryFn;
import dev.optc.ir.ElementStmt;
import dev.optc.ir.UpdateKernel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Division by a per-step value becomes multiplication by its reciprocal, hoisted: checked on a rule written here,
 * θ ← θ − lr·(s/(1 − ρ^t)) / (δ + √(r/(1 − ρ2^t)) + |θ|/2) with s ← ρs + (1 − ρ)g and r ← r + g², which divides by
 * two bias corrections, by a constant and by an element value. The oracle is the interpreter on the same rule without
 * the pass: the two must agree to double rounding (1e-12 relative) over 20 steps, and the rewritten element loop must
 * divide only by the element value.
 */
class ScalarDivisorsTest {
    private static final ElementExpr LR = new ElementExpr.Hyper(0);
    private static final ElementExpr RHO = new ElementExpr.Hyper(1);
    private static final ElementExpr RHO2 = new ElementExpr.Hyper(2);
    private static final ElementExpr DELTA = new ElementExpr.Hyper(3);
    private static final ElementExpr S = new ElementExpr.State(0);
    private static final ElementExpr R = new ElementExpr.State(1);

    static UpdateKernel rule() {
        ElementExpr g = new ElementExpr.Grad();
        ElementExpr one = new ElementExpr.Const(1);
        ElementExpr correction = bin(BinaryFn.SUBTRACT, one, bin(BinaryFn.POWER, RHO, new ElementExpr.Step()));
        ElementExpr correction2 = bin(BinaryFn.SUBTRACT, one, bin(BinaryFn.POWER, RHO2, new ElementExpr.Step()));
        ElementExpr halfAbsTheta = bin(BinaryFn.DIVIDE, new ElementExpr.Unary(ElementExpr.UnaryFn.ABS, new ElementExpr.Theta()),
                new ElementExpr.Const(2));
        ElementExpr denominator = bin(BinaryFn.ADD, bin(BinaryFn.ADD, DELTA,
                new ElementExpr.Unary(ElementExpr.UnaryFn.SQRT, bin(BinaryFn.DIVIDE, R, correction2))), halfAbsTheta);
        List<ElementStmt> body = List.of(
                new ElementStmt.SetState(0, bin(BinaryFn.ADD, bin(BinaryFn.MULTIPLY, RHO, S),
                        bin(BinaryFn.MULTIPLY, bin(BinaryFn.SUBTRACT, one, RHO), g))),
                new ElementStmt.SetState(1, bin(BinaryFn.ADD, R, bin(BinaryFn.MULTIPLY, g, g))),
                new ElementStmt.SetTheta(bin(BinaryFn.SUBTRACT, new ElementExpr.Theta(),
                        bin(BinaryFn.DIVIDE, bin(BinaryFn.MULTIPLY, LR, bin(BinaryFn.DIVIDE, S, correction)), denominator))));
        return new UpdateKernel("test", List.of(new UpdateKernel.Hyperparameter("lr", 0.01), new UpdateKernel.Hyperparameter("rho", 0.9),
                new UpdateKernel.Hyperparameter("rho2", 0.99), new UpdateKernel.Hyperparameter("delta", 1e-8)),
                List.of(new UpdateKernel.StateArray("s", new ElementExpr.Const(0)), new UpdateKernel.StateArray("r", new ElementExpr.Const(0))),
                List.of(), null, body, 0, -1);
    }

    @Test
    void theElementLoopDividesOnlyByElementValues() {
        UpdateKernel before = new Hoisting().apply(new ConstantFolding().apply(rule()));
        UpdateKernel after = new Hoisting().apply(new ScalarDivisors().apply(new ConstantFolding().apply(rule())));
        assertEquals(4, divisors(before).size(), "the rule as written divides four times per element");
        List<ElementExpr> left = divisors(after);
        assertEquals(1, left.size(), "divisions left in the element loop: " + left);
        assertFalse(ElementExpr.uniform(left.get(0)));
        assertTrue(after.scalars().stream().anyMatch(s -> s instanceof ElementExpr.Binary b && b.fn() == BinaryFn.DIVIDE
                && b.left().equals(new ElementExpr.Const(1))), "the reciprocals are per-step scalars: " + after.scalars());
    }

    @Test
    void theRewrittenRuleComputesTheSameUpdate() {
        UpdateKernel before = new Hoisting().apply(new ConstantFolding().apply(rule()));
        UpdateKernel after = new Hoisting().apply(new ScalarDivisors().apply(new ConstantFolding().apply(rule())));
        int n = 64;
        SplittableRandom random = new SplittableRandom(5);
        double[] theta = new double[n];
        for (int i = 0; i < n; i++) theta[i] = random.nextDouble(-1, 1);
        double[] rewritten = theta.clone();
        UpdateInterpreter asWritten = new UpdateInterpreter(before, n);
        UpdateInterpreter withReciprocals = new UpdateInterpreter(after, n);
        for (long t = 1; t <= 20; t++) {
            double[] g = new double[n];
            for (int i = 0; i < n; i++) g[i] = random.nextDouble(-1, 1);
            asWritten.step(theta, g, t);
            withReciprocals.step(rewritten, g, t);
            for (int i = 0; i < n; i++) {
                assertEquals(theta[i], rewritten[i], 1e-12 * Math.max(1, Math.abs(theta[i])), "θ[" + i + "], step " + t);
                for (int s = 0; s < 2; s++) {
                    double expected = asWritten.state(s, i);
                    assertEquals(expected, withReciprocals.state(s, i), 1e-12 * Math.max(1, Math.abs(expected)));
                }
            }
        }
    }

    private static List<ElementExpr> divisors(UpdateKernel kernel) {
        List<ElementExpr> out = new ArrayList<>();
        for (ElementStmt s : kernel.body()) collectDivisors(s.value(), out);
        return out;
    }

    private static void collectDivisors(ElementExpr e, List<ElementExpr> out) {
        switch (e) {
            case ElementExpr.Unary u -> collectDivisors(u.operand(), out);
            case ElementExpr.Binary b -> {
                if (b.fn() == BinaryFn.DIVIDE) out.add(b.right());
                collectDivisors(b.left(), out);
                collectDivisors(b.right(), out);
            }
            case ElementExpr.Select s -> {
                collectDivisors(s.condition(), out);
                collectDivisors(s.then(), out);
                collectDivisors(s.otherwise(), out);
            }
            default -> {
            }
        }
    }

    private static ElementExpr bin(BinaryFn fn, ElementExpr a, ElementExpr b) {
        return new ElementExpr.Binary(fn, a, b);
    }
}
