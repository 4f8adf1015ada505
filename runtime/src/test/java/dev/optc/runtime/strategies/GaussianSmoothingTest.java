package dev.optc.runtime.strategies;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The smoothed gradient against its closed form. For J(θ) = Σ θ_i⁴/4, ∇J = θ³, and the blurred objective's gradient is
 * E[(θ + σε)³] = θ³ + 3σ²θ (the odd moments of ε vanish, E[ε²] = 1); the estimate of m samples has standard deviation
 * √(Var[(θ + σε)³]/m), so 5 of them bound it for a fixed seed.
 */
class GaussianSmoothingTest {
    private static final int SAMPLES = 200_000;

    @Test
    void theEstimateIsTheGradientOfTheBlurredObjective() {
        double sigma = 0.5;
        float[] theta = {1.5f, -0.7f, 0f};
        float[] params = theta.clone();
        float[] grads = new float[3];
        GaussianSmoothing smoothing = new GaussianSmoothing(sigma, SAMPLES, 42);
        double value = smoothing.estimate(params, grads, () -> {
            double j = 0;
            for (int i = 0; i < params.length; i++) {
                grads[i] = params[i] * params[i] * params[i];
                j += Math.pow(params[i], 4) / 4;
            }
            return j;
        });
        assertArrayEquals(theta, params, "θ is put back");
        double blurredValue = 0;
        for (int i = 0; i < 3; i++) {
            double t = theta[i];
            double expected = t * t * t + 3 * sigma * sigma * t;
            // Var[(t + σε)³] = E[(t + σε)⁶] − (t³ + 3σ²t)², with E[ε⁴] = 3 and E[ε⁶] = 15.
            double s2 = sigma * sigma;
            double sixth = Math.pow(t, 6) + 15 * Math.pow(t, 4) * s2 + 45 * t * t * s2 * s2 + 15 * s2 * s2 * s2;
            double sd = Math.sqrt((sixth - expected * expected) / SAMPLES);
            assertEquals(expected, grads[i], 5 * sd + 1e-6, "coordinate " + i);
            // E[(t + σε)⁴/4] = (t⁴ + 6t²σ² + 3σ⁴)/4
            blurredValue += (Math.pow(t, 4) + 6 * t * t * s2 + 3 * s2 * s2) / 4;
        }
        assertEquals(blurredValue, value, 0.01 * blurredValue);
    }

    @Test
    void theSameSeedDrawsTheSameSamples() {
        float[] a = new float[2], b = new float[2];
        float[] pa = {1, 2}, pb = {1, 2};
        new GaussianSmoothing(1, 3, 9).estimate(pa, a, () -> { a[0] = pa[0]; a[1] = pa[1] * pa[1]; return 0; });
        new GaussianSmoothing(1, 3, 9).estimate(pb, b, () -> { b[0] = pb[0]; b[1] = pb[1] * pb[1]; return 0; });
        assertArrayEquals(a, b);
    }
}
