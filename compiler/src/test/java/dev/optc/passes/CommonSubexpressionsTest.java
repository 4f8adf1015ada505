package dev.optc.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompilationFailed;
import dev.optc.api.CompiledRecipe;
import dev.optc.api.Optc;
import dev.optc.check.CheckedRecipe;
import dev.optc.interpret.UpdateInterpreter;
import dev.optc.ir.ElementExpr;
import dev.optc.ir.ElementExpr.BinaryFn;
import dev.optc.ir.ElementExpr.UnaryFn;
import dev.optc.ir.ElementStmt;
import dev.optc.ir.UpdateKernel;
import dev.optc.lower.OptimizerLowering;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Repeated element expressions computed once: on rules written here, the shared expression is assigned to one new
 * local and read from it at every use, never across an assignment of what it reads; and on every prelude optimizer
 * and these rules (also with decay, clipping and averaging fused around them) the interpreter runs the kernel
 * before and after the pass to the same bits over 20 steps. UpdateBackendTest runs these rules too, comparing the
 * generated scalar and vector kernels of the shared kernel with the interpreter.
 */
public class CommonSubexpressionsTest {
    /** sign(g) twice and sqrt(|g| + 1) twice, in different statements; |g| occurs only inside the root. */
    public static final String REPEATS = """
            optimizer repeats(lr = 0.01, rho = 0.9) {
                state s = 0, r = 1
                s = rho * s + (1 - rho) * sign(g)
                r = rho * r + (1 - rho) * sqrt(abs(g) + 1) * g
                theta -= lr * sign(g) * sqrt(abs(g) + 1)
            }
            """;

    /**
     * r * r three times: twice reading r before `r = …` is stored (the assignment's own right-hand side included),
     * once after; only the first two are the same value.
     */
    public static final String STRADDLE = """
            optimizer straddle(lr = 0.01) {
                state r = 0.5, u = 0
                u = r * r + g
                r = r * r - g * g
                theta -= lr * (r * r + u)
            }
            """;

    /** |g| in both branches of two selections and in a condition. */
    public static final String BRANCHES = """
            optimizer branches(lr = 0.01) {
                state m = 0
                m = m > 0 ? m * abs(g) : m - abs(g)
                theta -= lr * (abs(g) > 0.5 ? sign(g) : g * abs(g))
            }
            """;

    private static final ElementExpr G = new ElementExpr.Grad();
    private static final ElementExpr R = new ElementExpr.State(0);

    @Test
    void aRepeatedExpressionIsComputedOnceIntoALocal() {
        UpdateKernel before = unshared(compile(REPEATS, "repeats()"));
        UpdateKernel after = new CommonSubexpressions().apply(before);
        ElementExpr sign = new ElementExpr.Unary(UnaryFn.SIGN, G);
        ElementExpr root = new ElementExpr.Unary(UnaryFn.SQRT,
                new ElementExpr.Binary(BinaryFn.ADD, new ElementExpr.Unary(UnaryFn.ABS, G), new ElementExpr.Const(1)));
        assertEquals(2, occurrences(before, sign), "the rule as lowered computes sign(g) twice");
        assertEquals(2, occurrences(before, root), "the rule as lowered computes the root twice");

        for (ElementExpr shared : List.of(sign, root)) {
            assertEquals(1, occurrences(after, shared), shared + " left in " + after.body());
            int local = onlySetLocalOf(after, shared);
            assertTrue(local >= before.locals(), "a new local, not a let's: " + local);
            assertEquals(2, occurrences(after, new ElementExpr.Local(local)), "reads of the shared " + shared);
            assertTrue(definedBeforeRead(after, local), "local " + local + " is read before it is assigned: " + after.body());
        }
        assertEquals(1, occurrences(after, new ElementExpr.Unary(UnaryFn.ABS, G)),
                "|g| occurs only inside the root, so it is not shared on its own: " + after.body());
        assertEquals(before.locals() + 2, after.locals());
        assertEquals(before.body().size() + 2, after.body().size());
        assertEquals(before.lookahead(), after.lookahead());
    }

    @Test
    void nothingIsSharedAcrossAnAssignmentOfWhatItReads() {
        UpdateKernel before = unshared(compile(STRADDLE, "straddle()"));
        UpdateKernel after = new CommonSubexpressions().apply(before);
        ElementExpr square = new ElementExpr.Binary(BinaryFn.MULTIPLY, R, R);
        assertEquals(3, occurrences(before, square));

        // The two reads of r before its store share one local, assigned before the first; the read after keeps r * r.
        int local = onlySetLocalOf(after, square);
        assertEquals(2, occurrences(after, new ElementExpr.Local(local)));
        assertTrue(definedBeforeRead(after, local), after.body().toString());
        assertEquals(2, occurrences(after, square), "the definition and the read after r's store: " + after.body());
        ElementStmt last = after.body().get(after.body().size() - 1);
        assertInstanceOf(ElementStmt.SetTheta.class, last);
        assertEquals(1, count(last.value(), square), "θ's update reads r after it was assigned: " + last);
        assertEquals(0, count(last.value(), new ElementExpr.Local(local)), "θ's update reads the old r*r: " + last);
        assertEquals(before.locals() + 1, after.locals());
    }

    static Stream<Arguments> rules() {
        List<Arguments> rules = new ArrayList<>();
        for (String name : List.of("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "rmsprop_nesterov", "adam",
                "adadelta", "delta_bar_delta", "adamw", "amsgrad", "nadam", "lion")) {
            rules.add(Arguments.of(name, "", name + "()", ""));
        }
        rules.add(Arguments.of("repeats", REPEATS, "repeats()", ""));
        rules.add(Arguments.of("straddle", STRADDLE, "straddle()", ""));
        rules.add(Arguments.of("branches", BRANCHES, "branches()", ""));
        // Clipping and decay put g into a local that the rule reads; averaging appends a statement after θ's.
        rules.add(Arguments.of("repeats, fused", REPEATS, "repeats()", "decay = 0.01\n clip = value(0.5)\n average = polyak()\n"));
        rules.add(Arguments.of("nadam, fused", "", "nadam()", "decay = 0.01\n clip = value(0.5)\n average = ema(0.9)\n"));
        return rules.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void theSharedKernelComputesTheSameBits(String name, String declarations, String setting, String around) {
        UpdateKernel before = unshared(compile(declarations, setting, around));
        UpdateKernel after = new CommonSubexpressions().apply(before);
        if (!declarations.isEmpty()) assertTrue(after.locals() > before.locals(), "nothing shared in " + name);
        int n = 64;
        SplittableRandom random = new SplittableRandom(name.hashCode());
        UpdateInterpreter asWritten = new UpdateInterpreter(before, n);
        UpdateInterpreter shared = new UpdateInterpreter(after, n);
        double[] theta = values(random, n);
        double[] sharedTheta = theta.clone();
        // States from random values in (0.05, 1), where every rule's roots and quotients are defined.
        for (int s = 0; s < before.states().size(); s++) {
            for (int i = 0; i < n; i++) {
                double v = random.nextDouble(0.05, 1);
                asWritten.setState(s, i, v);
                shared.setState(s, i, v);
            }
        }
        for (long t = 1; t <= 20; t++) {
            String at = name + ", step " + t;
            double[] point = asWritten.lookahead(theta, t);
            double[] sharedPoint = shared.lookahead(sharedTheta, t);
            double[] g = values(random, n);
            asWritten.step(theta, g, t);
            shared.step(sharedTheta, g, t);
            for (int i = 0; i < n; i++) {
                assertEquals(point[i], sharedPoint[i], at + ", lookahead point " + i);
                assertEquals(theta[i], sharedTheta[i], at + ", θ[" + i + "]");
                for (int s = 0; s < before.states().size(); s++) {
                    assertEquals(asWritten.state(s, i), shared.state(s, i), at + ", state " + before.states().get(s).name() + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void theCompilerRunsThePass() {
        CompiledRecipe recipe = compile(REPEATS, "repeats()");
        assertEquals(unshared(recipe).locals() + 2, recipe.updateKernel().locals());
    }

    /** Uniform in (−1, 1), an eighth from {±1, ±0.5, ±0}: ties for the comparisons and sign. */
    private static double[] values(SplittableRandom random, int n) {
        double[] special = {-1, -0.5, -0.0, 0, 0.5, 1};
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = random.nextInt(8) == 0 ? special[random.nextInt(special.length)] : random.nextDouble(-1, 1);
        return out;
    }

    private static CompiledRecipe compile(String declarations, String setting) {
        return compile(declarations, setting, "");
    }

    /** A recipe with a four-parameter model and the optimizer setting; the data file is never read. */
    private static CompiledRecipe compile(String declarations, String setting, String around) {
        String source = declarations + "\n"
                + "model Flat(x: 1) -> 4 { return dense(x, 4, bias: false) }\n"
                + "recipe r {\n"
                + "    data = csv(\"unused.csv\")\n"
                + "    model = Flat\n"
                + "    loss = mse\n"
                + "    optimizer = " + setting + "\n"
                + around
                + "}\n";
        try {
            return Optc.compile(source, "cse.opt").first();
        } catch (CompilationFailed e) {
            throw new AssertionError("the test recipe does not compile:\n" + e.getMessage() + "\n" + source, e);
        }
    }

    /** The recipe's update rule through the passes before this one. */
    private static UpdateKernel unshared(CompiledRecipe recipe) {
        CheckedRecipe checked = recipe.recipe();
        UpdateKernel k = new OptimizerLowering().lower(checked.optimizer().rule(), checked.optimizer().hyperparameters());
        k = new Fusion().apply(k, checked.around());
        return new Hoisting().apply(new ScalarDivisors().apply(new ConstantFolding().apply(k)));
    }

    /** The index of the one SetLocal whose value is {@code e}. */
    private static int onlySetLocalOf(UpdateKernel kernel, ElementExpr e) {
        List<Integer> locals = kernel.body().stream().filter(s -> s instanceof ElementStmt.SetLocal && s.value().equals(e))
                .map(s -> ((ElementStmt.SetLocal) s).index()).toList();
        assertEquals(1, locals.size(), "locals assigned " + e + ": " + kernel.body());
        return locals.get(0);
    }

    private static boolean definedBeforeRead(UpdateKernel kernel, int local) {
        for (ElementStmt s : kernel.body()) {
            if (count(s.value(), new ElementExpr.Local(local)) > 0) return false;
            if (s instanceof ElementStmt.SetLocal l && l.index() == local) return true;
        }
        return false;
    }

    private static int occurrences(UpdateKernel kernel, ElementExpr e) {
        return kernel.body().stream().mapToInt(s -> count(s.value(), e)).sum();
    }

    /** How many times {@code e} occurs in {@code in}, nested ones included. */
    private static int count(ElementExpr in, ElementExpr e) {
        int self = in.equals(e) ? 1 : 0;
        return self + switch (in) {
            case ElementExpr.Unary u -> count(u.operand(), e);
            case ElementExpr.Binary b -> count(b.left(), e) + count(b.right(), e);
            case ElementExpr.Select s -> count(s.condition(), e) + count(s.then(), e) + count(s.otherwise(), e);
            default -> 0;
        };
    }
}
