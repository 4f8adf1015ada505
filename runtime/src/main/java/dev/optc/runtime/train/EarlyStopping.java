package dev.optc.runtime.train;

/**
 * `stop = early(patience: 3, watch: validation.loss, min_delta: 0)`: training stops once the watched figure has not
 * improved by more than {@code minDelta} for {@code patience} epochs, and the best weights are restored (7.8 of
 * Deep Learning; the seed's chapter leans on it as the default regularizer).
 *
 * @param watch {@code validation.loss}, {@code validation.accuracy} or {@code train.loss}
 */
public record EarlyStopping(String watch, int patience, double minDelta) {

    public boolean maximizes() {
        return watch.endsWith("accuracy");
    }

    /** Whether {@code value} improves on {@code best} by more than min_delta. */
    public boolean improves(double value, double best) {
        if (Double.isNaN(best)) return !Double.isNaN(value);
        return maximizes() ? value > best + minDelta : value < best - minDelta;
    }
}
