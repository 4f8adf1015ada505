package dev.optc.runtime;

/**
 * What one epoch did. Validation figures are NaN when nothing is held out.
 *
 * @param trainLoss    mean loss over the epoch's training batches, as seen while training
 * @param learningRate the hyperparameter `lr` at the epoch's last step (NaN when the rule has none)
 * @param gradientNorm the mean over the epoch's steps of the global gradient norm ‖g‖ (NaN unless monitored): the
 *                     seed's advice is to watch it to tell a critical point (‖g‖ → 0) from ill-conditioning (‖g‖
 *                     stays large while the loss stalls)
 * @param curvature    gᵀg, gᵀHg and the learning rate on the epoch's monitoring batch (null unless monitored)
 */
public record EpochReport(int epoch, int epochs, double trainLoss, double validationLoss, double validationAccuracy,
                          double seconds, long steps, double learningRate, double gradientNorm, Curvature curvature) {

    /** A report without the curvature diagnostic. */
    public EpochReport(int epoch, int epochs, double trainLoss, double validationLoss, double validationAccuracy,
                       double seconds, long steps, double learningRate, double gradientNorm) {
        this(epoch, epochs, trainLoss, validationLoss, validationAccuracy, seconds, steps, learningRate, gradientNorm, null);
    }

    /** A report without the monitored figures. */
    public EpochReport(int epoch, int epochs, double trainLoss, double validationLoss, double validationAccuracy,
                       double seconds, long steps) {
        this(epoch, epochs, trainLoss, validationLoss, validationAccuracy, seconds, steps, Double.NaN, Double.NaN, null);
    }
}
