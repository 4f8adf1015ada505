package dev.optc.runtime.kernels;

import java.util.SplittableRandom;

/**
 * Inverted dropout: in training every unit is kept with probability 1 − p and scaled by 1/(1 − p), so inference is
 * the identity. The mask (0 or 1/(1 − p) per element) is kept for the backward pass; the generator is the
 * trainer's, seeded from the recipe's seed, so runs are reproducible.
 */
public final class Dropout {
    private Dropout() {
    }

    public static void forward(float[] x, float[] y, float[] mask, int n, float p, SplittableRandom random) {
        float keep = 1f / (1f - p);
        for (int i = 0; i < n; i++) {
            float m = random.nextDouble() < p ? 0f : keep;
            mask[i] = m;
            y[i] = x[i] * m;
        }
    }

    public static void backward(float[] dy, float[] mask, float[] dx, int n, boolean accumulate) {
        for (int i = 0; i < n; i++) dx[i] = (accumulate ? dx[i] : 0f) + dy[i] * mask[i];
    }
}
