package dev.optc.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompilationFailed;
import dev.optc.api.CompiledRecipe;
import dev.optc.api.Optc;
import dev.optc.codegen.BytecodeVerification;
import dev.optc.diagnostics.Diagnostic;
import dev.optc.diagnostics.Severity;
import dev.optc.interpret.TensorInterpreter;
import dev.optc.ir.ParameterSlice;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.data.Dataset;
import dev.optc.runtime.train.CompiledTrainer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * `optimizer = [adam() for [h1, h2], sgd(lr: 0.1) for out]`: per-layer groups, each its own fused kernel over its
 * layers' tensors. The oracles are the interpreter's gradient and the rules written out by hand.
 *
 * <p>Tolerance: a few float roundings per step on values of order 1, over at most 4 steps: 1e-5 relative to
 * max(1, |θ|), as in the around-the-rule tests.
 */
class OptimizerGroupsTest {
    private static final double TOLERANCE = 1e-5;
    /** Layers h1 (dense 2 → 4, tanh) and out (dense 4 → 3). */
    private static final String MODEL = """
            model Two(x: 2) -> 3 {
                h1 = tanh(dense(x, 4))
                return dense(h1, 3)
            }
            """;

    private static String source(String optimizer, String... settings) {
        StringBuilder s = new StringBuilder(MODEL).append("recipe g {\n    data = csv(\"unused.csv\")\n    model = Two\n    loss = mse\n")
                .append("    optimizer = ").append(optimizer).append('\n');
        for (String setting : settings) s.append("    ").append(setting).append('\n');
        return s.append("}\n").toString();
    }

    private static CompiledRecipe compile(String optimizer, String... settings) throws CompilationFailed {
        CompiledRecipe recipe = Optc.compile(source(optimizer, settings), "groups.opt").first();
        BytecodeVerification.verifyAll(recipe.generatedClasses());
        return recipe;
    }

    private static CompiledTrainer trainer(CompiledRecipe recipe) {
        return (CompiledTrainer) recipe.newTrainer(TrainOptions.seed(3));
    }

    /** Which flat offsets belong to a layer: its tensors are named `layer.<something>`. */
    private static boolean[] layer(CompiledRecipe recipe, String name) {
        boolean[] in = new boolean[recipe.program().parameterCount()];
        for (ParameterSlice p : recipe.program().parameters()) {
            if (p.name().startsWith(name + ".")) for (int j = p.offset(); j < p.offset() + p.size(); j++) in[j] = true;
        }
        return in;
    }

    private static final float[] FEATURES = {1.0f, 0.5f, -0.5f, 1.0f, 0.8f, -0.3f, 0.2f, 0.9f};
    private static final int[] LABELS = {0, 1, 2, 1};

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int j = 0; j < v.length; j++) d[j] = v[j];
        return d;
    }

    private static void assertClose(double expected, double actual, String what) {
        double allowed = TOLERANCE * Math.max(1, Math.abs(expected));
        assertTrue(Math.abs(expected - actual) <= allowed, what + ": expected " + expected + ", got " + actual);
    }

    @Test
    void aGroupWithLearningRateZeroKeepsItsLayerWhileTheOtherFollowsGradientDescent() throws CompilationFailed {
        CompiledRecipe recipe = compile("[sgd(lr: 0.1) for h1, sgd(lr: 0) for out]", "batch = full", "shuffle = none", "epochs = 4");
        CompiledTrainer trainer = trainer(recipe);
        boolean[] h1 = layer(recipe, "h1");
        boolean[] out = layer(recipe, "out");
        double[] theta = toDouble(trainer.flatParameters());
        double[] initial = theta.clone();
        double[] input = toDouble(FEATURES);
        List<double[]> epochs = new ArrayList<>();
        trainer.fit(new Dataset("memory", FEATURES, LABELS, 4, 2, 3), null, report -> epochs.add(toDouble(trainer.flatParameters())));
        assertEquals(4, epochs.size());
        for (int step = 0; step < 4; step++) {
            TensorInterpreter oracle = new TensorInterpreter(recipe.program(), theta.clone(), LABELS.length);
            oracle.loss(input, LABELS, true);
            for (int j = 0; j < theta.length; j++) if (h1[j]) theta[j] -= 0.1 * oracle.grads[j];
            for (int j = 0; j < theta.length; j++) {
                assertTrue(h1[j] || out[j], "offset " + j + " belongs to no layer");
                if (out[j]) assertEquals(initial[j], epochs.get(step)[j], "out is trained with lr 0: θ[" + j + "] must not change");
                else assertClose(theta[j], epochs.get(step)[j], "h1 θ[" + j + "] after step " + (step + 1));
            }
        }
        double moved = 0;
        for (int j = 0; j < theta.length; j++) if (h1[j]) moved = Math.max(moved, Math.abs(theta[j] - initial[j]));
        assertTrue(moved > 1e-3, "h1 moved by only " + moved);
    }

    @Test
    void adamOnOneLayerAndMomentumOnTheOtherMatchTheRulesByHand() throws CompilationFailed {
        double lr = 0.05, rho1 = 0.9, rho2 = 0.999, delta = 1e-8, mlr = 0.1, alpha = 0.8;
        CompiledRecipe recipe = compile("[adam(lr: " + lr + ") for h1, momentum(lr: " + mlr + ", alpha: " + alpha + ") for [out]]");
        CompiledTrainer trainer = trainer(recipe);
        boolean[] h1 = layer(recipe, "h1");
        int n = recipe.program().parameterCount();
        double[] theta = toDouble(trainer.flatParameters());
        double[] s = new double[n], r = new double[n], v = new double[n];
        for (int t = 1; t <= 4; t++) {
            float[] g = trainer.flatGradients();
            for (int j = 0; j < n; j++) g[j] = (float) (0.3 * Math.sin(j + 1.7 * t) - 0.05 * t);
            trainer.update(t);
            for (int j = 0; j < n; j++) {
                double gj = g[j];
                if (h1[j]) {
                    // 8.5.3 Adam
                    s[j] = rho1 * s[j] + (1 - rho1) * gj;
                    r[j] = rho2 * r[j] + (1 - rho2) * gj * gj;
                    double sHat = s[j] / (1 - Math.pow(rho1, t));
                    double rHat = r[j] / (1 - Math.pow(rho2, t));
                    theta[j] -= lr * sHat / (delta + Math.sqrt(rHat));
                } else {
                    // 8.3.2 momentum: v ← αv − εg, θ ← θ + v
                    v[j] = alpha * v[j] - mlr * gj;
                    theta[j] += v[j];
                }
                assertClose(theta[j], trainer.flatParameters()[j], "θ[" + j + "] after update(" + t + ")");
            }
        }
    }

    @Test
    void aLastElementWithoutForTakesEveryOtherLayer() throws CompilationFailed {
        CompiledRecipe recipe = compile("[adam(lr: 0.01) for out, sgd(lr: 0.1)]");
        CompiledTrainer trainer = trainer(recipe);
        assertEquals(List.of("out.lr", "out.rho1", "out.rho2", "out.delta", "h1.lr"), trainer.hyperparameterNames());
        boolean[] h1 = layer(recipe, "h1");
        double[] before = toDouble(trainer.flatParameters());
        float[] g = trainer.flatGradients();
        for (int j = 0; j < g.length; j++) g[j] = 0.25f;
        trainer.update(1);
        for (int j = 0; j < g.length; j++) {
            // sgd: θ − 0.1·g; adam's first step moves each element by lr·sign(g) (up to δ).
            double expected = h1[j] ? before[j] - 0.1 * 0.25 : before[j] - 0.01 * 0.25 / (1e-8 + 0.25);
            assertClose(expected, trainer.flatParameters()[j], "θ[" + j + "]");
        }
    }

    @Test
    void groupHyperparametersAreNamedAfterTheGroupsFirstLayerAndChangeOnlyTheirGroup() throws CompilationFailed {
        CompiledRecipe recipe = compile("[sgd(lr: 0.1) for [h1], sgd(lr: 0.2) for out]", "decay = 0.01");
        CompiledTrainer trainer = trainer(recipe);
        assertEquals(List.of("h1.lr", "h1.decay", "out.lr", "out.decay"), trainer.hyperparameterNames());
        assertEquals(0.2, trainer.hyperparameter("out.lr"));
        trainer.setHyperparameter("h1.lr", 0.0);
        trainer.setHyperparameter("h1.decay", 0.0);
        assertThrows(IllegalArgumentException.class, () -> trainer.hyperparameter("lr"));
        boolean[] h1 = layer(recipe, "h1");
        double[] before = toDouble(trainer.flatParameters());
        float[] g = trainer.flatGradients();
        java.util.Arrays.fill(g, 0.5f);
        trainer.update(1);
        for (int j = 0; j < g.length; j++) {
            double expected = h1[j] ? before[j] : before[j] - 0.2 * (0.5 + 0.01 * before[j]);
            assertClose(expected, trainer.flatParameters()[j], "θ[" + j + "]");
        }
    }

    @Test
    void oneGroupOfEveryLayerKeepsThePlainNames() throws CompilationFailed {
        CompiledTrainer trainer = trainer(compile("[sgd(lr: 0.1) for [h1, out]]"));
        assertEquals(List.of("lr"), trainer.hyperparameterNames());
        assertEquals(List.of("lr"), trainer(compile("sgd(lr: 0.1)")).hyperparameterNames());
    }

    @Test
    void nesterovInOneGroupLooksAheadOnlyOverItsLayers() throws CompilationFailed {
        CompiledRecipe recipe = compile("[nesterov(lr: 0.1, alpha: 0.5) for h1, sgd(lr: 0.1)]", "average = polyak()");
        CompiledTrainer trainer = trainer(recipe);
        double[] before = toDouble(trainer.flatParameters());
        trainer.lookahead(1);
        // v = 0 at the first step, so the lookahead point is θ itself everywhere.
        for (int j = 0; j < before.length; j++) assertEquals(before[j], trainer.flatParameters()[j]);
    }

    // ---- errors ----

    private static Diagnostic error(String source, String code) {
        CompilationFailed failed = assertThrows(CompilationFailed.class, () -> Optc.compile(source, "groups_errors.opt"));
        List<Diagnostic> matching = failed.diagnostics().stream()
                .filter(d -> d.severity() == Severity.ERROR && d.code().equals(code)).toList();
        assertEquals(1, matching.size(), "one " + code + " among " + failed.diagnostics());
        assertTrue(failed.getMessage().contains("error[" + code + "]"), failed.getMessage());
        return matching.get(0);
    }

    @Test
    void anUnknownLayerIsE048WithASuggestion() {
        Diagnostic d = error(source("[sgd() for outt, adam()]"), "E048");
        assertEquals("model `Two` has no layer `outt`", d.message());
        assertEquals("did you mean `out`?", d.hint());
        assertEquals("its layers are h1, out", error(source("[sgd() for h3, adam()]"), "E048").hint());
    }

    @Test
    void aLayerInTwoGroupsIsE048() {
        Diagnostic d = error(source("[sgd() for [h1, out], adam() for h1]"), "E048");
        assertEquals("layer `h1` is given two optimizers", d.message());
    }

    @Test
    void layersWithoutAnOptimizerAreE048() {
        Diagnostic d = error(source("[sgd() for h1]"), "E048");
        assertEquals("layer `out` has no optimizer", d.message());
        assertTrue(d.hint().contains("without `for`"), d.hint());
    }

    @Test
    void anElementThatIsNotARuleForLayersIsE048() {
        assertEquals("each element of `optimizer` is `rule(...) for layer` or `rule(...) for [layers]`",
                error(source("[0.1 for h1, sgd()]"), "E048").message());
        assertEquals("after `for` comes a layer or a list of layers", error(source("[sgd() for 3, adam()]"), "E048").message());
        assertEquals("only the last element of `optimizer` may leave out `for`",
                error(source("[sgd(), adam() for h1]"), "E048").message());
    }

    @Test
    void aDefaultThatTakesNoLayerIsE048() {
        assertEquals("every layer already has an optimizer, so this last element takes none",
                error(source("[sgd() for [h1, out], adam()]"), "E048").message());
    }

    @Test
    void anUnknownRuleInAGroupIsStillE013() {
        Diagnostic d = error(source("[adamm() for h1, sgd()]"), "E013");
        assertEquals("did you mean `adam`?", d.hint());
    }

    @Test
    void groupsInAnObjectiveRecipeAreE048() {
        String source = """
                objective bowl(x: 2 = [1, 2]) {
                    return x[0] ^ 2 + x[1] ^ 2
                }
                recipe r {
                    objective = bowl
                    optimizer = [sgd(lr: 0.1) for x]
                    steps     = 10
                }
                """;
        assertEquals("an objective has no layers to give their own optimizers", error(source, "E048").message());
    }

    /**
     * `schedule = linear(to: 0.1 * lr, over: 2 steps)` with two sgd groups schedules each group's lr from its own ε₀,
     * with `to:` evaluated against that group's lr: ε_k = (1 − k/τ) ε₀ + (k/τ)·0.1·ε₀. Each step is checked
     * against the interpreter's gradient and the formula, so a group left at its ε₀, or given the other's, fails.
     */
    @Test
    void aScheduleOfLrSchedulesEveryGroupFromItsOwnValue() throws CompilationFailed {
        CompiledRecipe recipe = compile("[sgd(lr: 0.2) for h1, sgd(lr: 0.05) for out]", "batch = full", "shuffle = none",
                "epochs = 4", "schedule = linear(to: 0.1 * lr, over: 2 steps)");
        checkScheduledSteps(recipe, k -> linear(0.2, 0.02, k, 2), k -> linear(0.05, 0.005, k, 2));
    }

    /** `cosine(...) for h1.lr` schedules group h1's lr only; `out.lr` keeps its value. */
    @Test
    void aQualifiedScheduleChangesOnlyItsGroup() throws CompilationFailed {
        CompiledRecipe recipe = compile("[sgd(lr: 0.2) for h1, sgd(lr: 0.05) for out]", "batch = full", "shuffle = none",
                "epochs = 4", "schedule = [cosine(over: 3 steps) for h1.lr]");
        checkScheduledSteps(recipe, k -> 0.5 * 0.2 * (1 + Math.cos(Math.PI * Math.min(1.0, k / 3.0))), k -> 0.05);
    }

    private static double linear(double from, double to, long k, double tau) {
        double p = Math.min(1.0, k / tau);
        return (1 - p) * from + p * to;
    }

    /** Trains 4 full-batch steps; after each, θ and both groups' lr against sgd with the scheduled rates by hand. */
    private static void checkScheduledSteps(CompiledRecipe recipe, java.util.function.LongToDoubleFunction h1Lr,
                                            java.util.function.LongToDoubleFunction outLr) {
        CompiledTrainer trainer = trainer(recipe);
        boolean[] h1 = layer(recipe, "h1");
        double[] theta = toDouble(trainer.flatParameters());
        double[] input = toDouble(FEATURES);
        List<double[]> epochs = new ArrayList<>();
        List<double[]> rates = new ArrayList<>();
        trainer.fit(new Dataset("memory", FEATURES, LABELS, 4, 2, 3), null, report -> {
            epochs.add(toDouble(trainer.flatParameters()));
            rates.add(new double[] {trainer.hyperparameter("h1.lr"), trainer.hyperparameter("out.lr")});
        });
        assertEquals(4, epochs.size());
        for (int k = 0; k < 4; k++) {
            assertEquals(h1Lr.applyAsDouble(k), rates.get(k)[0], 1e-12 * h1Lr.applyAsDouble(k), "h1.lr at step k = " + k);
            assertEquals(outLr.applyAsDouble(k), rates.get(k)[1], 1e-12 * outLr.applyAsDouble(k), "out.lr at step k = " + k);
            TensorInterpreter oracle = new TensorInterpreter(recipe.program(), theta.clone(), LABELS.length);
            oracle.loss(input, LABELS, true);
            for (int j = 0; j < theta.length; j++) theta[j] -= (h1[j] ? h1Lr.applyAsDouble(k) : outLr.applyAsDouble(k)) * oracle.grads[j];
            for (int j = 0; j < theta.length; j++) assertClose(theta[j], epochs.get(k)[j], "θ[" + j + "] after step " + (k + 1));
        }
    }

    @Test
    void aScheduleOfAGroupThatDoesNotExistIsE025WithASuggestion() {
        Diagnostic d = error(source("[sgd(lr: 0.1) for h1, adam() for out]", "schedule = [linear(to: 0.01, over: 5 epochs) for h2.lr]"), "E025");
        assertEquals("no optimizer group is named `h2`", d.message());
        assertTrue(d.hint().contains("h1"), d.hint());
    }

    @Test
    void aHyperparameterThatNoGroupHasIsE025() {
        Diagnostic d = error(source("[sgd(lr: 0.1) for h1, adam() for out]", "schedule = [linear(to: 0.5, over: 5 epochs) for alpha]"), "E025");
        assertEquals("no optimizer group has a hyperparameter `alpha` to schedule", d.message());
    }

    @Test
    void aGroupsLrScheduledTwiceIsE042() {
        Diagnostic d = error(source("[sgd(lr: 0.1) for h1, adam() for out]",
                "schedule = [linear(to: 0.01, over: 5 epochs) for lr, cosine(over: 5 epochs) for out.lr]"), "E042");
        assertEquals("`out.lr` is scheduled twice", d.message());
    }

    @Test
    void aSingleOptimizerStillCompilesToTheSameClasses() throws CompilationFailed {
        CompiledRecipe recipe = compile("adam(lr: 0.01)");
        assertEquals(3, recipe.generatedClasses().size());
        CompiledRecipe groups = compile("[adam(lr: 0.01) for h1, sgd()]");
        assertEquals(5, groups.generatedClasses().size());
        assertNotNull(groups.newUpdateKernel(dev.optc.runtime.kernels.Backend.SCALAR));
    }
}
