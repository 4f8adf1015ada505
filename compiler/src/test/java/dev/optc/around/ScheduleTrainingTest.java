package dev.optc.around;

import static dev.optc.around.LinearOracle.assertClose;
import static dev.optc.around.LinearOracle.assertHyper;
import static dev.optc.around.LinearOracle.assertMatters;
import static dev.optc.around.LinearOracle.fourRows;
import static dev.optc.around.LinearOracle.gradient;
import static dev.optc.around.LinearOracle.toDouble;

import dev.optc.api.CompilationFailed;
import dev.optc.runtime.data.Dataset;
import dev.optc.runtime.train.CompiledTrainer;
import java.util.function.LongToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * `schedule = ...`: the value the trainer uses at each step, read with {@code hyperparameter(name)} when an epoch
 * ends (with `batch = full` an epoch is one step, so that is the value of step k = epoch − 1), and the parameter
 * trajectory that those values produce. The formulas are the ones Schedule's documentation gives, written out here
 * with k the steps taken before the current one and τ the span in steps. Hyperparameter values are doubles computed
 * from the same formula, so they are compared within 1e-12 relative; trajectories within {@link LinearOracle}'s
 * tolerance.
 */
class ScheduleTrainingTest {
    private static final double LR = 0.5;
    private static final int EPOCHS = 7;

    static Stream<Arguments> lrSchedules() {
        double e0 = LR;
        return Stream.of(
                // ε_k = (1 − k/τ) ε₀ + (k/τ) ε_τ, then ε_τ
                Arguments.of("linear(to: 0.01, over: 4 steps)", (LongToDoubleFunction) k -> {
                    double p = Math.min(1.0, k / 4.0);
                    return (1 - p) * e0 + p * 0.01;
                }),
                // `to:` may use the optimizer's hyperparameters
                Arguments.of("linear(to: 0.1 * lr, over: 4 steps)", (LongToDoubleFunction) k -> {
                    double p = Math.min(1.0, k / 4.0);
                    return (1 - p) * e0 + p * 0.1 * e0;
                }),
                // ε_τ + ½ (ε₀ − ε_τ)(1 + cos(π k/τ)), then ε_τ
                Arguments.of("cosine(to: 0.05, over: 4 steps)", (LongToDoubleFunction) k ->
                        0.05 + 0.5 * (e0 - 0.05) * (1 + Math.cos(Math.PI * Math.min(1.0, k / 4.0)))),
                // ε_τ defaults to 0
                Arguments.of("cosine(over: 4 steps)", (LongToDoubleFunction) k ->
                        0.5 * e0 * (1 + Math.cos(Math.PI * Math.min(1.0, k / 4.0)))),
                // ε₀ · factor^⌊k/τ⌋
                Arguments.of("step(factor: 0.5, every: 2 steps)", (LongToDoubleFunction) k -> e0 * Math.pow(0.5, Math.floor(k / 2.0))),
                // ε₀ · factor^(k/τ)
                Arguments.of("exponential(factor: 0.5, every: 2 steps)", (LongToDoubleFunction) k -> e0 * Math.pow(0.5, k / 2.0)),
                // from + (ε₀ − from) · k/τ, then ε₀
                Arguments.of("warmup(from: 0.05, over: 3 steps)", (LongToDoubleFunction) k ->
                        0.05 + (e0 - 0.05) * Math.min(1.0, k / 3.0)),
                Arguments.of("constant", (LongToDoubleFunction) k -> e0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lrSchedules")
    void learningRateFollowsTheFormulaStepByStep(String schedule, LongToDoubleFunction lr) throws CompilationFailed {
        CompiledTrainer trainer = LinearOracle.trainer("optimizer = sgd(lr: " + LR + ")", "batch = full", "shuffle = none",
                "epochs = " + EPOCHS, "schedule = " + schedule);
        Dataset data = fourRows();
        double[] theta = toDouble(trainer.flatParameters());
        double[] constant = theta.clone();
        LinearOracle.Run run = LinearOracle.fit(trainer, data, "lr");
        for (int epoch = 1; epoch <= EPOCHS; epoch++) {
            long k = epoch - 1;
            assertHyper(lr.applyAsDouble(k), run.hyper("lr", epoch), "lr at step k = " + k);
            theta = LinearOracle.sgd(theta, lr.applyAsDouble(k), gradient(theta, data));
            constant = LinearOracle.sgd(constant, LR, gradient(constant, data));
            assertClose(theta, run.thetas().get(epoch - 1), "θ after step " + (k + 1));
        }
        if (!schedule.equals("constant")) assertMatters(theta, constant, schedule);
    }

    /**
     * `over: 2 epochs` with two mini-batches per epoch is τ = 4 steps, not 2: the span is converted with the number
     * of steps per epoch. The lr seen at the end of epoch e is that of its last step, k = 2e − 1.
     */
    @Test
    void spanInEpochsCountsTheStepsOfAnEpoch() throws CompilationFailed {
        int epochs = 4;
        CompiledTrainer trainer = LinearOracle.trainer("optimizer = sgd(lr: " + LR + ")", "batch = 2", "shuffle = none",
                "epochs = " + epochs, "schedule = linear(to: 0.01, over: 2 epochs)");
        Dataset data = fourRows();
        LongToDoubleFunction lr = k -> {
            double p = Math.min(1.0, k / 4.0);
            return (1 - p) * LR + p * 0.01;
        };
        LongToDoubleFunction asIfSteps = k -> {
            double p = Math.min(1.0, k / 2.0);
            return (1 - p) * LR + p * 0.01;
        };
        double[] theta = toDouble(trainer.flatParameters());
        double[] wrong = theta.clone();
        LinearOracle.Run run = LinearOracle.fit(trainer, data, "lr");
        long k = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            for (int from = 0; from < data.rows(); from += 2, k++) {
                theta = LinearOracle.sgd(theta, lr.applyAsDouble(k), gradient(theta, data, from, 2));
                wrong = LinearOracle.sgd(wrong, asIfSteps.applyAsDouble(k), gradient(wrong, data, from, 2));
            }
            assertHyper(lr.applyAsDouble(2L * epoch - 1), run.hyper("lr", epoch), "lr at the last step of epoch " + epoch);
            assertClose(theta, run.thetas().get(epoch - 1), "θ after epoch " + epoch);
        }
        assertMatters(theta, wrong, "epochs against steps");
    }

    /** 8.3.2 momentum with α scheduled: v ← α_k v − ε g, θ ← θ + v, α_k = (1 − k/4)·0.9 + (k/4)·0.5, lr fixed. */
    @Test
    void scheduleOfAnotherHyperparameter() throws CompilationFailed {
        double lr = 0.1;
        CompiledTrainer trainer = LinearOracle.trainer("optimizer = momentum(lr: " + lr + ", alpha: 0.9)", "batch = full",
                "shuffle = none", "epochs = " + EPOCHS, "schedule = [linear(to: 0.5, over: 4 steps) for alpha]");
        LongToDoubleFunction alpha = k -> {
            double p = Math.min(1.0, k / 4.0);
            return (1 - p) * 0.9 + p * 0.5;
        };
        checkMomentum(trainer, k -> lr, alpha, 0.9);
    }

    @Test
    void scheduleOfTwoHyperparametersAtOnce() throws CompilationFailed {
        CompiledTrainer trainer = LinearOracle.trainer("optimizer = momentum(lr: 0.1, alpha: 0.9)", "batch = full",
                "shuffle = none", "epochs = " + EPOCHS,
                "schedule = [cosine(to: 0.01, over: 4 steps) for lr, linear(to: 0.5, over: 4 steps) for alpha]");
        LongToDoubleFunction lr = k -> 0.01 + 0.5 * (0.1 - 0.01) * (1 + Math.cos(Math.PI * Math.min(1.0, k / 4.0)));
        LongToDoubleFunction alpha = k -> {
            double p = Math.min(1.0, k / 4.0);
            return (1 - p) * 0.9 + p * 0.5;
        };
        checkMomentum(trainer, lr, alpha, 0.9);
    }

    private static void checkMomentum(CompiledTrainer trainer, LongToDoubleFunction lr, LongToDoubleFunction alpha,
                                      double fixedAlpha) {
        Dataset data = fourRows();
        double[] theta = toDouble(trainer.flatParameters());
        double[] v = new double[theta.length];
        double[] unscheduled = theta.clone();
        double[] u = new double[theta.length];
        LinearOracle.Run run = LinearOracle.fit(trainer, data, "lr", "alpha");
        for (int epoch = 1; epoch <= EPOCHS; epoch++) {
            long k = epoch - 1;
            assertHyper(lr.applyAsDouble(k), run.hyper("lr", epoch), "lr at step k = " + k);
            assertHyper(alpha.applyAsDouble(k), run.hyper("alpha", epoch), "alpha at step k = " + k);
            double[] g = gradient(theta, data);
            double[] gu = gradient(unscheduled, data);
            for (int j = 0; j < theta.length; j++) {
                v[j] = alpha.applyAsDouble(k) * v[j] - lr.applyAsDouble(k) * g[j];
                theta[j] += v[j];
                u[j] = fixedAlpha * u[j] - lr.applyAsDouble(k) * gu[j];
                unscheduled[j] += u[j];
            }
            assertClose(theta, run.thetas().get(epoch - 1), "θ after step " + (k + 1));
        }
        assertMatters(theta, unscheduled, "the α schedule");
    }

    /**
     * A second `fit` goes on from where the first stopped: the step count (and with it Adam's t and Polyak's 1/t)
     * continues, so the schedule continues too, from the recipe's ε₀ at the overall step k.
     */
    @Test
    void aSecondFitContinuesTheSchedule() throws CompilationFailed {
        int epochs = 3;
        CompiledTrainer trainer = LinearOracle.trainer("optimizer = sgd(lr: " + LR + ")", "batch = full", "shuffle = none",
                "epochs = " + epochs, "schedule = linear(to: 0.01, over: 4 steps)");
        LongToDoubleFunction lr = k -> {
            double p = Math.min(1.0, k / 4.0);
            return (1 - p) * LR + p * 0.01;
        };
        Dataset data = fourRows();
        LinearOracle.fit(trainer, data);
        LinearOracle.Run second = LinearOracle.fit(trainer, data, "lr");
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long k = epochs + epoch - 1;
            assertHyper(lr.applyAsDouble(k), second.hyper("lr", epoch), "lr at overall step k = " + k + " (second fit)");
        }
    }
}
