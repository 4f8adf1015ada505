package dev.optc.runtime.kernels;

/**
 * Losses averaged over the batch, with their gradient with respect to the model's output. The gradient array may be
 * null when only the loss is wanted (evaluation).
 */
public final class Losses {
    private Losses() {
    }

    /**
     * Softmax followed by the negative log-likelihood of the label, fused and stable:
     * L = mean_r (log Σ_j exp(z_rj − m_r) − (z_r,y − m_r)), dL/dz = (softmax(z) − onehot(y)) / rows.
     */
    public static double softmaxCrossEntropy(float[] logits, int[] labels, int rows, int classes, float[] dLogits) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int row = r * classes;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < classes; j++) max = Math.max(max, logits[row + j]);
            double sum = 0;
            for (int j = 0; j < classes; j++) sum += Math.exp(logits[row + j] - max);
            double logSum = Math.log(sum);
            int label = labels[r];
            total += logSum - (logits[row + label] - max);
            if (dLogits != null) {
                for (int j = 0; j < classes; j++) {
                    double p = Math.exp(logits[row + j] - max - logSum);
                    dLogits[row + j] = (float) ((p - (j == label ? 1 : 0)) / rows);
                }
            }
        }
        return total / rows;
    }

    /**
     * Mean squared error against the one-hot encoding of the label, averaged over every element (PyTorch's
     * MSELoss): L = Σ (y − t)² / (rows · width), dL/dy = 2 (y − t) / (rows · width).
     */
    public static double meanSquaredError(float[] outputs, int[] labels, int rows, int width, float[] dOutputs) {
        double total = 0;
        double scale = 1.0 / ((double) rows * width);
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            for (int j = 0; j < width; j++) {
                double diff = outputs[row + j] - (j == labels[r] ? 1.0 : 0.0);
                total += diff * diff;
                if (dOutputs != null) dOutputs[row + j] = (float) (2 * diff * scale);
            }
        }
        return total * scale;
    }

    /**
     * FitNets' hint loss (Romero et al., 2015; 8.7.4), per example and averaged over the batch:
     * L = w · mean_r ½‖t_r − y_r‖², dL/dy = w (y − t) / rows.
     */
    public static double hint(float[] outputs, float[] targets, int rows, int width, double weight, float[] dOutputs) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            for (int j = 0; j < width; j++) {
                double diff = outputs[row + j] - targets[row + j];
                total += 0.5 * diff * diff;
                if (dOutputs != null) dOutputs[row + j] = (float) (weight * diff / rows);
            }
        }
        return weight * total / rows;
    }
}
