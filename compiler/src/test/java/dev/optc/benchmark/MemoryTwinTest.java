package dev.optc.benchmark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.optc.api.CompilationFailed;
import dev.optc.api.CompiledRecipe;
import dev.optc.api.Optc;
import dev.optc.codegen.BytecodeVerification;
import dev.optc.ir.UpdateKernel;
import dev.optc.runtime.kernels.FusedUpdate;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The memory-only twin generated from a rule's IR: it verifies, and it reads and writes exactly the arrays the rule
 * does — checked element by element against the twin's formula written out here (θ + 10⁻⁷·g, s + 10⁻⁷·g, ...).
 */
class MemoryTwinTest {
    private static final float TINY = 1e-7f;
    private static final int N = 37;

    /** A rule with a state it only reads (a), one it only assigns (b) and one it never uses (c). */
    private static final String ODD = """
            optimizer odd(lr = 0.1) {
                state a = 2, b = 0, c = 5
                b = g
                theta -= lr * a * g
            }
            """;

    @Test
    void readsEveryStateTheRuleReadsAndWritesOnlyTheStatesItAssigns() {
        CompiledRecipe recipe = compile(ODD, "odd()");
        BytecodeVerification.verifyAll(List.of(MemoryTwin.generate(recipe, 0)));
        SplittableRandom random = new SplittableRandom(3);
        float[] theta = uniform(random), g = uniform(random), a = uniform(random), b = uniform(random), c = uniform(random);
        float[] theta0 = theta.clone(), a0 = a.clone(), c0 = c.clone();
        List<String> names = recipe.updateKernel().states().stream().map(UpdateKernel.StateArray::name).toList();
        float[][] states = new float[3][];
        states[names.indexOf("a")] = a;
        states[names.indexOf("b")] = b;
        states[names.indexOf("c")] = c;
        MemoryTwin.newInstance(recipe, 0).update(theta, g, null, states, new float[8], 0, N);
        for (int i = 0; i < N; i++) {
            assertEquals(theta0[i] + TINY * g[i] + TINY * a0[i], theta[i], "θ at " + i);
            assertEquals(TINY * g[i], b[i], "b, only assigned by the rule, at " + i);
        }
        assertArrayEquals(a0, a, "a is only read");
        assertArrayEquals(c0, c, "c is never used");
    }

    @Test
    void aRuleWithALookaheadReadsThetaFromItsCopyBeforeTheLookahead() {
        CompiledRecipe recipe = compile("", "nesterov()");
        BytecodeVerification.verifyAll(List.of(MemoryTwin.generate(recipe, 0)));
        SplittableRandom random = new SplittableRandom(5);
        float[] theta = uniform(random), g = uniform(random), origin = uniform(random), v = uniform(random);
        float[] origin0 = origin.clone(), v0 = v.clone();
        MemoryTwin.newInstance(recipe, 0).update(theta, g, origin, new float[][] {v}, new float[8], 0, N);
        for (int i = 0; i < N; i++) {
            assertEquals(origin0[i] + TINY * g[i], theta[i], "θ from origin at " + i);
            assertEquals(v0[i] + TINY * g[i], v[i], "v at " + i);
        }
        assertArrayEquals(origin0, origin);
    }

    /** Every rule of the prelude: the class verifies and touches its states as the rule's IR says. */
    @ParameterizedTest
    @ValueSource(strings = {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "rmsprop_nesterov", "adam", "adadelta",
            "delta_bar_delta", "adamw", "amsgrad", "nadam", "lion"})
    void everyPreludeRule(String rule) {
        CompiledRecipe recipe = compile("", rule + "()");
        BytecodeVerification.verifyAll(List.of(MemoryTwin.generate(recipe, 0)));
        UpdateKernel kernel = recipe.updateKernel();
        SplittableRandom random = new SplittableRandom(7);
        float[] theta = uniform(random), g = uniform(random), origin = uniform(random);
        float[] before = kernel.lookahead() != null ? origin.clone() : theta.clone();
        float[][] states = new float[kernel.states().size()][];
        float[][] initial = new float[states.length][];
        for (int s = 0; s < states.length; s++) {
            states[s] = uniform(random);
            initial[s] = states[s].clone();
        }
        FusedUpdate twin = MemoryTwin.newInstance(recipe, 0);
        twin.update(theta, g, kernel.lookahead() != null ? origin : null, states, new float[64], 0, N);
        for (int i = 0; i < N; i++) {
            float expected = before[i] + TINY * g[i];
            for (int s : kernel.statesRead()) if (!kernel.statesWritten().contains(s)) expected += TINY * initial[s][i];
            assertEquals(expected, theta[i], rule + ": θ at " + i);
        }
        for (int s = 0; s < states.length; s++) {
            for (int i = 0; i < N; i++) {
                float expected = !kernel.statesWritten().contains(s) ? initial[s][i]
                        : kernel.statesRead().contains(s) ? TINY * g[i] + initial[s][i] : TINY * g[i];
                assertEquals(expected, states[s][i], rule + ": state " + kernel.states().get(s).name() + " at " + i);
            }
        }
    }

    private static float[] uniform(SplittableRandom random) {
        float[] v = new float[N];
        for (int i = 0; i < N; i++) v[i] = (float) random.nextDouble(-1, 1);
        return v;
    }

    private static CompiledRecipe compile(String declarations, String optimizer) {
        String source = declarations + "\n"
                + "model Flat(x: 1) -> " + N + " { return dense(x, " + N + ", bias: false) }\n"
                + "recipe r {\n    data = csv(\"unused.csv\")\n    model = Flat\n    loss = mse\n    optimizer = " + optimizer + "\n}\n";
        try {
            return Optc.compile(source, "twin.opt").first();
        } catch (CompilationFailed e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
