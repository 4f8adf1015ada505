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

    /**
     * The smallest probability the probability losses take the logarithm of: p is clamped to [ε, 1 − ε] (in double)
     * so that log 0 never happens; where the clamp acts, the loss is flat and its gradient 0. 1e-7 is about float's
     * relative precision near 1, so 1 − ε still differs from 1 after rounding to float (as Keras does).
     */
    public static final double PROBABILITY_EPSILON = 1e-7;

    /**
     * Cross-entropy on probabilities (the output of a softmax): L = mean_r −log max(p_r,y, ε), PyTorch's NLLLoss of
     * log p. dL/dp_r,y = −1 / (rows · p_r,y) where p_r,y &gt; ε, and 0 elsewhere.
     */
    public static double crossEntropy(float[] probabilities, int[] labels, int rows, int classes, float[] dProbabilities) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int at = r * classes + labels[r];
            double p = probabilities[at];
            boolean clamped = !(p > PROBABILITY_EPSILON);
            total -= Math.log(clamped ? PROBABILITY_EPSILON : p);
            if (dProbabilities != null) {
                java.util.Arrays.fill(dProbabilities, r * classes, (r + 1) * classes, 0f);
                dProbabilities[at] = clamped ? 0f : (float) (-1.0 / (rows * p));
            }
        }
        return total / rows;
    }

    /**
     * Binary cross-entropy on probabilities (the outputs of sigmoids), averaged over every element (PyTorch's BCELoss):
     * L = Σ −[t log p + (1 − t) log(1 − p)] / (rows · width), p clamped to [ε, 1 − ε]. The targets: with one output the
     * label itself (0 or 1); with k outputs each is an independent binary target, 1 for the label's output and 0 for
     * the others (one-vs-rest, the same one-hot targets as {@link #meanSquaredError}).
     * dL/dp = (p − t) / (p (1 − p) · rows · width) where the clamp does not act, 0 where it does.
     */
    public static double binaryCrossEntropy(float[] probabilities, int[] labels, int rows, int width, float[] dProbabilities) {
        double total = 0;
        double scale = 1.0 / ((double) rows * width);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < width; j++) {
                int at = r * width + j;
                double t = binaryTarget(labels[r], j, width);
                double p = probabilities[at];
                boolean clamped = !(p > PROBABILITY_EPSILON && p < 1 - PROBABILITY_EPSILON);
                double q = Math.min(Math.max(p, PROBABILITY_EPSILON), 1 - PROBABILITY_EPSILON);
                total -= t * Math.log(q) + (1 - t) * Math.log(1 - q);
                if (dProbabilities != null) dProbabilities[at] = clamped ? 0f : (float) ((p - t) / (p * (1 - p)) * scale);
            }
        }
        return total * scale;
    }

    /** The target of output j for a label: the label itself with one output, else 1 for output `label`, 0 otherwise. */
    public static double binaryTarget(int label, int j, int width) {
        return width == 1 ? label : j == label ? 1 : 0;
    }

    /**
     * Mean absolute error against the one-hot encoding of the label, averaged over every element (PyTorch's L1Loss):
     * L = Σ |y − t| / (rows · width), dL/dy = sign(y − t) / (rows · width), 0 where y = t (PyTorch's subgradient).
     */
    public static double meanAbsoluteError(float[] outputs, int[] labels, int rows, int width, float[] dOutputs) {
        double total = 0;
        double scale = 1.0 / ((double) rows * width);
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            for (int j = 0; j < width; j++) {
                double diff = outputs[row + j] - (j == labels[r] ? 1.0 : 0.0);
                total += Math.abs(diff);
                if (dOutputs != null) dOutputs[row + j] = (float) (Math.signum(diff) * scale);
            }
        }
        return total * scale;
    }

    /** The loss of that name ({@code softmax_cross_entropy}, {@code cross_entropy}, ...), as a trainer evaluates it. */
    public static double of(String loss, float[] outputs, int[] labels, int rows, int width, float[] dOutputs) {
        return switch (loss) {
            case "softmax_cross_entropy" -> softmaxCrossEntropy(outputs, labels, rows, width, dOutputs);
            case "mse" -> meanSquaredError(outputs, labels, rows, width, dOutputs);
            case "cross_entropy" -> crossEntropy(outputs, labels, rows, width, dOutputs);
            case "binary_cross_entropy" -> binaryCrossEntropy(outputs, labels, rows, width, dOutputs);
            case "l1" -> meanAbsoluteError(outputs, labels, rows, width, dOutputs);
            default -> throw new IllegalArgumentException("unknown loss " + loss);
        };
    }

    /**
     * The class a row's outputs predict: the largest output; for a single output trained by binary cross-entropy,
     * 1 when its probability is above ½.
     */
    public static int predictedClass(String loss, float[] outputs, int row, int width) {
        if (width == 1 && loss.equals("binary_cross_entropy")) return outputs[row] > 0.5f ? 1 : 0;
        int best = 0;
        for (int j = 1; j < width; j++) if (outputs[row * width + j] > outputs[row * width + best]) best = j;
        return best;
    }
}
