package dev.optc.runtime.train;

/**
 * The curvature along a direction, vᵀHv, from gradients alone: Hv ≈ (∇J(θ + rv) − ∇J(θ − rv)) / 2r, a central
 * difference of gradients (exact for a quadratic J up to rounding; O(r²) otherwise).
 *
 * <p>The step r: the parameters are float32, so rounding of each gradient costs ~u/r and the central difference's
 * truncation ~r²; r‖v‖ = ∛u · (1 + ‖θ‖), with u = 2⁻²³ the float32 machine epsilon (∛u ≈ 4.9e-3), balances the two
 * and scales with the parameters. The displacement actually stored, d = fl(θ + rv) − fl(θ − rv), differs from 2rv by
 * rounding, so the quotient is taken along d: vᵀHv ≈ ‖v‖² · dᵀ(∇J₊ − ∇J₋) / ‖d‖². Every sum is in double.
 *
 * <p>θ is restored bit for bit from a copy afterwards.
 */
final class HessianVectorProduct {
    /** ∛(2⁻²³). */
    static final double RELATIVE_STEP = Math.cbrt(Math.ulp(1.0f));

    /** Fills the gradient buffer for the parameters as they are now. */
    interface Gradient {
        void compute();
    }

    private HessianVectorProduct() {
    }

    /**
     * vᵀHv at the current {@code params}, using {@code gradient} to fill {@code grads}; {@code params} hold exactly
     * their old values afterwards, {@code grads} the gradient at θ − rv. Zero for v = 0.
     */
    static double quadraticForm(float[] params, float[] grads, float[] v, Gradient gradient) {
        double vv = 0, thetaNorm = 0;
        for (int i = 0; i < v.length; i++) {
            vv += (double) v[i] * v[i];
            thetaNorm += (double) params[i] * params[i];
        }
        if (vv == 0) return 0;
        double r = RELATIVE_STEP * (1 + Math.sqrt(thetaNorm)) / Math.sqrt(vv);
        float[] theta = params.clone();
        double[] plus = new double[params.length];
        double[] displacement = new double[params.length];
        try {
            for (int i = 0; i < params.length; i++) params[i] = (float) (theta[i] + r * v[i]);
            for (int i = 0; i < params.length; i++) displacement[i] = params[i];
            gradient.compute();
            for (int i = 0; i < grads.length; i++) plus[i] = grads[i];
            for (int i = 0; i < params.length; i++) params[i] = (float) (theta[i] - r * v[i]);
            gradient.compute();
        } finally {
            System.arraycopy(theta, 0, params, 0, params.length);
        }
        double dd = 0, dHd = 0;
        for (int i = 0; i < params.length; i++) {
            // fl(θ + rv) − fl(θ − rv) is exact in double: both are floats.
            double d = displacement[i] - (double) (float) (theta[i] - r * v[i]);
            dd += d * d;
            dHd += d * (plus[i] - grads[i]);
        }
        return dd == 0 ? 0 : vv * dHd / dd;
    }
}
