package dev.optc.runtime.strategies;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * The gradient of a Gaussian-blurred objective (8.7.6, continuation methods): J_σ(θ) = E[J(θ + σε)], ε ~ N(0, I), whose
 * gradient E[∇J(θ + σε)] is estimated by the mean of ∇J at {@code samples} points θ + σε_k. The ε_k are drawn afresh at
 * every step from a generator seeded once, so a run is the same for the same seed.
 */
public final class GaussianSmoothing {
    private final double sigma;
    private final int samples;
    private final SplittableRandom random;

    public GaussianSmoothing(double sigma, int samples, long seed) {
        if (!(sigma > 0)) throw new IllegalArgumentException("sigma must be > 0, got " + sigma);
        if (samples < 1) throw new IllegalArgumentException("samples must be ≥ 1, got " + samples);
        this.sigma = sigma;
        this.samples = samples;
        this.random = new SplittableRandom(seed);
    }

    public double sigma() { return sigma; }

    public int samples() { return samples; }

    /**
     * Leaves the estimate of ∇J_σ(θ) in {@code grads} and θ in {@code params} as it was, and returns the estimate of
     * J_σ(θ) (the mean of the sampled values). {@code gradients} computes J and ∇J at the current {@code params}.
     */
    public double estimate(float[] params, float[] grads, DoubleSupplier gradients) {
        int n = params.length;
        float[] theta = params.clone();
        double[] sum = new double[n];
        double value = 0;
        for (int k = 0; k < samples; k++) {
            for (int i = 0; i < n; i++) params[i] = (float) (theta[i] + sigma * random.nextGaussian());
            value += gradients.getAsDouble();
            for (int i = 0; i < n; i++) sum[i] += grads[i];
        }
        System.arraycopy(theta, 0, params, 0, n);
        for (int i = 0; i < n; i++) grads[i] = (float) (sum[i] / samples);
        return value / samples;
    }
}
