package dev.optc.runtime.train;

/**
 * How a hyperparameter changes over training. {@code k} counts the steps taken before the current one and
 * {@code span} is τ in steps; ε₀ is the hyperparameter's value when training starts.
 *
 * <ul>
 *   <li>{@code constant}: ε₀</li>
 *   <li>{@code linear}: ε_k = (1 − k/τ) ε₀ + (k/τ) ε_τ, then ε_τ after τ (8.3.1 of the seed)</li>
 *   <li>{@code cosine}: ε_τ + ½ (ε₀ − ε_τ)(1 + cos(π k/τ)), then ε_τ after τ</li>
 *   <li>{@code step}: ε₀ · factor^⌊k/τ⌋ (τ is the interval)</li>
 *   <li>{@code exponential}: ε₀ · factor^(k/τ)</li>
 *   <li>{@code warmup}: from + (ε₀ − from) · k/τ, then ε₀ after τ (a linear ramp)</li>
 * </ul>
 *
 * @param hyperparameter the name of the scheduled hyperparameter
 * @param inEpochs       whether {@code span} was given in epochs (converted to steps when training starts)
 * @param target         ε_τ for linear and cosine, the start value for warmup
 */
public record Schedule(String hyperparameter, String kind, double span, boolean inEpochs, double target, double factor) {

    public Schedule {
        switch (kind) {
            case "constant", "linear", "cosine", "step", "exponential", "warmup" -> {
            }
            default -> throw new IllegalArgumentException("unknown schedule " + kind);
        }
    }

    /** The value at step k (0-based) given ε₀ and τ in steps. */
    public double value(double initial, long k, double tau) {
        double progress = tau <= 0 ? 1 : Math.min(1.0, k / tau);
        return switch (kind) {
            case "constant" -> initial;
            case "linear" -> (1 - progress) * initial + progress * target;
            case "cosine" -> target + 0.5 * (initial - target) * (1 + Math.cos(Math.PI * progress));
            case "step" -> initial * Math.pow(factor, Math.floor(k / tau));
            case "exponential" -> initial * Math.pow(factor, k / tau);
            case "warmup" -> target + (initial - target) * progress;
            default -> throw new IllegalStateException(kind);
        };
    }

    /** τ in steps. */
    public double spanInSteps(long stepsPerEpoch) {
        return inEpochs ? span * stepsPerEpoch : span;
    }
}
