package dev.optc.optimizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.optc.api.CompiledRecipe;
import dev.optc.interpret.UpdateInterpreter;
import dev.optc.ir.ElementExpr;
import dev.optc.ir.ElementStmt;
import dev.optc.ir.UpdateKernel;
import dev.optc.passes.CommonSubexpressionsTest;
import dev.optc.runtime.kernels.Backend;
import dev.optc.runtime.kernels.FusedUpdate;
import dev.optc.runtime.vector.VectorSupport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The two generated implementations of every update rule, the SCALAR kernel and the VECTOR kernel, against the
 * double-precision reference interpreter, on random θ, g and states, over sizes that hit every tail of the vector
 * loop (1, lanes − 1, lanes, lanes + 1, the same past the kernel's aligning head, the prime 1000003, 2²⁰; lanes = 16
 * with AVX-512), for three steps, over
 * sub-ranges [from, to) that start off the vector grid and end in a tail, and with a check that an update of a
 * sub-range leaves everything outside it untouched. Every prelude optimizer runs with its defaults, and
 * {@link #EVERY_OP}, a rule written for this test, uses every element-wise operation of the language.
 * Three rules of {@code CommonSubexpressionsTest} check the locals the compiler adds for repeated expressions.
 *
 * <p>Scalar kernel vs interpreter: |kernel − interpreter| ≤ 1e-5·scale, where the scale of a value is the largest
 * magnitude it has had in the trajectory so far (plus lr for θ). The kernel computes a step in float32 (u ≈ 6e-8)
 * with ≤ 20 operations and per-step scalars rounded once, so a step adds ≤ ~20u of the magnitude of its terms. Those
 * terms are bounded by the values' past magnitudes: a state s = ρs + (1 − ρ)g that cancels from 0.05 to 1e-4 keeps
 * the absolute error it had at 0.05, and the terms of θ's step, which may cancel among themselves, are ~lr. 1e-5
 * leaves room for the few steps' ~1e-6 and is far below what a wrong operation, operand or constant produces. States
 * start at the IR's declared values in both (the interpreter cannot be given others) and are random from step 2 on,
 * after one random gradient. On the two large sizes the interpreter follows a sample (every 97th element, the first
 * and last vectors, around every sub-range boundary): the rule is element-wise, so element i's trajectory depends only
 * on element i's θ and g, and a smaller interpreter fed those follows the same trajectories at a tenth of the cost.
 *
 * <p>Vector kernel vs scalar kernel: bit for bit (every float, ±0 included) for rules whose element loop has only
 * operations IEEE 754 rounds correctly, which both backends then compute identically (+, −, ×, ÷, √, min, max, abs,
 * negation, sign, comparisons, selection; squares are folded to products and powers of t hoisted into the per-step
 * scalars): every prelude optimizer. Within 1e-6·scale (as above) for a rule with exp, log or a power left in the
 * element loop: the scalar kernel computes them with {@code Math} in double and rounds, the Vector API's float
 * versions are within 0.54 ulp of the exact value on this machine (measured), so the two differ by about an ulp, which
 * a well-conditioned rule carries through a few steps as a few ulps. (An ill-conditioned one can amplify it: with
 * b = log(1 + b + g²) a one-ulp difference in b moves 1 + b + g² to the next float, 16 ulps of the result, which is
 * why {@link #EVERY_OP} takes b's root as exp(log(b)/…).) These comparisons also run from fully random states, in
 * (0.05, 1), valid for every rule (no root or log of a negative number).
 *
 * <p>Discontinuities (delta-bar-delta's sign test, Lion's sign, the comparisons of {@link #EVERY_OP}) decide the same
 * way in float and in double unless the compared value is within rounding of its tie: probability ~1e-7 for a
 * continuous random value per element and step, so ~0.01 for the ~10⁵ element-steps compared with the interpreter
 * here, and none occurs with these seeds. Exact ties are exercised on purpose instead: an eighth of θ and g are drawn
 * from {±1, ±0.5, ±0.25, ±0}, on which clamp's bounds, `==`, `<=`, `>=` and the sign tests tie exactly and are
 * computed exactly in both precisions.
 */
class UpdateBackendTest {
    static final int LANES = lanes();
    static final int STEPS = 3;
    static final double INTERPRETER_TOLERANCE = 1e-5;
    static final double TRANSCENDENTAL_TOLERANCE = 1e-6;
    /** Above this size the interpreter follows a sample of the elements. */
    static final int FULLY_INTERPRETED = 4096;
    static final float[] SPECIAL = {-1f, -0.5f, -0.25f, -0f, 0f, 0.25f, 0.5f, 1f};

    /**
     * Every element-wise operation of the language: the six comparisons, `&&`, `||` and `!` (on comparisons and on
     * plain numbers), `?:` (on a comparison and on a plain number), sign, abs, min, max, clamp, exp, log, sqrt, a power
     * with a run-time exponent, a square (folded to a product), t, unary minus, the four arithmetic operators, lets,
     * three states (one initialised from a hyperparameter) and a lookahead that reads a state.
     */
    static final String EVERY_OP = """
            optimizer every_op(lr = 0.01, lo = -0.5, hi = 0.5, k = 1.5) {
                state a = 0, b = lr, c = 1
                lookahead theta - lr * a
                let gc = clamp(g, lo, hi)
                let big = abs(g) > hi || g <= lo
                let same = sign(g) == sign(a) && !(a == 0)
                let flag = (theta >= 0) != (g < 0)
                let odd = !a || (g && theta)
                a = same ? max(a, gc) : big ? min(a, -gc) : -a / 2 + gc
                b = flag ? b * exp(-abs(gc)) : exp(log(b) / (1 + g ^ 2))
                c = !big ? sqrt(c + g * g) : abs(g) ^ k
                theta -= lr / t * (a + b * sign(g) - gc / c) + lr * 0.5 * odd - (a ? lr * 0.25 : 0)
            }
            """;

    /** A rule to compile: its declarations (if not from the prelude) and the recipe's optimizer setting. */
    record Rule(String name, String declarations, String setting) {
        @Override
        public String toString() { return name; }
    }

    static List<Rule> rules() {
        List<Rule> rules = new ArrayList<>();
        for (String name : List.of("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "rmsprop_nesterov", "adam",
                "adadelta", "delta_bar_delta", "adamw", "amsgrad", "nadam", "lion")) {
            rules.add(new Rule(name, "", name + "()"));
        }
        rules.add(new Rule("every_op", EVERY_OP, "every_op(lr: 0.02, k: 1.7)"));
        // Rules whose repeated expressions the compiler computes once, into locals of its own.
        rules.add(new Rule("repeats", CommonSubexpressionsTest.REPEATS, "repeats()"));
        rules.add(new Rule("straddle", CommonSubexpressionsTest.STRADDLE, "straddle()"));
        rules.add(new Rule("branches", CommonSubexpressionsTest.BRANCHES, "branches()"));
        return rules;
    }

    static Stream<Arguments> rulesAndSizes() {
        // The vector kernel hands a head of up to 15 elements to the scalar one, so that its loop starts on a cache
        // line: the sizes around head + lanes run that loop once, with and without a tail.
        int head = dev.optc.runtime.kernels.ArrayAlignment.alignedStart(0, Integer.MAX_VALUE);
        int[] sizes = {1, LANES - 1, LANES, LANES + 1, head + LANES - 1, head + LANES, head + LANES + 1, 1000003, 1 << 20};
        return rules().stream().flatMap(r -> Arrays.stream(sizes).distinct().filter(n -> n > 0).mapToObj(n -> Arguments.of(r, n)));
    }

    private static final Map<Rule, CompiledRecipe> COMPILED = new ConcurrentHashMap<>();

    /** The kernels do not depend on the model's size: one compilation per rule serves every size. */
    static CompiledRecipe compiled(Rule rule) {
        return COMPILED.computeIfAbsent(rule, r -> FlatRecipe.compile(4, r.declarations(), r.setting()));
    }

    @Test
    void theRuleForEveryOperationUsesEveryOperation() {
        UpdateKernel kernel = compiled(rules().stream().filter(r -> r.name().equals("every_op")).findFirst().orElseThrow()).updateKernel();
        List<Object> seen = new ArrayList<>();
        for (ElementStmt s : kernel.body()) collectOperations(s.value(), seen);
        collectOperations(kernel.lookahead(), seen);
        List<Object> missing = new ArrayList<>(List.of(ElementExpr.UnaryFn.values()));
        missing.addAll(List.of(ElementExpr.BinaryFn.values()));
        missing.add(ElementExpr.Select.class);
        missing.removeAll(seen);
        assertEquals(List.of(), missing, "operations every_op does not exercise");
    }

    @ParameterizedTest(name = "{0}, n = {1}")
    @MethodSource("rulesAndSizes")
    void scalarKernelFollowsTheInterpreter(Rule rule, int n) {
        CompiledRecipe recipe = compiled(rule);
        UpdateKernel ir = recipe.updateKernel();
        FusedUpdate scalar = recipe.newUpdateKernel(Backend.SCALAR);
        SplittableRandom random = new SplittableRandom(n * 31L + rule.name().hashCode());
        float[] theta0 = randomValues(random, n, 1);
        Buffers kernel = new Buffers(theta0, initialStates(ir, theta0), ir.lookahead() != null);

        int[] sample = sample(n);
        UpdateInterpreter interpreter = new UpdateInterpreter(ir, sample.length);
        double[] theta = gather(theta0, sample);
        int stateCount = ir.states().size();
        for (int s = 0; s < stateCount; s++) {
            for (int j = 0; j < sample.length; j++) {
                assertEquals((float) interpreter.state(s, j), kernel.states[s][sample[j]], "initial " + ir.states().get(s).name());
            }
        }
        double lr = learningRate(ir);
        // The largest magnitude each value has had: errors of earlier steps stay when a later one cancels it.
        Magnitudes thetaScale = new Magnitudes(sample.length, lr);
        thetaScale.include(theta);
        Magnitudes[] stateScales = new Magnitudes[stateCount];
        double[][] states = interpreterStates(interpreter, ir, sample.length);
        for (int s = 0; s < stateCount; s++) {
            stateScales[s] = new Magnitudes(sample.length, 0);
            stateScales[s].include(states[s]);
        }
        for (long t = 1; t <= STEPS; t++) {
            float[] scalars = toFloat(interpreter.scalars(t));
            String at = rule + ", n = " + n + ", step " + t;
            // Odd steps run the whole range in one call, even steps in pieces that end off the vector grid.
            int[] cuts = t % 2 == 1 ? new int[] {0, n} : pieces(0, n, t);
            if (ir.lookahead() != null) {
                float[] unmoved = kernel.params.clone();
                for (int p = 0; p + 1 < cuts.length; p++) {
                    scalar.lookahead(kernel.params, kernel.origin, kernel.states, scalars, cuts[p], cuts[p + 1]);
                }
                double[] point = interpreter.lookahead(theta, t);
                Magnitudes pointScale = thetaScale.copy();
                pointScale.include(point);
                closeTo(at + ", lookahead point", kernel.params, sample, point, pointScale, INTERPRETER_TOLERANCE);
                assertArrayEquals(unmoved, kernel.origin, at + ": the origin is not θ as it was before the lookahead");
            }
            float[] g = randomValues(random, n, 1);
            for (int p = 0; p + 1 < cuts.length; p++) {
                scalar.update(kernel.params, g, kernel.origin, kernel.states, scalars, cuts[p], cuts[p + 1]);
            }
            interpreter.step(theta, gather(g, sample), t);
            thetaScale.include(theta);
            closeTo(at + ", θ", kernel.params, sample, theta, thetaScale, INTERPRETER_TOLERANCE);
            states = interpreterStates(interpreter, ir, sample.length);
            for (int s = 0; s < stateCount; s++) {
                stateScales[s].include(states[s]);
                closeTo(at + ", state " + ir.states().get(s).name(), kernel.states[s], sample, states[s], stateScales[s],
                        INTERPRETER_TOLERANCE);
            }
        }
        onlyTheRangeChanges(rule, n, ir, scalar, kernel, random);
    }

    @ParameterizedTest(name = "{0}, n = {1}")
    @MethodSource("rulesAndSizes")
    void vectorKernelMatchesTheScalarKernel(Rule rule, int n) {
        String unavailable = Backend.vectorUnavailableReason();
        Assumptions.assumeTrue(unavailable == null, () -> "no vector kernels here: " + unavailable);
        CompiledRecipe recipe = compiled(rule);
        UpdateKernel ir = recipe.updateKernel();
        FusedUpdate vector = recipe.newUpdateKernel(Backend.VECTOR);
        FusedUpdate scalar = recipe.newUpdateKernel(Backend.SCALAR);
        UpdateInterpreter scalarsOnly = new UpdateInterpreter(ir, 0);
        double tolerance = usesTranscendentals(ir) ? TRANSCENDENTAL_TOLERANCE : 0;
        SplittableRandom random = new SplittableRandom(n * 17L + rule.name().hashCode());
        boolean looksAhead = ir.lookahead() != null;
        double lr = learningRate(ir);

        // From the declared initial states, then from random ones.
        for (boolean randomStates : new boolean[] {false, true}) {
            float[] theta0 = randomValues(random, n, 1);
            float[][] states0 = randomStates ? randomStates(random, ir.states().size(), n) : initialStates(ir, theta0);
            Buffers v = new Buffers(theta0, states0, looksAhead);
            Buffers s = new Buffers(theta0, states0, looksAhead);
            Magnitudes thetaScale = new Magnitudes(n, lr);
            thetaScale.include(theta0);
            Magnitudes[] stateScales = new Magnitudes[states0.length];
            for (int k = 0; k < states0.length; k++) {
                stateScales[k] = new Magnitudes(n, 0);
                stateScales[k].include(states0[k]);
            }
            for (long t = 1; t <= STEPS; t++) {
                String at = rule + ", n = " + n + (randomStates ? ", random states" : "") + ", step " + t;
                float[] scalars = toFloat(scalarsOnly.scalars(t));
                // The two kernels split the range differently: the split must not matter.
                int[] vectorCuts = t % 2 == 1 ? new int[] {0, n} : pieces(0, n, t);
                int[] scalarCuts = t % 2 == 0 ? new int[] {0, n} : pieces(0, n, t);
                if (looksAhead) {
                    for (int p = 0; p + 1 < vectorCuts.length; p++) {
                        vector.lookahead(v.params, v.origin, v.states, scalars, vectorCuts[p], vectorCuts[p + 1]);
                    }
                    for (int p = 0; p + 1 < scalarCuts.length; p++) {
                        scalar.lookahead(s.params, s.origin, s.states, scalars, scalarCuts[p], scalarCuts[p + 1]);
                    }
                    Magnitudes pointScale = thetaScale.copy();
                    pointScale.include(s.params);
                    agree(at + ", lookahead point", v.params, s.params, pointScale, tolerance);
                    agree(at + ", origin", v.origin, s.origin, thetaScale, tolerance);
                }
                float[] g = randomValues(random, n, 1);
                for (int p = 0; p + 1 < vectorCuts.length; p++) {
                    vector.update(v.params, g, v.origin, v.states, scalars, vectorCuts[p], vectorCuts[p + 1]);
                }
                for (int p = 0; p + 1 < scalarCuts.length; p++) {
                    scalar.update(s.params, g, s.origin, s.states, scalars, scalarCuts[p], scalarCuts[p + 1]);
                }
                thetaScale.include(s.params);
                agree(at + ", θ", v.params, s.params, thetaScale, tolerance);
                for (int k = 0; k < v.states.length; k++) {
                    stateScales[k].include(s.states[k]);
                    agree(at + ", state " + ir.states().get(k).name(), v.states[k], s.states[k], stateScales[k], tolerance);
                }
            }
        }
        onlyTheRangeChanges(rule, n, ir, vector, new Buffers(randomValues(random, n, 1),
                randomStates(random, ir.states().size(), n), looksAhead), random);
    }

    /** One step of {@code kernel} on a sub-range [from, to) leaves every element outside it as it was, bit for bit. */
    private static void onlyTheRangeChanges(Rule rule, int n, UpdateKernel ir, FusedUpdate kernel, Buffers buffers,
                                            SplittableRandom random) {
        int from = Math.min(n, 1 + n / 5);
        int to = Math.max(from, n - 1 - n / 7);
        float[] scalars = toFloat(new UpdateInterpreter(ir, 0).scalars(STEPS + 1));
        Buffers before = buffers.copy();
        if (ir.lookahead() != null) kernel.lookahead(buffers.params, buffers.origin, buffers.states, scalars, from, to);
        kernel.update(buffers.params, randomValues(random, n, 1), buffers.origin, buffers.states, scalars, from, to);
        String at = rule + ", n = " + n + ", update of [" + from + ", " + to + ") by " + kernel.getClass().getSimpleName();
        unchangedOutside(at + ", θ", before.params, buffers.params, from, to);
        for (int k = 0; k < before.states.length; k++) {
            unchangedOutside(at + ", state " + ir.states().get(k).name(), before.states[k], buffers.states[k], from, to);
        }
        if (before.origin != null) unchangedOutside(at + ", origin", before.origin, buffers.origin, from, to);
        boolean changed = false;
        for (int i = from; i < to; i++) changed |= before.params[i] != buffers.params[i];
        assertTrue(changed || from == to, at + ": θ did not change inside the range");
    }

    /** The parameters, the lookahead origin (null without lookahead) and the state arrays one kernel works on. */
    static final class Buffers {
        final float[] params;
        final float[] origin;
        final float[][] states;

        Buffers(float[] theta, float[][] states, boolean looksAhead) {
            this.params = theta.clone();
            this.origin = looksAhead ? new float[theta.length] : null;
            this.states = new float[states.length][];
            for (int s = 0; s < states.length; s++) this.states[s] = states[s].clone();
        }

        private Buffers(float[] params, float[] origin, float[][] states) {
            this.params = params;
            this.origin = origin;
            this.states = states;
        }

        Buffers copy() {
            float[][] s = new float[states.length][];
            for (int k = 0; k < states.length; k++) s[k] = states[k].clone();
            return new Buffers(params.clone(), origin == null ? null : origin.clone(), s);
        }
    }

    /** Each state array filled with its declared initial value: a constant, a hyperparameter, or θ itself. */
    static float[][] initialStates(UpdateKernel ir, float[] theta) {
        float[][] states = new float[ir.states().size()][theta.length];
        for (int s = 0; s < states.length; s++) {
            ElementExpr initial = ir.states().get(s).initial();
            switch (initial) {
                case ElementExpr.Const c -> Arrays.fill(states[s], (float) c.value());
                case ElementExpr.Hyper h -> Arrays.fill(states[s], (float) ir.hyperparameters().get(h.index()).value());
                case ElementExpr.Theta x -> System.arraycopy(theta, 0, states[s], 0, theta.length);
                default -> throw new AssertionError("the test does not know how to initialise a state to " + initial);
            }
        }
        return states;
    }

    static float[][] randomStates(SplittableRandom random, int count, int n) {
        float[][] states = new float[count][n];
        for (float[] s : states) for (int i = 0; i < n; i++) s[i] = (float) random.nextDouble(0.05, 1);
        return states;
    }

    /** Uniform in (−scale, scale), except an eighth of the elements drawn from {±1, ±0.5, ±0.25, ±0}. */
    static float[] randomValues(SplittableRandom random, int n, double scale) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextInt(8) == 0 ? SPECIAL[random.nextInt(SPECIAL.length)]
                    : (float) (random.nextDouble(-1, 1) * scale);
        }
        return values;
    }

    /** Boundaries of [from, to) cut into pieces that start and end off the vector grid, one shorter than a vector. */
    static int[] pieces(int from, int to, long t) {
        int n = to - from;
        TreeSet<Integer> cuts = new TreeSet<>(List.of(from, to));
        for (int cut : new int[] {from + 1, from + n / 3 + (int) (t % 3), from + n / 2 + 1, to - LANES / 2 - 1}) {
            if (cut > from && cut < to) cuts.add(cut);
        }
        return cuts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Every element when small; else every 97th, the first and last vectors, and around every piece boundary. */
    static int[] sample(int n) {
        TreeSet<Integer> chosen = new TreeSet<>();
        if (n <= FULLY_INTERPRETED) {
            for (int i = 0; i < n; i++) chosen.add(i);
        } else {
            for (int i = 0; i < n; i += 97) chosen.add(i);
            for (int i = 0; i < 4 * LANES; i++) {
                chosen.add(i);
                chosen.add(n - 1 - i);
            }
            for (long t = 1; t <= STEPS + 1; t++) {
                for (int cut : pieces(0, n, t)) {
                    for (int i = Math.max(0, cut - 2 * LANES); i < Math.min(n, cut + 2 * LANES); i++) chosen.add(i);
                }
            }
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }

    static double[] gather(float[] values, int[] sample) {
        double[] out = new double[sample.length];
        for (int j = 0; j < sample.length; j++) out[j] = values[sample[j]];
        return out;
    }

    static float[] toFloat(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) out[i] = (float) values[i];
        return out;
    }

    static double[][] interpreterStates(UpdateInterpreter interpreter, UpdateKernel ir, int size) {
        double[][] states = new double[ir.states().size()][size];
        for (int s = 0; s < states.length; s++) for (int j = 0; j < size; j++) states[s][j] = interpreter.state(s, j);
        return states;
    }

    /** |kernel − interpreter| ≤ tolerance·scale at every sampled element. */
    static void closeTo(String what, float[] kernel, int[] sample, double[] expected, Magnitudes scale, double tolerance) {
        for (int j = 0; j < sample.length; j++) {
            double error = Math.abs(kernel[sample[j]] - expected[j]);
            if (!(error <= tolerance * scale.at(j))) {
                fail(what + ", element " + sample[j] + ": kernel " + kernel[sample[j]] + ", interpreter " + expected[j]
                        + " (scale " + scale.at(j) + ")");
            }
        }
    }

    /** Vector and scalar results: identical bits when {@code tolerance} is 0, else within tolerance·scale. */
    static void agree(String what, float[] vector, float[] scalar, Magnitudes scale, double tolerance) {
        for (int i = 0; i < scalar.length; i++) {
            boolean same = tolerance == 0
                    ? Float.floatToIntBits(vector[i]) == Float.floatToIntBits(scalar[i])
                    : Math.abs(vector[i] - scalar[i]) <= tolerance * scale.at(i);
            if (!same) fail(what + ", element " + i + ": vector " + vector[i] + ", scalar " + scalar[i] + " (scale " + scale.at(i) + ")");
        }
    }

    /**
     * The scale an error of a value is measured against: the largest magnitude the value has had so far in the
     * trajectory, plus a floor (lr for θ: the size of a step's terms, which can cancel to a smaller step).
     */
    static final class Magnitudes {
        private final double[] largest;
        private final double floor;

        Magnitudes(int n, double floor) {
            this.largest = new double[n];
            this.floor = floor;
        }

        void include(double[] values) {
            for (int i = 0; i < largest.length; i++) largest[i] = Math.max(largest[i], Math.abs(values[i]));
        }

        void include(float[] values) {
            for (int i = 0; i < largest.length; i++) largest[i] = Math.max(largest[i], Math.abs(values[i]));
        }

        double at(int i) {
            return largest[i] + floor;
        }

        Magnitudes copy() {
            Magnitudes copy = new Magnitudes(largest.length, floor);
            System.arraycopy(largest, 0, copy.largest, 0, largest.length);
            return copy;
        }
    }

    /** The rule's learning rate (every rule here has one). */
    static double learningRate(UpdateKernel ir) {
        return ir.hyperparameters().stream().filter(h -> h.name().equals("lr")).mapToDouble(UpdateKernel.Hyperparameter::value)
                .findFirst().orElseThrow();
    }

    static void unchangedOutside(String what, float[] before, float[] after, int from, int to) {
        for (int i = 0; i < before.length; i++) {
            if ((i < from || i >= to) && Float.floatToIntBits(before[i]) != Float.floatToIntBits(after[i])) {
                fail(what + ": element " + i + " outside the range changed from " + before[i] + " to " + after[i]);
            }
        }
    }

    /** Exp, log or a power left in the element loop: results the two backends round differently. */
    static boolean usesTranscendentals(UpdateKernel ir) {
        List<Object> seen = new ArrayList<>();
        for (ElementStmt s : ir.body()) collectOperations(s.value(), seen);
        collectOperations(ir.lookahead(), seen);
        return seen.contains(ElementExpr.UnaryFn.EXP) || seen.contains(ElementExpr.UnaryFn.LOG)
                || seen.contains(ElementExpr.BinaryFn.POWER);
    }

    static void collectOperations(ElementExpr e, List<Object> out) {
        switch (e) {
            case null -> {
            }
            case ElementExpr.Unary u -> {
                out.add(u.fn());
                collectOperations(u.operand(), out);
            }
            case ElementExpr.Binary b -> {
                out.add(b.fn());
                collectOperations(b.left(), out);
                collectOperations(b.right(), out);
            }
            case ElementExpr.Select s -> {
                out.add(ElementExpr.Select.class);
                collectOperations(s.condition(), out);
                collectOperations(s.then(), out);
                collectOperations(s.otherwise(), out);
            }
            default -> {
            }
        }
    }

    private static int lanes() {
        // Without the module the scalar kernel is still tested, over the sizes an 8-lane machine would use.
        return Backend.vectorUnavailableReason() == null ? VectorSupport.preferredLanes() : 8;
    }
}
