package dev.optc.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompiledRecipe;
import dev.optc.optimizers.SeedFormulas.Adam;
import dev.optc.optimizers.SeedFormulas.DeltaBarDelta;
import dev.optc.optimizers.SeedFormulas.Momentum;
import dev.optc.optimizers.SeedFormulas.Nesterov;
import dev.optc.optimizers.SeedFormulas.Sgd;
import dev.optc.optimizers.SeedFormulas.UpdateFormula;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.train.CompiledTrainer;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hyperparameters are run-time fields of a trainer: {@code setHyperparameter} between two steps changes the next
 * step, on the same compiled recipe and the same trainer object, with its state carried over; the result is the
 * hand-written formula ({@link SeedFormulas}) with the new value from that step on, within the tolerance of
 * {@link OptimizerFormulaTest} (1e-5·max(1, |θ|), for the same reasons). Every change is also shown to matter: the
 * formula with the old value ends ≥ 1e-3 away.
 */
class HyperparameterChangeTest {
    static final int N = 7;
    static final int STEPS = 8;

    /** A change the test makes just before step {@code step}, to the trainer and to the formula alike. */
    record Change(long step, String name, double value, Consumer<UpdateFormula> onFormula) {
    }

    @Test
    void learningRateOfSgd() {
        run("sgd(lr: 0.1)", new Sgd(0.1), List.of(
                new Change(3, "lr", 0.02, f -> ((Sgd) f).lr = 0.02),
                new Change(6, "lr", 0.3, f -> ((Sgd) f).lr = 0.3)));
    }

    @Test
    void learningRateAndFirstMomentDecayOfAdam() {
        run("adam(lr: 0.01, rho1: 0.9, rho2: 0.99)", new Adam(N, 0.01, 0.9, 0.99, 1e-8), List.of(
                new Change(3, "lr", 0.05, f -> ((Adam) f).lr = 0.05),
                new Change(5, "rho1", 0.5, f -> ((Adam) f).rho1 = 0.5),
                new Change(7, "rho2", 0.9, f -> ((Adam) f).rho2 = 0.9)));
    }

    /** The velocity built with the old learning rate carries on; only new contributions use the new one. */
    @Test
    void learningRateOfMomentumKeepsTheVelocity() {
        run("momentum(lr: 0.05, alpha: 0.9)", new Momentum(N, 0.05, 0.9), List.of(
                new Change(4, "lr", 0.001, f -> ((Momentum) f).lr = 0.001)));
    }

    /** The lookahead point of the next step already uses the new α. */
    @Test
    void momentumOfNesterovMovesTheLookahead() {
        run("nesterov(lr: 0.05, alpha: 0.9)", new Nesterov(N, 0.05, 0.9), List.of(
                new Change(4, "alpha", 0.3, f -> ((Nesterov) f).alpha = 0.3)));
    }

    /** κ and φ of delta-bar-delta change Δε of the next step; ε itself is state and carries on. */
    @Test
    void growthAndShrinkOfDeltaBarDelta() {
        run("delta_bar_delta(lr: 0.05, kappa: 0.01, phi: 0.1, gamma: 0.7)", new DeltaBarDelta(N, 0.05, 0.01, 0.1, 0.7), List.of(
                new Change(3, "kappa", 0.03, f -> ((DeltaBarDelta) f).kappa = 0.03),
                new Change(5, "phi", 0.6, f -> ((DeltaBarDelta) f).phi = 0.6)));
    }

    /** `state eps = lr`: every ε starts at the recipe's lr, not at the prelude's default 0.01. */
    @Test
    void aStateInitialisedFromAHyperparameterTakesTheRecipesValue() {
        CompiledRecipe recipe = FlatRecipe.compile(N, "delta_bar_delta(lr: 0.05)");
        CompiledTrainer first = FlatRecipe.trainer(recipe);
        assertEquals(0.05, first.hyperparameter("lr"));
        float[] theta0 = randomFloats(new SplittableRandom(3), N);
        float[] g = randomFloats(new SplittableRandom(4), N);
        // Step 1: δ̄(0) = 0, so θ₁ = θ₀ − ε₀·g exactly as the formula with ε₀ = 0.05.
        assertFirstStepIsTheFormula(first, theta0, g, new DeltaBarDelta(N, 0.05, 0.001, 0.1, 0.7));

        // Changing lr on one trainer neither touches a state that was initialised already nor another trainer: the
        // states start when a trainer is created, from the recipe's value.
        CompiledTrainer second = FlatRecipe.trainer(recipe);
        first.setHyperparameter("lr", 0.2);
        second.setHyperparameter("lr", 0.2);
        CompiledTrainer third = FlatRecipe.trainer(recipe);
        assertEquals(0.05, third.hyperparameter("lr"), "a new trainer takes the recipe's value");
        assertFirstStepIsTheFormula(second, theta0, g, new DeltaBarDelta(N, 0.05, 0.001, 0.1, 0.7));
        assertFirstStepIsTheFormula(third, theta0, g, new DeltaBarDelta(N, 0.05, 0.001, 0.1, 0.7));
    }

    static Stream<Arguments> declaredNames() {
        return Stream.of(
                Arguments.of("sgd(lr: 0.1)", List.of("lr"), Map.of("lr", 0.1)),
                Arguments.of("momentum()", List.of("lr", "alpha"), Map.of("lr", 0.01, "alpha", 0.9)),
                Arguments.of("nesterov(alpha: 0.5)", List.of("lr", "alpha"), Map.of("lr", 0.01, "alpha", 0.5)),
                Arguments.of("adagrad()", List.of("lr", "delta"), Map.of("delta", 1e-7)),
                Arguments.of("rmsprop()", List.of("lr", "rho", "delta"), Map.of("rho", 0.9, "delta", 1e-6)),
                Arguments.of("rmsprop_nesterov()", List.of("lr", "rho", "alpha", "delta"), Map.of("alpha", 0.9)),
                Arguments.of("adam(rho2: 0.95)", List.of("lr", "rho1", "rho2", "delta"),
                        Map.of("lr", 0.001, "rho1", 0.9, "rho2", 0.95, "delta", 1e-8)),
                Arguments.of("adadelta()", List.of("lr", "rho", "delta"), Map.of("lr", 1.0, "rho", 0.95)),
                Arguments.of("delta_bar_delta()", List.of("lr", "kappa", "phi", "gamma"),
                        Map.of("lr", 0.01, "kappa", 0.001, "phi", 0.1, "gamma", 0.7)),
                Arguments.of("adamw()", List.of("lr", "rho1", "rho2", "delta", "weight_decay"), Map.of("weight_decay", 0.01)),
                Arguments.of("amsgrad()", List.of("lr", "rho1", "rho2", "delta"), Map.of("lr", 0.001)),
                Arguments.of("nadam()", List.of("lr", "rho1", "rho2", "delta"), Map.of("lr", 0.002)),
                Arguments.of("lion()", List.of("lr", "beta1", "beta2", "weight_decay"),
                        Map.of("lr", 1e-4, "beta1", 0.9, "beta2", 0.99, "weight_decay", 0.0)));
    }

    /** Declaration order, not alphabetical; values as the recipe set them or as declared by default. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("declaredNames")
    void namesAreTheDeclaredOnesInOrder(String setting, List<String> names, Map<String, Double> values) {
        CompiledTrainer trainer = FlatRecipe.trainer(FlatRecipe.compile(N, setting));
        assertEquals(names, trainer.hyperparameterNames());
        values.forEach((name, value) -> assertEquals(value, trainer.hyperparameter(name), name));
    }

    @Test
    void namesOfAUserRuleAreInItsDeclarationOrder() {
        String rule = """
                optimizer scaled(zeta = 2, lr = 0.1, alpha = 0.5) {
                    theta -= lr * (zeta * g + alpha * theta)
                }
                """;
        CompiledTrainer trainer = FlatRecipe.trainer(FlatRecipe.compile(N, rule, "scaled(alpha: 0.25)"));
        assertEquals(List.of("zeta", "lr", "alpha"), trainer.hyperparameterNames());
        assertEquals(2, trainer.hyperparameter("zeta"));
        assertEquals(0.25, trainer.hyperparameter("alpha"));
    }

    @Test
    void unknownNamesAreRejected() {
        CompiledTrainer trainer = FlatRecipe.trainer(FlatRecipe.compile(N, "adam(lr: 0.01)"));
        for (String unknown : List.of("learning_rate", "LR", "rho3", "", "theta", "t", "s")) {
            IllegalArgumentException set = assertThrows(IllegalArgumentException.class, () -> trainer.setHyperparameter(unknown, 0.5),
                    () -> "setHyperparameter(\"" + unknown + "\")");
            assertTrue(set.getMessage().contains(unknown) && set.getMessage().contains("rho1"), set.getMessage());
            assertThrows(IllegalArgumentException.class, () -> trainer.hyperparameter(unknown), () -> "hyperparameter(\"" + unknown + "\")");
        }
        assertEquals(0.01, trainer.hyperparameter("lr"), "a rejected change changed something");
        assertEquals(List.of(0.01, 0.9, 0.999, 1e-8),
                trainer.hyperparameterNames().stream().map(trainer::hyperparameter).toList());
    }

    /** Steps the trainer and the formula side by side on a random gradient stream, applying the changes. */
    static void run(String setting, UpdateFormula formula, List<Change> changes) {
        CompiledRecipe recipe = FlatRecipe.compile(N, setting);
        CompiledTrainer trainer = FlatRecipe.trainer(recipe);
        UpdateFormula unchanged = formulaLike(formula);
        boolean looksAhead = recipe.updateKernel().lookahead() != null;
        SplittableRandom random = new SplittableRandom(setting.hashCode());
        float[] params = trainer.flatParameters();
        float[] start = randomFloats(random, N);
        System.arraycopy(start, 0, params, 0, N);
        double[] theta = OptimizerFormulaTest.widen(start);
        double[] thetaUnchanged = theta.clone();
        for (long t = 1; t <= STEPS; t++) {
            for (Change c : changes) {
                if (c.step() != t) continue;
                trainer.setHyperparameter(c.name(), c.value());
                assertEquals(c.value(), trainer.hyperparameter(c.name()));
                c.onFormula().accept(formula);
            }
            if (looksAhead) {
                trainer.lookahead(t);
                OptimizerFormulaTest.compare(setting, "the lookahead point of the formula", t, params, formula.gradientPoint(theta));
            }
            float[] g = randomFloats(random, N);
            System.arraycopy(g, 0, trainer.flatGradients(), 0, N);
            trainer.update(t);
            formula.step(theta, OptimizerFormulaTest.widen(g), t);
            unchanged.step(thetaUnchanged, OptimizerFormulaTest.widen(g), t);
            OptimizerFormulaTest.compare(setting + " with changes " + changes.stream().map(c -> c.name() + " = " + c.value()
                    + " from step " + c.step()).toList(), "the formula", t, params, theta);
        }
        assertSame(recipe.newTrainer(TrainOptions.seed(1)).getClass(), trainer.getClass(),
                "the trainer's class changed");
        double moved = 0;
        for (int i = 0; i < N; i++) moved = Math.max(moved, Math.abs(theta[i] - thetaUnchanged[i]));
        double difference = moved;
        assertTrue(difference > 1e-3, () -> setting + ": the changes made only " + difference + " of difference");
    }

    /** The same formula with the hyperparameters the run starts from, never changed. */
    private static UpdateFormula formulaLike(UpdateFormula f) {
        return switch (f) {
            case Sgd s -> new Sgd(s.lr);
            case Adam a -> new Adam(N, a.lr, a.rho1, a.rho2, a.delta);
            case Momentum m -> new Momentum(N, m.lr, m.alpha);
            case Nesterov m -> new Nesterov(N, m.lr, m.alpha);
            case DeltaBarDelta d -> new DeltaBarDelta(N, d.eps[0], d.kappa, d.phi, d.gamma);
            default -> throw new IllegalArgumentException(f.toString());
        };
    }

    private static void assertFirstStepIsTheFormula(CompiledTrainer trainer, float[] theta0, float[] g, UpdateFormula formula) {
        System.arraycopy(theta0, 0, trainer.flatParameters(), 0, N);
        System.arraycopy(g, 0, trainer.flatGradients(), 0, N);
        trainer.update(1);
        double[] theta = OptimizerFormulaTest.widen(theta0);
        formula.step(theta, OptimizerFormulaTest.widen(g), 1);
        OptimizerFormulaTest.compare("delta_bar_delta(lr: 0.05)", "ε₀ = 0.05", 1, trainer.flatParameters(), theta);
        // And not the default: ε₀ = 0.01 would move θ by 0.04·|g| less.
        double[] withDefault = OptimizerFormulaTest.widen(theta0);
        new DeltaBarDelta(N, 0.01, 0.001, 0.1, 0.7).step(withDefault, OptimizerFormulaTest.widen(g), 1);
        double apart = 0;
        for (int i = 0; i < N; i++) apart = Math.max(apart, Math.abs(withDefault[i] - theta[i]));
        assertTrue(apart > 1e-3, "the data do not tell the recipe's lr from the default");
    }

    static float[] randomFloats(SplittableRandom random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) values[i] = (float) random.nextDouble(-1, 1);
        return values;
    }
}
