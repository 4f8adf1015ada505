package dev.optc.solvers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompilationFailed;
import dev.optc.api.Optc;
import dev.optc.runtime.EpochReport;
import dev.optc.runtime.ParameterSpec;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.TrainResult;
import dev.optc.runtime.data.CsvData;
import dev.optc.runtime.data.Dataset;
import dev.optc.runtime.train.CompiledTrainer;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Full-batch solvers (8.6) training a model. The oracle: a linear model y = x·Wᵀ + b trained by the mean squared error
 * on one-hot labels has the loss (1/(n·k)) ‖X̃B − Y‖² with X̃ = [X | 1] and B = [Wᵀ; b], an exact quadratic whose
 * minimizer solves the normal equations X̃ᵀX̃ B = X̃ᵀY; the test solves them in double by Gaussian elimination.
 *
 * <p>Tolerance: the trainer's loss and gradient are float (u ≈ 6·10⁻⁸), and Newton's Hessian-vector products are
 * central differences of that gradient, accurate to about u^{2/3} ≈ 10⁻⁵ relative. On this well-conditioned problem
 * (uniform features, 60 rows) a second Newton step removes the first step's error down to the gradient's rounding
 * level, so 1e-4 on every weight leaves a wide margin, while the start (Glorot weights, zero bias) is more than 0.1
 * away from B in some weight (checked), so a solver that did nothing fails.
 */
class ModelSolverTest {
    private static final int IN = 3, OUT = 3, ROWS = 60;

    private static String source(String optimizer, int epochs) {
        return "model Lin(x: " + IN + ") -> " + OUT + " {\n    return dense(x, " + OUT + ")\n}\n"
                + "recipe t {\n    data = csv(\"unused.csv\")\n    model = Lin\n    loss = mse\n    init = glorot_uniform\n"
                + "    optimizer = " + optimizer + "\n    batch = full\n    epochs = " + epochs + "\n    seed = 3\n}\n";
    }

    private static Dataset rows() {
        SplittableRandom random = new SplittableRandom(11);
        float[] features = new float[ROWS * IN];
        int[] labels = new int[ROWS];
        for (int r = 0; r < ROWS; r++) {
            for (int i = 0; i < IN; i++) features[r * IN + i] = (float) (2 * random.nextDouble() - 1);
            // labels that depend on the features, so the solution is far from the start
            labels[r] = features[r * IN] + 0.5f * features[r * IN + 1] > 0.3f ? 0 : features[r * IN + 2] > 0 ? 1 : 2;
        }
        return new Dataset("oracle", features, labels, ROWS, IN, OUT);
    }

    /** B [IN + 1][OUT] minimizing ‖X̃B − Y‖², by the normal equations in double. */
    private static double[][] leastSquares(Dataset d) {
        int m = IN + 1;
        double[][] a = new double[m][m + OUT];
        for (int r = 0; r < d.rows(); r++) {
            double[] x = new double[m];
            for (int i = 0; i < IN; i++) x[i] = d.features()[r * IN + i];
            x[IN] = 1;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) a[i][j] += x[i] * x[j];
                a[i][m + d.labels()[r]] += x[i];
            }
        }
        for (int c = 0; c < m; c++) {
            int pivot = c;
            for (int r = c + 1; r < m; r++) if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) pivot = r;
            double[] t = a[c];
            a[c] = a[pivot];
            a[pivot] = t;
            for (int r = 0; r < m; r++) {
                if (r == c) continue;
                double f = a[r][c] / a[c][c];
                for (int j = c; j < m + OUT; j++) a[r][j] -= f * a[c][j];
            }
        }
        double[][] b = new double[m][OUT];
        for (int i = 0; i < m; i++) for (int o = 0; o < OUT; o++) b[i][o] = a[i][m + o] / a[i][i];
        return b;
    }

    /** The largest |θ − B| over W[o][i] (offset o·IN + i) and b[o]. */
    private static double distance(CompiledTrainer trainer, double[][] b) {
        float[] theta = trainer.flatParameters();
        double worst = 0;
        for (ParameterSpec p : trainer.parameters()) {
            for (int o = 0; o < OUT; o++) {
                if (p.shape().length == 2) {
                    for (int i = 0; i < IN; i++) worst = Math.max(worst, Math.abs(theta[p.offset() + o * IN + i] - b[i][o]));
                } else {
                    worst = Math.max(worst, Math.abs(theta[p.offset() + o] - b[IN][o]));
                }
            }
        }
        return worst;
    }

    private static CompiledTrainer trainer(String optimizer, int epochs) throws CompilationFailed {
        return (CompiledTrainer) Optc.compile(source(optimizer, epochs), "t.opt").first().newTrainer(TrainOptions.seed(3));
    }

    @Test
    void newtonReachesTheLeastSquaresSolutionInTwoIterations() throws CompilationFailed {
        Dataset data = rows();
        double[][] b = leastSquares(data);
        CompiledTrainer trainer = trainer("newton()", 2);
        assertTrue(distance(trainer, b) > 0.1, "the start is already near the solution");
        TrainResult result = trainer.fit(data, null, r -> { });
        assertTrue(result.epochs().size() <= 2);
        assertTrue(distance(trainer, b) < 1e-4, "Newton is " + distance(trainer, b) + " from the least-squares solution");
    }

    @Test
    void lbfgsReachesTheLeastSquaresSolution() throws CompilationFailed {
        Dataset data = rows();
        double[][] b = leastSquares(data);
        CompiledTrainer trainer = trainer("lbfgs(history: 5)", 50);
        assertTrue(distance(trainer, b) > 0.1);
        trainer.fit(data, null, r -> { });
        assertTrue(distance(trainer, b) < 1e-3, "L-BFGS is " + distance(trainer, b) + " from the least-squares solution");
    }

    @Test
    void lbfgsLowersTheLossOfADigitsMlpAndReportsEachIteration() throws CompilationFailed {
        Dataset digits = CsvData.load(Path.of("../samples/data/digits.csv"), null, 1f / 16);
        Dataset train = digits.subset(java.util.stream.IntStream.range(0, 400).toArray(), "train");
        Dataset validation = digits.subset(java.util.stream.IntStream.range(400, 600).toArray(), "validation");
        String src = "model Mlp(x: 64) -> 10 {\n    h = tanh(dense(x, 16))\n    return dense(h, 10)\n}\n"
                + "recipe t {\n    data = csv(\"unused.csv\")\n    model = Mlp\n    loss = softmax_cross_entropy\n"
                + "    init = glorot_uniform\n    optimizer = lbfgs(history: 10)\n    batch = full\n    epochs = 8\n}\n";
        CompiledTrainer trainer = (CompiledTrainer) Optc.compile(src, "t.opt").first().newTrainer(TrainOptions.seed(1));
        double before = trainer.evaluate(train).loss();
        TrainResult result = trainer.fit(train, validation, r -> { });
        assertEquals(8, result.epochs().size());
        double after = trainer.evaluate(train).loss();
        assertTrue(after < 0.5 * before, "loss " + before + " → " + after);
        // each reported train loss is the full-batch loss at that iterate; the last is the loss evaluation measures now
        EpochReport last = result.last();
        assertEquals(after, last.trainLoss(), 1e-5 * Math.max(1, after));
        for (int i = 1; i < result.epochs().size(); i++) {
            assertTrue(result.epochs().get(i).trainLoss() <= result.epochs().get(i - 1).trainLoss(), "the line search only accepts descent");
        }
        assertTrue(!Double.isNaN(last.validationAccuracy()));
        assertEquals(8, trainer.completedEpochs());
    }
}
