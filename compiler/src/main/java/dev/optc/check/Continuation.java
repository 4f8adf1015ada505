package dev.optc.check;

import dev.optc.diagnostics.SourceSpan;

/**
 * A continuation method (8.7.6): objectives J_0 … J_{n−1} = J minimized in turn, each stage starting from the solution
 * of the one before (with a fresh optimizer state), each for the recipe's `steps`.
 *
 * <ul>
 * <li>{@code gaussian_smoothing(sigma: σ, stages: n, samples: m)}: J_i is J blurred by a Gaussian of width
 *     σ_i = σ (n − 1 − i)/(n − 1), so σ falls linearly from σ to 0 and the last stage is J itself; its gradient is the
 *     mean of ∇J(θ + σ_i ε) over m seeded samples ε ~ N(0, I) per step.</li>
 * <li>{@code anneal(h, from: a, to: b, stages: n, spacing: linear | geometric)}: J_i is J with the objective's
 *     hyperparameter h = a + (b − a) i/(n − 1), or a (b/a)^{i/(n − 1)} when geometric; b defaults to the recipe's value
 *     of h, so the last stage is J.</li>
 * </ul>
 *
 * @param kind {@code gaussian_smoothing} or {@code anneal}
 */
public record Continuation(String kind, int stages, double sigma, int samples, String hyperparameter, double from,
                           double to, boolean geometric, SourceSpan span) {

    public boolean smoothing() { return kind.equals("gaussian_smoothing"); }

    /** σ_i of stage i (0 for the last stage, which is J itself). */
    public double sigma(int stage) {
        return sigma * (stages - 1 - stage) / (stages - 1);
    }

    /** The annealed hyperparameter's value in stage i. */
    public double value(int stage) {
        double fraction = (double) stage / (stages - 1);
        if (stage == stages - 1) return to;
        return geometric ? from * Math.pow(to / from, fraction) : from + (to - from) * fraction;
    }
}
