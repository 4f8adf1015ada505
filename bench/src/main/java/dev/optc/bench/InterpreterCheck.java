package dev.optc.bench;

import dev.optc.interpret.UpdateInterpreter;
import dev.optc.runtime.kernels.Backend;
import dev.optc.runtime.kernels.FusedUpdate;
import dev.optc.runtime.parallel.Workers;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Before a variant is timed, two steps of it on a small buffer (with a vector tail) are compared with the
 * interpreter, the reference meaning of the rule: a benchmark of a loop that computes something else would be
 * worthless. The twin computes nothing on purpose and is not checked.
 */
final class InterpreterCheck {
    private static final int SIZE = 1031;
    private static final double TOLERANCE = 1e-5;

    private InterpreterCheck() {
    }

    static void verify(CompiledRule rule, String variant) {
        if (variant.equals("twin")) return;
        SplittableRandom random = new SplittableRandom(7);
        float[] theta = UpdateBenchmark.uniform(random, SIZE);
        float[] grads = UpdateBenchmark.uniform(random, SIZE);
        float[] initial = rule.initialStates();
        float[][] states = new float[initial.length][SIZE];
        for (int s = 0; s < states.length; s++) Arrays.fill(states[s], initial[s]);
        double[] expected = new double[SIZE];
        double[] g = new double[SIZE];
        for (int i = 0; i < SIZE; i++) {
            expected[i] = theta[i];
            g[i] = grads[i];
        }
        UpdateInterpreter reference = new UpdateInterpreter(rule.kernel(), SIZE);
        for (long t = 1; t <= 2; t++) {
            reference.step(expected, g, t);
            switch (variant) {
                case "vector", "scalar", "default" -> {
                    FusedUpdate kernel = rule.recipe().newUpdateKernel(switch (variant) {
                        case "vector" -> Backend.VECTOR;
                        case "scalar" -> Backend.SCALAR;
                        default -> rule.trainerBackend();
                    });
                    kernel.update(theta, grads, null, states, rule.scalars(t), 0, SIZE);
                }
                case "plain" -> {
                    Workers.RangeTask loop = PlainLoops.of(rule, theta, grads, states, t);
                    loop.run(0, SIZE);
                }
                default -> throw new IllegalArgumentException("unknown variant " + variant);
            }
        }
        compare(rule, variant, "theta", theta, expected);
        for (int s = 0; s < states.length; s++) {
            double[] state = new double[SIZE];
            for (int i = 0; i < SIZE; i++) state[i] = reference.state(s, i);
            compare(rule, variant, rule.kernel().states().get(s).name(), states[s], state);
        }
    }

    private static void compare(CompiledRule rule, String variant, String array, float[] actual, double[] expected) {
        double scale = Arrays.stream(expected).map(Math::abs).max().orElse(0);
        for (int i = 0; i < actual.length; i++) {
            double error = Math.abs(actual[i] - expected[i]);
            if (error > TOLERANCE * (scale + Math.abs(expected[i]))) {
                throw new IllegalStateException("the " + variant + " " + rule.rule() + " update differs from the interpreter: "
                        + array + "[" + i + "] = " + actual[i] + " after two steps, expected " + expected[i]);
            }
        }
    }
}
