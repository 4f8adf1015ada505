package dev.optc.strategies;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompilationFailed;
import dev.optc.api.CompiledRecipe;
import dev.optc.api.Contenders;
import dev.optc.api.ObjectiveRuns;
import dev.optc.api.Optc;
import dev.optc.codegen.BytecodeVerification;
import dev.optc.runtime.TrainOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * `compare = [...]` on the ill-conditioned quadratic J(θ) = ½(θ₁² + 100θ₂²): every contender starts at the declared
 * point and runs the recipe's steps, and each one's result is its seed formula iterated by hand in double.
 */
class CompareTest {
    private static final int STEPS = 40;
    private static final double LR = 0.019, ALPHA = 0.9;
    private static final String SOURCE = """
            objective valley(theta: 2 = [-8, 1]) {
                return 0.5 * (theta[0] ^ 2 + 100 * theta[1] ^ 2)
            }

            recipe race {
                objective = valley
                compare   = [sgd(lr: 0.019), momentum(lr: 0.019, alpha: 0.9), sgd(lr: 0.019, average: polyak()), newton(), lbfgs()]
                steps     = 40
            }
            """;

    private static final double[] CURVATURE = {1, 100};

    static List<ObjectiveRuns.Run> runs() throws CompilationFailed {
        CompiledRecipe recipe = Optc.compile(SOURCE, "race.opt").recipe("race");
        return ObjectiveRuns.runAll(recipe, TrainOptions.defaults(), new ObjectiveRuns.Listener() { });
    }

    /** The iterates θ(0) … θ(STEPS) of momentum (8.3.2): v ← αv − ε∇J(θ), θ ← θ + v; α = 0 is plain gradient descent. */
    static double[][] iterates(double lr, double alpha) {
        double[][] theta = new double[STEPS + 1][];
        theta[0] = new double[] {-8, 1};
        double[] v = new double[2];
        for (int t = 1; t <= STEPS; t++) {
            theta[t] = theta[t - 1].clone();
            for (int i = 0; i < 2; i++) {
                v[i] = alpha * v[i] - lr * CURVATURE[i] * theta[t - 1][i];
                theta[t][i] += v[i];
            }
        }
        return theta;
    }

    static double value(double[] theta) {
        return 0.5 * (theta[0] * theta[0] + 100 * theta[1] * theta[1]);
    }

    @Test
    void everyContenderStartsAtTheDeclaredPointAndIsLabelledByItsSource() throws CompilationFailed {
        List<ObjectiveRuns.Run> runs = runs();
        assertEquals(List.of("sgd(lr: 0.019)", "momentum(lr: 0.019, alpha: 0.9)", "sgd(lr: 0.019, average: polyak())", "newton()",
                "lbfgs()"), runs.stream().map(ObjectiveRuns.Run::label).toList());
        for (ObjectiveRuns.Run r : runs) assertArrayEquals(new float[] {-8, 1}, r.trajectory()[0], r.label());
    }

    @Test
    void updateRulesFollowTheirSeedFormulasForTheRecipesSteps() throws CompilationFailed {
        List<ObjectiveRuns.Run> runs = runs();
        double[][] sgd = iterates(LR, 0), momentum = iterates(LR, ALPHA);
        for (int k = 0; k < 2; k++) {
            ObjectiveRuns.Run run = runs.get(k);
            double[][] expected = k == 0 ? sgd : momentum;
            assertEquals(STEPS, run.steps(), run.label());
            assertEquals(STEPS, run.gradientEvaluations(), "one gradient per step for " + run.label());
            assertEquals(STEPS + 1, run.trajectory().length);
            for (int t = 0; t <= STEPS; t++) {
                for (int i = 0; i < 2; i++) {
                    assertEquals(expected[t][i], run.trajectory()[t][i], 1e-5 * (1 + Math.abs(expected[t][i])), run.label() + " step " + t);
                }
            }
            assertEquals(value(expected[STEPS]), run.finalValue(), 1e-5 * (1 + value(expected[STEPS])));
            assertNull(run.averagedTrajectory());
        }
        // The seed's claim (figure 8.5): on this valley momentum ends lower than gradient descent with the same ε.
        assertTrue(runs.get(1).finalValue() < runs.get(0).finalValue() / 2, runs.get(1).finalValue() + " vs " + runs.get(0).finalValue());
    }

    @Test
    void anAverageInACompareElementIsPolyaksMeanOfTheIterates() throws CompilationFailed {
        ObjectiveRuns.Run run = runs().get(2);
        double[][] sgd = iterates(LR, 0);
        double[] mean = new double[2];
        for (int t = 1; t <= STEPS; t++) {
            for (int i = 0; i < 2; i++) mean[i] += sgd[t][i] / STEPS;   // θ̂(t) = (1/t) Σ_{i=1..t} θ(i) (8.7.3)
        }
        for (int i = 0; i < 2; i++) assertEquals(mean[i], run.parameters()[i], 1e-5 * (1 + Math.abs(mean[i])));
        assertEquals(value(mean), run.finalValue(), 1e-5 * (1 + value(mean)), "the table reports J at θ̂");
        assertEquals(STEPS + 1, run.averagedTrajectory().length);
        assertEquals(mean[0], run.averagedTrajectory()[STEPS][0], 1e-5 * (1 + Math.abs(mean[0])));
    }

    @Test
    void solversMinimizeThePositiveDefiniteQuadraticInAFewIterations() throws CompilationFailed {
        List<ObjectiveRuns.Run> runs = runs();
        ObjectiveRuns.Run newton = runs.get(3), lbfgs = runs.get(4);
        // 8.6.1: Newton's method jumps to the minimum of a positive-definite quadratic in one step.
        assertEquals(0, newton.parameters()[0], 1e-4);
        assertEquals(0, newton.parameters()[1], 1e-4);
        assertTrue(newton.steps() <= 2, "newton took " + newton.steps());
        assertTrue(newton.gradientEvaluations() > newton.steps(), "the Hessian products count as gradient evaluations");
        assertTrue(lbfgs.finalValue() < 1e-8, "lbfgs ended at J = " + lbfgs.finalValue());
        assertTrue(lbfgs.steps() < STEPS, "lbfgs took " + lbfgs.steps());
    }

    @Test
    void everyContenderIsItsOwnVerifiedMinimizerWithItsOwnKernel() throws CompilationFailed {
        CompiledRecipe recipe = Optc.compile(SOURCE, "race.opt").recipe("race");
        List<CompiledRecipe> contenders = Contenders.of(recipe);
        assertEquals(5, contenders.size());
        for (CompiledRecipe c : contenders) BytecodeVerification.verifyAll(c.generatedClasses());
        assertEquals("sgd", contenders.get(0).recipe().optimizer().rule().name().text());
        assertEquals("momentum", contenders.get(1).recipe().optimizer().rule().name().text());
        assertEquals("polyak", contenders.get(2).recipe().around().average());
        assertEquals("newton", contenders.get(3).recipe().solver().kind());
    }

    @Test
    void aRerunIsBitIdentical() throws CompilationFailed {
        List<ObjectiveRuns.Run> first = runs(), second = runs();
        for (int k = 0; k < first.size(); k++) {
            assertArrayEquals(first.get(k).parameters(), second.get(k).parameters(), first.get(k).label());
            assertEquals(first.get(k).gradientEvaluations(), second.get(k).gradientEvaluations());
        }
    }
}
