package dev.optc.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.optc.api.CompiledRecipe;
import dev.optc.optimizers.SeedFormulas.AdaDelta;
import dev.optc.optimizers.SeedFormulas.AdaGrad;
import dev.optc.optimizers.SeedFormulas.Adam;
import dev.optc.optimizers.SeedFormulas.AdamW;
import dev.optc.optimizers.SeedFormulas.AmsGrad;
import dev.optc.optimizers.SeedFormulas.DeltaBarDelta;
import dev.optc.optimizers.SeedFormulas.DeltaBarDeltaFloat;
import dev.optc.optimizers.SeedFormulas.Lion;
import dev.optc.optimizers.SeedFormulas.Momentum;
import dev.optc.optimizers.SeedFormulas.NAdam;
import dev.optc.optimizers.SeedFormulas.Nesterov;
import dev.optc.optimizers.SeedFormulas.RmsProp;
import dev.optc.optimizers.SeedFormulas.RmsPropNesterov;
import dev.optc.optimizers.SeedFormulas.Sgd;
import dev.optc.optimizers.SeedFormulas.UpdateFormula;
import dev.optc.runtime.train.CompiledTrainer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every prelude optimizer, compiled into a trainer and stepped side by side with its update written out by hand in
 * double precision ({@link SeedFormulas}), on (a) the ill-conditioned quadratic J(θ) = ½ θᵀ diag(1, 10, 100, 1000) θ,
 * whose gradient Hθ the test computes at the point each rule asks for (θ, or Nesterov's θ + αv), and (b) a seeded
 * stream of random gradients that does not depend on θ, of sizes from 1e-7 to 10 by element, over 35 parameters so
 * that the trainer's vector kernel runs its main loop and its scalar tail.
 *
 * <p>Tolerance: after every step, |θ_trainer − θ_formula| ≤ 1e-5·max(1, |θ_formula|), element by element, and the
 * same for the lookahead point of the rules that have one. The trainer stores θ and the state in float32
 * (u = 2⁻²⁴ ≈ 6e-8) and computes a step with a dozen float operations. Storing θ alone rounds it by ≤ u|θ| a step,
 * so 150 steps can drift by 150u ≈ 9e-6 relative in the worst case (every rounding the same way, as when Lion adds
 * the same tiny ±lr again and again); the step itself carries ~10u of its own size, which is small next to θ. On the
 * quadratic the hyperparameters keep the iteration stable, and a stable iteration damps old errors instead of
 * amplifying them; on the random stream the gradients are the same floats for both sides (the formula receives them
 * widened), so errors only add. Observed: < 2e-6 over every case. Still tight enough: each of these wrong rules,
 * tried in place of the right formula, fails within two steps on at least one of the two streams: δ inside instead of
 * outside the root or the reverse (AdaGrad, RMSProp, Adam; the stream's 1e-7-sized gradients make δ = 1e-8 matter),
 * bias corrections one t off, NAdam's ρᵗ for ρᵗ⁺¹, AMSGrad's maximum of the corrected moment, AdamW's decay
 * without lr, Lion's m updated before c, momentum's α applied after −εg, AdaDelta accumulating the lr-scaled step.
 *
 * <p>Discrete decisions. Delta-bar-delta chooses Δε by the sign of δ̄(t−1)δ(t), Lion steps by sign(c): where the
 * compared value sits within rounding (or below float's range) of its tie, float and double can choose differently
 * and the trajectories then part, legitimately. So delta-bar-delta is also evaluated in float32 by hand
 * ({@link DeltaBarDeltaFloat}), and the trainer must follow that for the whole run; the double formula is compared up
 * to the first step at which the float and double evaluations of the formula themselves decide differently (observed,
 * not guessed), which must not come before step {@value #MIN_DOUBLE_STEPS} in the regular cases; see
 * {@link #deltaBarDeltaThroughRepeatedSignFlips()} for one where it does, and why. A tie to avoid when choosing
 * hyperparameters: with lr = 0.0005 and κ = 0.0001, ε·λ₄ reaches 1 at step 7, and θ₄ becomes exactly 0 in float but
 * 5e-20 in double, whose signs then decide Δε differently. For Lion every sign(c) of the run must be farther
 * from 0 than {@value #DECISION_MARGIN} of |β₁m| + |(1 − β₁)g| (≈ 16 float ulps, far above the two trajectories'
 * relative difference), or the test fails saying so.
 */
class OptimizerFormulaTest {
    static final double TOLERANCE = 1e-5;
    static final double DECISION_MARGIN = 1e-6;
    static final int STEPS = 150;
    static final int MIN_DOUBLE_STEPS = 100;
    static final double[] CURVATURES = {1, 10, 100, 1000};
    static final double[] QUADRATIC_START = {1.0, -1.0, 0.75, -0.5};
    /** Two full 16-lane vectors and a tail of 3 (AVX-512); on narrower machines, more vectors and a tail still. */
    static final int STREAM_SIZE = 35;
    static final double[] STREAM_SCALES = {1e-7, 0.01, 0.1, 1, 10};

    /** An optimizer setting as a recipe writes it, and the hand-written formula with the same hyperparameters. */
    record Case(String setting, IntFunction<UpdateFormula> formula) {
        @Override
        public String toString() { return setting; }
    }

    /** Non-default hyperparameters throughout, chosen so that each rule is stable on the quadratic. */
    static Stream<Case> tuned() {
        return Stream.of(
                new Case("sgd(lr: 0.0015)", n -> new Sgd(0.0015)),
                new Case("momentum(lr: 0.001, alpha: 0.8)", n -> new Momentum(n, 0.001, 0.8)),
                new Case("nesterov(lr: 0.001, alpha: 0.85)", n -> new Nesterov(n, 0.001, 0.85)),
                new Case("adagrad(lr: 0.05, delta: 1e-6)", n -> new AdaGrad(n, 0.05, 1e-6)),
                new Case("rmsprop(lr: 0.005, rho: 0.8, delta: 1e-5)", n -> new RmsProp(n, 0.005, 0.8, 1e-5)),
                new Case("rmsprop_nesterov(lr: 0.002, rho: 0.85, alpha: 0.5, delta: 1e-5)",
                        n -> new RmsPropNesterov(n, 0.002, 0.85, 0.5, 1e-5)),
                new Case("adam(lr: 0.01, rho1: 0.8, rho2: 0.99, delta: 1e-6)", n -> new Adam(n, 0.01, 0.8, 0.99, 1e-6)),
                new Case("adadelta(lr: 1, rho: 0.9, delta: 1e-4)", n -> new AdaDelta(n, 1, 0.9, 1e-4)),
                new Case("adadelta(lr: 0.5, rho: 0.8, delta: 1e-5)", n -> new AdaDelta(n, 0.5, 0.8, 1e-5)),
                new Case("delta_bar_delta(lr: 0.0001, kappa: 0.0000013, phi: 0.2, gamma: 0.6)",
                        n -> new DeltaBarDelta(n, 0.0001, 0.0000013, 0.2, 0.6)),
                new Case("adamw(lr: 0.01, rho1: 0.85, rho2: 0.995, delta: 1e-7, weight_decay: 0.05)",
                        n -> new AdamW(n, 0.01, 0.85, 0.995, 1e-7, 0.05)),
                new Case("amsgrad(lr: 0.01, rho1: 0.8, rho2: 0.99, delta: 1e-7)", n -> new AmsGrad(n, 0.01, 0.8, 0.99, 1e-7)),
                new Case("nadam(lr: 0.01, rho1: 0.85, rho2: 0.99, delta: 1e-7)", n -> new NAdam(n, 0.01, 0.85, 0.99, 1e-7)),
                new Case("lion(lr: 0.003, beta1: 0.8, beta2: 0.95, weight_decay: 0.1)", n -> new Lion(n, 0.003, 0.8, 0.95, 0.1)));
    }

    /**
     * Every optimizer with its prelude defaults (the recipe passes no argument), against the formula with the
     * constants its source gives: δ = 1e-7 for AdaGrad and 1e-8 for Adam (the seed), ρ = 0.95 and ε = 1e-6 for
     * AdaDelta (Zeiler), β₁ = 0.9, β₂ = 0.99 for Lion (Chen et al.), the learning rates the prelude documents.
     * Only on the random stream: several defaults (sgd's 0.01 with curvature 1000) diverge on the quadratic.
     */
    static Stream<Case> defaults() {
        return Stream.of(
                new Case("sgd()", n -> new Sgd(0.01)),
                new Case("momentum()", n -> new Momentum(n, 0.01, 0.9)),
                new Case("nesterov()", n -> new Nesterov(n, 0.01, 0.9)),
                new Case("adagrad()", n -> new AdaGrad(n, 0.01, 1e-7)),
                new Case("rmsprop()", n -> new RmsProp(n, 0.001, 0.9, 1e-6)),
                new Case("rmsprop_nesterov()", n -> new RmsPropNesterov(n, 0.001, 0.9, 0.9, 1e-6)),
                new Case("adam()", n -> new Adam(n, 0.001, 0.9, 0.999, 1e-8)),
                new Case("adadelta()", n -> new AdaDelta(n, 1.0, 0.95, 1e-6)),
                new Case("delta_bar_delta()", n -> new DeltaBarDelta(n, 0.01, 0.001, 0.1, 0.7)),
                new Case("adamw()", n -> new AdamW(n, 0.001, 0.9, 0.999, 1e-8, 0.01)),
                new Case("amsgrad()", n -> new AmsGrad(n, 0.001, 0.9, 0.999, 1e-8)),
                new Case("nadam()", n -> new NAdam(n, 0.002, 0.9, 0.999, 1e-8)),
                new Case("lion()", n -> new Lion(n, 0.0001, 0.9, 0.99, 0)));
    }

    static Stream<Case> tunedAndDefaults() {
        return Stream.concat(tuned(), defaults());
    }

    /** Where a step's gradient comes from. */
    interface Gradients {
        /** Begins step t; the random stream draws its gradients here. */
        default void next(long t) {
        }

        /** The gradient at a float point: what the trainer (and the float evaluation of a formula) receives. */
        float[] inFloat(float[] point);

        /** The gradient at a double point: what the double formula receives. */
        double[] inDouble(double[] point);
    }

    /** g = Hθ at the point each side asks for, computed in double and, for the float side, rounded once. */
    static final class Quadratic implements Gradients {
        @Override
        public float[] inFloat(float[] point) {
            float[] g = new float[point.length];
            for (int i = 0; i < g.length; i++) g[i] = (float) (CURVATURES[i] * point[i]);
            return g;
        }

        @Override
        public double[] inDouble(double[] point) {
            double[] g = new double[point.length];
            for (int i = 0; i < g.length; i++) g[i] = CURVATURES[i] * point[i];
            return g;
        }
    }

    /** Seeded random gradients, independent of θ, the same floats for both sides; scales 1e-7 to 10 by element. */
    static final class RandomStream implements Gradients {
        private final SplittableRandom random;
        private final float[] g;

        RandomStream(long seed, int n) {
            this.random = new SplittableRandom(seed);
            this.g = new float[n];
        }

        @Override
        public void next(long t) {
            for (int i = 0; i < g.length; i++) g[i] = (float) (random.nextDouble(-1, 1) * STREAM_SCALES[i % STREAM_SCALES.length]);
        }

        @Override
        public float[] inFloat(float[] point) {
            return g.clone();
        }

        @Override
        public double[] inDouble(double[] point) {
            return widen(g);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tuned")
    void followsItsFormulaOnTheIllConditionedQuadratic(Case c) {
        float[] start = new float[CURVATURES.length];
        for (int i = 0; i < start.length; i++) start[i] = (float) QUADRATIC_START[i];
        Run run = run(c, start, new Quadratic(), STEPS);
        // The run must be a real test: the stiff coordinates moved by far more than the tolerance.
        assertTrue(Math.abs(run.theta[3] - QUADRATIC_START[3]) > 1e-2, () -> c + " barely moved θ₄: " + run.theta[3]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tunedAndDefaults")
    void followsItsFormulaOnARandomGradientStream(Case c) {
        SplittableRandom random = new SplittableRandom(20240917);
        float[] start = new float[STREAM_SIZE];
        for (int i = 0; i < start.length; i++) start[i] = (float) random.nextDouble(-1, 1);
        run(c, start, new RandomStream(random.nextLong(), STREAM_SIZE), STEPS);
    }

    /**
     * Delta-bar-delta on the quadratic with ε·λ₄ > 1 from the start, so that the stiff coordinate overshoots, the
     * gradient's sign flips and Δε = −φε fires again and again until ε is back under 1/λ. The trainer follows the
     * float evaluation of the formula for all 300 steps, and the double formula through the sign flips. Once θ₄ is
     * ~1e-43, δ̄·g (~1e-48) is below float's smallest subnormal (1.4e-45): a float product would round to 0 and take
     * Δε = 0 where the formula takes κ, which is why the prelude compares signs, `sign(dbar) * sign(g)`.
     */
    @Test
    void deltaBarDeltaThroughRepeatedSignFlips() {
        float[] start = new float[CURVATURES.length];
        for (int i = 0; i < start.length; i++) start[i] = (float) QUADRATIC_START[i];
        Case c = new Case("delta_bar_delta(lr: 0.00137, kappa: 0.000213, phi: 0.3, gamma: 0.55)",
                n -> new DeltaBarDelta(n, 0.00137, 0.000213, 0.3, 0.55));
        Run run = run(c, start, new Quadratic(), 300, 0);
        assertTrue(run.floatTwin().shrinks >= 10, () -> "only " + run.floatTwin().shrinks + " sign flips: the −φε branch is barely tested");
        assertTrue(run.floatTwin().grows >= 10, () -> "only " + run.floatTwin().grows + " agreements: the κ branch is barely tested");
        assertTrue(run.doubleShrinks() >= 10, () -> "the double formula parted from the trainer at step " + (run.doubleSteps() + 1)
                + ", after only " + run.doubleShrinks() + " sign flips");
    }

    /** The state a run ends in, for checks after it. */
    record Run(double[] theta, DeltaBarDeltaFloat floatTwin, int doubleSteps, int doubleShrinks) {
    }

    static Run run(Case c, float[] start, Gradients gradients, int steps) {
        return run(c, start, gradients, steps, MIN_DOUBLE_STEPS);
    }

    static Run run(Case c, float[] start, Gradients gradients, int steps, int minDoubleSteps) {
        int n = start.length;
        CompiledRecipe recipe = FlatRecipe.compile(n, c.setting());
        CompiledTrainer trainer = FlatRecipe.trainer(recipe);
        float[] params = trainer.flatParameters();
        float[] grads = trainer.flatGradients();
        assertEquals(n, params.length);
        System.arraycopy(start, 0, params, 0, n);
        UpdateFormula formula = c.formula().apply(n);
        double[] theta = widen(start);
        boolean looksAhead = recipe.updateKernel().lookahead() != null;

        // Delta-bar-delta: the formula evaluated in float runs alongside, at its own point, from the same start.
        DeltaBarDeltaFloat floatTwin = null;
        float[] twinTheta = start.clone();
        if (formula instanceof DeltaBarDelta d) floatTwin = new DeltaBarDeltaFloat(n, d.eps[0], d.kappa, d.phi, d.gamma);
        int doubleSteps = steps;
        int doubleShrinks = 0;
        for (long t = 1; t <= steps; t++) {
            gradients.next(t);
            if (looksAhead) trainer.lookahead(t);
            double[] point = formula.gradientPoint(theta);
            if (looksAhead && doubleSteps >= t) compare(c, "the lookahead point of the double formula", t, params, point);
            System.arraycopy(gradients.inFloat(params), 0, grads, 0, n);
            trainer.update(t);
            formula.step(theta, gradients.inDouble(point), t);
            if (floatTwin != null) {
                floatTwin.step(twinTheta, gradients.inFloat(twinTheta));
                compare(c, "the float32 formula", t, params, widen(twinTheta));
                if (doubleSteps >= t && !Arrays.equals(floatTwin.decisions, ((DeltaBarDelta) formula).decisions)) {
                    doubleSteps = (int) t - 1;
                }
            }
            if (formula.decisionMargin() < DECISION_MARGIN) {
                fail(c + ": at step " + t + " a sign decision of the double formula is within " + formula.decisionMargin()
                        + " of its tie, where float may decide it the other way; choose another seed or start");
            }
            if (doubleSteps >= t) {
                compare(c, "the double formula", t, params, theta);
                if (formula instanceof DeltaBarDelta d) for (int decision : d.decisions) if (decision < 0) doubleShrinks++;
            }
        }
        int compared = doubleSteps;
        assertTrue(compared >= Math.min(minDoubleSteps, steps), () -> c + ": the float and double evaluations of the "
                + "formula decided a sign differently at step " + (compared + 1) + ", before step " + minDoubleSteps);
        return new Run(theta, floatTwin, doubleSteps, doubleShrinks);
    }

    static double[] widen(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) out[i] = values[i];
        return out;
    }

    /** |actual − expected| ≤ 1e-5·max(1, |expected|) for every element, with the first violation in the message. */
    static void compare(Object c, String oracle, long t, float[] actual, double[] expected) {
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs(actual[i] - expected[i]);
            if (!(error <= TOLERANCE * Math.max(1, Math.abs(expected[i])))) {
                fail(c + ": step " + t + ", element " + i + ": trainer " + actual[i] + ", " + oracle + " " + expected[i]
                        + " (difference " + error + ")");
            }
        }
    }
}
