package dev.optc.runtime.train;

import dev.optc.runtime.Curvature;
import dev.optc.runtime.data.Dataset;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * `monitor = [..., curvature]`: at the end of every epoch, on one fixed monitoring batch, gᵀg and gᵀHg (8.2.1), with
 * gᵀHg from {@link HessianVectorProduct}. The gradients are those training computes (batch statistics for batch
 * norm, a dropout mask), but the measurement leaves no trace: the same mask is drawn from a stream of its own for the
 * three gradients, and the running statistics, the gradient buffer, θ and the size of the activation buffers are put
 * back exactly, so a run with the monitor trains and evaluates bit for bit as one without it.
 */
final class ConditioningMonitor {
    /** Rows of the monitoring batch when batches are smaller: a steadier curve than one minibatch gives. */
    static final int MINIMUM_ROWS = 256;

    private final int[] rows;

    private ConditioningMonitor(int[] rows) {
        this.rows = rows;
    }

    /**
     * The monitoring batch: max(batch, 256) rows of the training data (all of them for a full batch, or when there are
     * fewer), drawn once by a permutation from {@code seed} and kept in the data's order.
     */
    static ConditioningMonitor of(int trainingRows, int batch, long seed) {
        int size = batch == 0 ? trainingRows : Math.min(trainingRows, Math.max(batch, MINIMUM_ROWS));
        int[] chosen = Arrays.copyOf(Dataset.permutation(trainingRows, new SplittableRandom(seed)), size);
        Arrays.sort(chosen);
        return new ConditioningMonitor(chosen);
    }

    /** gᵀg and gᵀHg at the trainer's current θ; {@code dropoutSeed} fixes the one dropout mask all three gradients use. */
    Curvature measure(CompiledTrainer trainer, Dataset train, long dropoutSeed, double epsilon) {
        int count = rows.length;
        int capacity = trainer.capacity();
        trainer.ensureCapacity(count);
        int width = train.width();
        for (int r = 0; r < count; r++) {
            System.arraycopy(train.features(), rows[r] * width, trainer.input, r * width, width);
            trainer.labels[r] = train.labels()[rows[r]];
        }
        float[] params = trainer.flatParameters();
        float[] grads = trainer.flatGradients();
        float[] savedGrads = grads.clone();
        float[] savedStatistics = trainer.statistics.clone();
        SplittableRandom savedDropout = trainer.dropoutRandom;
        HessianVectorProduct.Gradient gradient = () -> {
            trainer.dropoutRandom = new SplittableRandom(dropoutSeed);
            trainer.computeGradients(count);
        };
        try {
            gradient.compute();
            float[] g = grads.clone();
            double gTg = 0;
            for (float v : g) gTg += (double) v * v;
            double gTHg = HessianVectorProduct.quadraticForm(params, grads, g, gradient);
            return new Curvature(gTg, gTHg, epsilon);
        } finally {
            System.arraycopy(savedGrads, 0, grads, 0, grads.length);
            System.arraycopy(savedStatistics, 0, trainer.statistics, 0, savedStatistics.length);
            trainer.dropoutRandom = savedDropout;
            trainer.restoreCapacity(capacity);
        }
    }
}
