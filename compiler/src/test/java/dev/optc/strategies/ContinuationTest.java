package dev.optc.strategies;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompilationFailed;
import dev.optc.api.ObjectiveRuns;
import dev.optc.api.Optc;
import dev.optc.check.Continuation;
import dev.optc.runtime.TrainOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Continuation methods (8.7.6) on J(p) = 0.1‖p‖² − Σ_{k=−4..4} Σ_i exp(−8(p_i − k)²): a wide bowl with a narrow well at
 * every integer point. It is even in each coordinate, and the bowl is smallest and the wells deepest together only at
 * p = 0, so its global minimum is p* = (0, 0) with J* = −2 Σ_k e^{−8k²}; the test also checks that on a grid in double.
 * Gradient descent from (3.2, −2.8) stops in the well near (3, −3); both continuations reach p*.
 */
class ContinuationTest {
    private static final String OBJECTIVE = """
            objective ripples(p: 2 = [3.2, -2.8], depth = 1) {
                near = exp(-8 * p ^ 2) + exp(-8 * (p - 1) ^ 2) + exp(-8 * (p + 1) ^ 2)
                mid = exp(-8 * (p - 2) ^ 2) + exp(-8 * (p + 2) ^ 2) + exp(-8 * (p - 3) ^ 2) + exp(-8 * (p + 3) ^ 2)
                far = exp(-8 * (p - 4) ^ 2) + exp(-8 * (p + 4) ^ 2)
                return 0.1 * sum(p ^ 2) - depth * sum(near + mid + far)
            }
            """;

    static double j(double x, double y) {
        double wells = 0;
        for (int k = -4; k <= 4; k++) wells += Math.exp(-8 * (x - k) * (x - k)) + Math.exp(-8 * (y - k) * (y - k));
        return 0.1 * (x * x + y * y) - wells;
    }

    static double optimum() {
        double s = 0;
        for (int k = -4; k <= 4; k++) s += Math.exp(-8.0 * k * k);
        return -2 * s;
    }

    static ObjectiveRuns.Run run(String settings, TrainOptions options, ObjectiveRuns.Listener listener) throws CompilationFailed {
        String source = OBJECTIVE + "recipe r {\n    objective = ripples\n    optimizer = sgd(lr: 0.1)\n    steps = 200\n" + settings + "\n}\n";
        return ObjectiveRuns.runAll(Optc.compile(source, "ripples.opt").recipe("r"), options, listener).get(0);
    }

    static ObjectiveRuns.Run run(String settings) throws CompilationFailed {
        return run(settings, TrainOptions.defaults(), new ObjectiveRuns.Listener() { });
    }

    @Test
    void theOracleMinimumIsTheGlobalOneOnAFineGrid() {
        assertEquals(optimum(), j(0, 0), 1e-15);
        double lowest = Double.POSITIVE_INFINITY;
        for (int a = -600; a <= 600; a++) {
            for (int b = -600; b <= 600; b++) lowest = Math.min(lowest, j(a / 100.0, b / 100.0));
        }
        assertEquals(optimum(), lowest, 0, "no grid point lies below J(0, 0)");
    }

    @Test
    void gradientDescentStopsInALocalMinimum() throws CompilationFailed {
        ObjectiveRuns.Run plain = run("");
        float[] p = plain.parameters();
        assertTrue(Math.hypot(p[0], p[1]) > 3.5, "plain descent went to " + Arrays.toString(p));
        assertTrue(plain.finalValue() > optimum() + 1.5, "J = " + plain.finalValue());
    }

    @Test
    void gaussianSmoothingReachesTheGlobalMinimum() throws CompilationFailed {
        ObjectiveRuns.Run smoothed = run("continuation = gaussian_smoothing(sigma: 1.0, stages: 5, samples: 32)\nseed = 1");
        assertAtOptimum(smoothed);
        assertEquals(5 * 200, smoothed.steps());
        assertEquals(4 * 200 * 32 + 200, smoothed.gradientEvaluations(), "32 samples a step in the four blurred stages");
        assertEquals(5 * 200 + 1, smoothed.trajectory().length, "one path through every stage");
    }

    @Test
    void annealingTheWellsDepthReachesTheGlobalMinimum() throws CompilationFailed {
        List<String> stages = new ArrayList<>();
        ObjectiveRuns.Run annealed = run("continuation = anneal(depth, from: 0, stages: 5)", TrainOptions.defaults(),
                new ObjectiveRuns.Listener() {
                    @Override
                    public void stage(String label, int stage, int count, String what) {
                        stages.add(what);
                    }
                });
        assertAtOptimum(annealed);
        assertEquals(List.of("J with depth = 0", "J with depth = 0.25", "J with depth = 0.5", "J with depth = 0.75", "J with depth = 1"), stages);
    }

    private static void assertAtOptimum(ObjectiveRuns.Run run) {
        float[] p = run.parameters();
        assertEquals(0, p[0], 1e-3, Arrays.toString(p));
        assertEquals(0, p[1], 1e-3, Arrays.toString(p));
        assertEquals(optimum(), run.finalValue(), 1e-5);
    }

    @Test
    void smoothingIsDeterministicBySeed() throws CompilationFailed {
        String settings = "continuation = gaussian_smoothing(sigma: 1.0, stages: 3, samples: 4)";
        ObjectiveRuns.Run a = run(settings), b = run(settings);
        ObjectiveRuns.Run c = run(settings, TrainOptions.seed(7), new ObjectiveRuns.Listener() { });
        for (int t = 0; t < a.trajectory().length; t++) assertArrayEquals(a.trajectory()[t], b.trajectory()[t], "step " + t);
        assertFalse(Arrays.equals(a.trajectory()[100], c.trajectory()[100]), "another seed draws other samples");
    }

    /** Each stage starts where the previous one ended: Newton lands on each stage's minimum x = c_i of (x − c)². */
    @Test
    void eachAnnealedStageStartsFromThePreviousSolution() throws CompilationFailed {
        String source = """
                objective shifted(x: 1 = [0], c = 1) {
                    return (x[0] - c) ^ 2 + 0.5 * x[0] ^ 4 / (1 + x[0] ^ 2)
                }
                recipe r {
                    objective = shifted
                    optimizer = newton()
                    steps = 50
                    continuation = anneal(c, from: 4, stages: 3, spacing: geometric)
                }
                """;
        List<float[]> ends = new ArrayList<>();
        ObjectiveRuns.Run run = ObjectiveRuns.runAll(Optc.compile(source, "s.opt").first(), TrainOptions.defaults(), new ObjectiveRuns.Listener() {
            @Override
            public void stageFinished(String label, int stage, float[] parameters, double value) {
                ends.add(parameters.clone());
            }
        }).get(0);
        // c_i = 4 (1/4)^{i/2} = 4, 2, 1; the stationary point of each stage solves 2(x − c) + d/dx[x⁴/(2(1 + x²))] = 0.
        double[] c = {4, 2, 1};
        for (int i = 0; i < 3; i++) {
            double x = ends.get(i)[0];
            double derivative = 2 * (x - c[i]) + (2 * x * x * x * (1 + x * x) - x * x * x * x * x) / ((1 + x * x) * (1 + x * x));
            assertEquals(0, derivative, 1e-3, "stage " + i + " ends at x = " + x);
        }
        assertArrayEquals(ends.get(2), run.parameters());
        // The path runs through every stage's end: stage i + 1 begins at stage i's solution.
        for (int i = 0; i < 2; i++) {
            float[] end = ends.get(i);
            assertTrue(Arrays.stream(run.trajectory()).anyMatch(row -> Arrays.equals(row, end)), "stage " + i + "'s end is on the path");
        }
    }

    @Test
    void theStatedSchedules() {
        Continuation smoothing = new Continuation("gaussian_smoothing", 5, 1.0, 32, null, 0, 0, false, null);
        double[] sigmas = new double[5];
        for (int i = 0; i < 5; i++) sigmas[i] = smoothing.sigma(i);
        assertArrayEquals(new double[] {1, 0.75, 0.5, 0.25, 0}, sigmas, 1e-15);
        Continuation geometric = new Continuation("anneal", 5, 0, 0, "alpha", 1.0, 0.01, true, null);
        double[] values = new double[5];
        for (int i = 0; i < 5; i++) values[i] = geometric.value(i);
        assertArrayEquals(new double[] {1, Math.pow(0.01, 0.25), 0.1, Math.pow(0.01, 0.75), 0.01}, values, 1e-12);
    }
}
