package dev.optc.around;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompilationFailed;
import dev.optc.api.Optc;
import dev.optc.runtime.EpochReport;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.data.Dataset;
import dev.optc.runtime.train.CompiledTrainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The oracle of the around-the-rule tests: a linear model without bias, {@code y = x Wᵀ} with W of shape [3, 2]
 * (PyTorch's [out, in], flat index {@code 2·o + i}), trained with the mean squared error on one-hot labels,
 * L = (1/(rows·3)) Σ_r Σ_o (y_ro − Y_ro)². Its gradient, written out by hand in double precision:
 * <pre>
 *   dL/dW = (2/(rows·3)) (X Wᵀ − Y)ᵀ X
 * </pre>
 * Nothing here calls the compiler's passes or the runtime's kernels: the tests iterate these formulas themselves and
 * compare with what the generated trainer did.
 *
 * <p>Tolerance. The trainer computes in float (u = 2⁻²⁴ ≈ 6e-8). One step's gradient is a sum of at most 5 products
 * of magnitude ≤ ~3, so it is off by a few u of that scale; storing θ rounds by u·|θ|. Gradient descent on this
 * quadratic contracts errors, so after the ≤ 12 steps of a test the float trajectory is within ~1e-6 of the double
 * one (measured: at most 1e-7 over every comparison of these tests, with the vector and the scalar kernels).
 * {@link #TOLERANCE} = 1e-5 (per element, relative to max(1, |θ|)) leaves a factor of 10 on the bound, and every test also
 * checks that the setting under test moves θ by more than {@link #MATTERS} = 1e-3, a hundred times the tolerance, so a
 * setting that was silently ignored cannot pass.
 */
final class LinearOracle {
    static final double TOLERANCE = 1e-5;
    static final double MATTERS = 1e-3;
    static final int IN = 2;
    static final int OUT = 3;
    static final int SIZE = IN * OUT;

    /** `model Lin(x: inputs) -> 3 { return dense(x, 3, bias: false) }`. */
    static String model(int inputs) {
        return "model Lin(x: " + inputs + ") -> 3 {\n    return dense(x, 3, bias: false)\n}\n";
    }

    private LinearOracle() {
    }

    /** The 2-input model and a recipe `t` with data, model and loss, then the given settings, one per line. */
    static String source(String... settings) {
        return source(IN, settings);
    }

    static String source(int inputs, String... settings) {
        StringBuilder recipe = new StringBuilder(model(inputs)).append("recipe t {\n")
                .append("    data = csv(\"unused.csv\")\n")
                .append("    model = Lin\n")
                .append("    loss = mse\n");
        for (String s : settings) recipe.append("    ").append(s).append('\n');
        return recipe.append("}\n").toString();
    }

    static CompiledTrainer trainer(String... settings) throws CompilationFailed {
        return trainer(IN, settings);
    }

    static CompiledTrainer trainer(int inputs, String... settings) throws CompilationFailed {
        return (CompiledTrainer) Optc.compile(source(inputs, settings), "t.opt").first().newTrainer(TrainOptions.seed(1));
    }

    /** W = [[0.3, −0.2], [0.1, 0.4], [−0.5, 0.25]] written into the live buffer, for gradients of a known size. */
    static double[] setKnownWeights(CompiledTrainer trainer) {
        float[] w = {0.3f, -0.2f, 0.1f, 0.4f, -0.5f, 0.25f};
        System.arraycopy(w, 0, trainer.flatParameters(), 0, SIZE);
        return toDouble(w);
    }

    /** Four rows whose gradients have no element near zero, labels 0, 1, 2, 1. */
    static Dataset fourRows() {
        return data(new float[] {1.0f, 0.5f, -0.5f, 1.0f, 0.8f, -0.3f, 0.2f, 0.9f}, new int[] {0, 1, 2, 1});
    }

    /** Five rows, for groups that do not divide the epoch. */
    static Dataset fiveRows() {
        return data(new float[] {1.0f, 0.5f, -0.5f, 1.0f, 0.8f, -0.3f, 0.2f, 0.9f, -0.7f, -0.4f}, new int[] {0, 1, 2, 1, 0});
    }

    static Dataset data(float[] features, int[] labels) {
        return new Dataset("memory", features, labels, labels.length, features.length / labels.length, OUT);
    }

    // ---- the formulas ----

    /** y = x Wᵀ for one row. */
    static double[] output(double[] w, Dataset d, int row) {
        int in = d.width();
        double[] y = new double[OUT];
        for (int o = 0; o < OUT; o++) {
            for (int i = 0; i < in; i++) y[o] += w[o * in + i] * d.features()[row * in + i];
        }
        return y;
    }

    /** dL/dW = (2/(rows·3)) (X Wᵀ − Y)ᵀ X over rows [from, from + rows). */
    static double[] gradient(double[] w, Dataset d, int from, int rows) {
        int in = d.width();
        double[] g = new double[OUT * in];
        for (int r = from; r < from + rows; r++) {
            double[] y = output(w, d, r);
            for (int o = 0; o < OUT; o++) {
                double residual = y[o] - (d.labels()[r] == o ? 1 : 0);
                for (int i = 0; i < in; i++) g[o * in + i] += 2.0 / (rows * OUT) * residual * d.features()[r * in + i];
            }
        }
        return g;
    }

    static double[] gradient(double[] w, Dataset d) {
        return gradient(w, d, 0, d.rows());
    }

    /** L = (1/(rows·3)) Σ (x Wᵀ − Y)². */
    static double loss(double[] w, Dataset d) {
        double sum = 0;
        for (int r = 0; r < d.rows(); r++) {
            double[] y = output(w, d, r);
            for (int o = 0; o < OUT; o++) {
                double residual = y[o] - (d.labels()[r] == o ? 1 : 0);
                sum += residual * residual;
            }
        }
        return sum / (d.rows() * OUT);
    }

    static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }

    /** θ − lr·g. */
    static double[] sgd(double[] theta, double lr, double[] g) {
        double[] next = new double[theta.length];
        for (int j = 0; j < theta.length; j++) next[j] = theta[j] - lr * g[j];
        return next;
    }

    static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }

    // ---- driving the trainer ----

    /** What `fit` did: θ and the named hyperparameters after every epoch, and the epoch reports. */
    record Run(List<double[]> thetas, Map<String, List<Double>> hypers, List<EpochReport> reports) {
        double[] last() { return thetas.get(thetas.size() - 1); }

        double hyper(String name, int epoch) { return hypers.get(name).get(epoch - 1); }
    }

    /** Runs `fit` on {@code data}, recording after each epoch θ and each of {@code observed} hyperparameters. */
    static Run fit(CompiledTrainer trainer, Dataset data, Dataset validation, String... observed) {
        List<double[]> thetas = new ArrayList<>();
        Map<String, List<Double>> hypers = new LinkedHashMap<>();
        for (String name : observed) hypers.put(name, new ArrayList<>());
        List<EpochReport> reports = new ArrayList<>();
        trainer.fit(data, validation, report -> {
            thetas.add(toDouble(trainer.flatParameters()));
            for (String name : observed) hypers.get(name).add(trainer.hyperparameter(name));
            reports.add(report);
        });
        return new Run(thetas, hypers, reports);
    }

    static Run fit(CompiledTrainer trainer, Dataset data, String... observed) {
        return fit(trainer, data, null, observed);
    }

    // ---- assertions ----

    /** |actual − expected| ≤ TOLERANCE · max(1, |expected|), element-wise. */
    static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int j = 0; j < expected.length; j++) {
            double allowed = TOLERANCE * Math.max(1, Math.abs(expected[j]));
            double error = Math.abs(actual[j] - expected[j]);
            assertTrue(error <= allowed, what + "[" + j + "]: expected " + expected[j] + ", got " + actual[j]
                    + " (off by " + error + ", allowed " + allowed + ")");
        }
    }

    static void assertClose(double[] expected, float[] actual, String what) {
        assertClose(expected, toDouble(actual), what);
    }

    /** The two trajectories differ by more than {@link #MATTERS} somewhere: the setting under test changes θ. */
    static void assertMatters(double[] with, double[] without, String what) {
        double largest = 0;
        for (int j = 0; j < with.length; j++) largest = Math.max(largest, Math.abs(with[j] - without[j]));
        assertTrue(largest > MATTERS, what + " moves θ by only " + largest + "; the test could not tell it was ignored");
    }

    /** Hyperparameter values are set in double from the schedule: equal up to double rounding of the formula. */
    static void assertHyper(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-12 * Math.max(1, Math.abs(expected)), what);
    }
}
