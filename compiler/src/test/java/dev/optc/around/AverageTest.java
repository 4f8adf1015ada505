package dev.optc.around;

import static dev.optc.around.LinearOracle.OUT;
import static dev.optc.around.LinearOracle.assertClose;
import static dev.optc.around.LinearOracle.assertMatters;
import static dev.optc.around.LinearOracle.fourRows;
import static dev.optc.around.LinearOracle.gradient;
import static dev.optc.around.LinearOracle.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.optc.api.CompilationFailed;
import dev.optc.runtime.ParameterSpec;
import dev.optc.runtime.checkpoint.Safetensors;
import dev.optc.runtime.checkpoint.Tensor;
import dev.optc.runtime.data.Dataset;
import dev.optc.runtime.train.CompiledTrainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `average = polyak()`: θ̂(t) = (1/t) Σ_{i=1..t} θ(i); `average = ema(α)`: θ̂(t) = α θ̂(t−1) + (1−α) θ(t), θ̂(0) = θ(0).
 * Evaluation, prediction and checkpoints use θ̂; training goes on from θ. The trainer evaluates the training set as
 * its validation set after every epoch, so every epoch checks both: the validation loss is the loss at θ̂(t), and
 * θ(t+1) is computed from θ(t). Tolerances in {@link LinearOracle}; losses and outputs, computed in float from
 * values of order 1, are compared within the same 1e-5 relative.
 */
class AverageTest {
    private static final double LR = 0.5;
    private static final int EPOCHS = 6;
    private static final double ALPHA = 0.8;

    @TempDir
    Path dir;

    /** θ(0), θ(1), ..., θ(EPOCHS) of plain sgd from θ(0). */
    private static List<double[]> sgdTrajectory(double[] theta0, Dataset data) {
        List<double[]> thetas = new ArrayList<>(List.of(theta0));
        for (int t = 1; t <= EPOCHS; t++) {
            double[] previous = thetas.get(t - 1);
            thetas.add(LinearOracle.sgd(previous, LR, gradient(previous, data)));
        }
        return thetas;
    }

    @Test
    void polyakAveragesEveryIterateSoFar() throws CompilationFailed, IOException {
        CompiledTrainer trainer = trainer("polyak()");
        Dataset data = fourRows();
        List<double[]> theta = sgdTrajectory(toDouble(trainer.flatParameters()), data);
        List<double[]> average = new ArrayList<>();
        for (int t = 1; t <= EPOCHS; t++) {
            // θ̂(t) = (1/t) Σ_{i=1..t} θ(i)
            double[] mean = new double[theta.get(0).length];
            for (int i = 1; i <= t; i++) {
                for (int j = 0; j < mean.length; j++) mean[j] += theta.get(i)[j] / t;
            }
            average.add(mean);
        }
        checkTrainingUsesThetaAndEverythingElseUsesAverage(trainer, data, theta, average);
    }

    @Test
    void emaDecaysTowardsTheLatestIterate() throws CompilationFailed, IOException {
        CompiledTrainer trainer = trainer("ema(" + ALPHA + ")");
        Dataset data = fourRows();
        List<double[]> theta = sgdTrajectory(toDouble(trainer.flatParameters()), data);
        List<double[]> average = new ArrayList<>();
        double[] previous = theta.get(0); // θ̂(0) = θ(0)
        for (int t = 1; t <= EPOCHS; t++) {
            double[] next = new double[previous.length];
            for (int j = 0; j < next.length; j++) next[j] = ALPHA * previous[j] + (1 - ALPHA) * theta.get(t)[j];
            average.add(next);
            previous = next;
        }
        checkTrainingUsesThetaAndEverythingElseUsesAverage(trainer, data, theta, average);
    }

    /**
     * With a lookahead rule the trainer's buffer holds θ + αv while the gradient is taken; θ̂ averages the iterates
     * θ(t), not those interim points. 8.3.3 Nesterov: g = ∇L(θ + αv), v ← αv − εg, θ ← θ + v.
     */
    @Test
    void polyakAveragesTheIteratesOfALookaheadRule() throws CompilationFailed, IOException {
        double lr = 0.2, alpha = 0.9;
        CompiledTrainer trainer = LinearOracle.trainer("optimizer = nesterov(lr: " + lr + ", alpha: " + alpha + ")",
                "batch = full", "shuffle = none", "epochs = " + EPOCHS, "average = polyak()");
        Dataset data = fourRows();
        List<double[]> theta = new ArrayList<>(List.of(toDouble(trainer.flatParameters())));
        double[] v = new double[theta.get(0).length];
        List<double[]> average = new ArrayList<>();
        double[] sum = new double[v.length];
        for (int t = 1; t <= EPOCHS; t++) {
            double[] previous = theta.get(t - 1);
            double[] interim = new double[v.length];
            for (int j = 0; j < v.length; j++) interim[j] = previous[j] + alpha * v[j];
            double[] g = gradient(interim, data);
            double[] next = new double[v.length];
            double[] mean = new double[v.length];
            for (int j = 0; j < v.length; j++) {
                v[j] = alpha * v[j] - lr * g[j];
                next[j] = previous[j] + v[j];
                sum[j] += next[j];
                mean[j] = sum[j] / t;
            }
            theta.add(next);
            average.add(mean);
        }
        checkTrainingUsesThetaAndEverythingElseUsesAverage(trainer, data, theta, average);
    }

    /**
     * θ(0) is where training starts. Weights set through the Trainer API before `fit` (a warm start, here with
     * setParameter) are θ(0), so the averages start from them: θ̂(1) = α θ(0) + (1−α) θ(1), and so on.
     */
    @Test
    void emaStartsFromTheWeightsTrainingStartsFrom() throws CompilationFailed {
        CompiledTrainer trainer = trainer("ema(" + ALPHA + ")");
        Dataset data = fourRows();
        String name = trainer.parameters().get(0).name();
        float[] start = {0.3f, -0.2f, 0.1f, 0.4f, -0.5f, 0.25f};
        double[] initialized = toDouble(trainer.flatParameters());
        trainer.setParameter(name, start);
        List<double[]> theta = sgdTrajectory(toDouble(start), data);
        double[] expected = ema(toDouble(start), theta);
        LinearOracle.fit(trainer, data);
        assertClose(expected, average(trainer), "θ̂(" + EPOCHS + ") from the weights set before training");
        double[] stale = ema(initialized, theta);
        assertMatters(expected, stale, "θ(0) taken before or after setParameter");
    }

    /** θ̂(k) = α θ̂(k−1) + (1−α) θ(k) for k = 1 .. EPOCHS, from θ̂(0) = {@code start}. */
    private static double[] ema(double[] start, List<double[]> theta) {
        double[] average = start.clone();
        for (int k = 1; k <= EPOCHS; k++) {
            for (int j = 0; j < average.length; j++) average[j] = ALPHA * average[j] + (1 - ALPHA) * theta.get(k)[j];
        }
        return average;
    }

    /** After `load`, the trainer holds the loaded weights; evaluating must use them, not an average of earlier ones. */
    @Test
    void evaluateAfterLoadUsesTheLoadedWeights() throws CompilationFailed, IOException {
        CompiledTrainer trainer = trainer("polyak()");
        Dataset data = fourRows();
        trainer.fit(data, null, r -> { });
        ParameterSpec p = trainer.parameters().get(0);
        Path zeros = dir.resolve("zeros.safetensors");
        Safetensors.write(zeros, Map.of(p.name(), new Tensor(p.shape(), new float[p.size()])), Map.of("format", "pt"));
        trainer.load(zeros);
        // W = 0: every output is 0 and the loss is the mean of the squared one-hot labels, 1/3.
        assertEquals(1.0 / OUT, trainer.evaluate(data).loss(), 1e-7, "loss at the loaded W = 0");
    }

    private static CompiledTrainer trainer(String average) throws CompilationFailed {
        return LinearOracle.trainer("optimizer = sgd(lr: " + LR + ")", "batch = full", "shuffle = none",
                "epochs = " + EPOCHS, "average = " + average);
    }

    private void checkTrainingUsesThetaAndEverythingElseUsesAverage(CompiledTrainer trainer, Dataset data,
                                                                    List<double[]> theta, List<double[]> average)
            throws IOException {
        LinearOracle.Run run = LinearOracle.fit(trainer, data, data);
        for (int t = 1; t <= EPOCHS; t++) {
            assertClose(theta.get(t), run.thetas().get(t - 1), "θ(" + t + "): training continues from θ");
            double loss = LinearOracle.loss(average.get(t - 1), data);
            assertClose(new double[] {loss}, new double[] {run.reports().get(t - 1).validationLoss()},
                    "the validation loss after step " + t + " is the loss at θ̂(" + t + ")");
        }
        double[] last = average.get(EPOCHS - 1);
        assertMatters(last, theta.get(EPOCHS), "averaging");

        float[] before = trainer.flatParameters().clone();
        assertClose(new double[] {LinearOracle.loss(last, data)}, new double[] {trainer.evaluate(data).loss()}, "evaluate");
        assertArrayEquals(before, trainer.flatParameters(), "θ after evaluate");

        float[] predicted = trainer.predict(data.features(), data.rows());
        double[] expected = new double[data.rows() * OUT];
        for (int r = 0; r < data.rows(); r++) System.arraycopy(LinearOracle.output(last, data, r), 0, expected, r * OUT, OUT);
        assertClose(expected, predicted, "predict: x θ̂ᵀ");
        assertArrayEquals(before, trainer.flatParameters(), "θ after predict");

        Path file = dir.resolve("averaged.safetensors");
        trainer.save(file);
        assertArrayEquals(before, trainer.flatParameters(), "θ after save");
        Map<String, Tensor> saved = Safetensors.read(file).tensors();
        ParameterSpec p = trainer.parameters().get(0);
        assertClose(last, saved.get(p.name()).data(), "the saved " + p.name());
    }

    /** θ̂ as the trainer's own checkpoint writes it (the averaged weights, not θ). */
    private double[] average(CompiledTrainer trainer) {
        try {
            Path file = dir.resolve("average.safetensors");
            trainer.save(file);
            return toDouble(Safetensors.read(file).tensors().get(trainer.parameters().get(0).name()).data());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
