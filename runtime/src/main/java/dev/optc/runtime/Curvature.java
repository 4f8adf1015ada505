package dev.optc.runtime;

/**
 * The ill-conditioning diagnostic of 8.2.1 on one epoch's monitoring batch. A gradient step of size ε changes the
 * cost, to second order, by J(θ − εg) ≈ J(θ) − εgᵀg + ½ε²gᵀHg: the step fails to lower the cost once ½ε²gᵀHg
 * exceeds εgᵀg, which can happen while gᵀg stays large (ill-conditioning, not a critical point).
 *
 * @param gTg     gᵀg, the squared norm of the gradient on the monitoring batch
 * @param gTHg    gᵀHg, the curvature along the gradient, from a Hessian-vector product
 * @param epsilon ε, the learning rate `lr` at the epoch's last step; NaN when the update rule has no `lr`
 */
public record Curvature(double gTg, double gTHg, double epsilon) {

    /** εgᵀg, the first-order decrease of the cost; NaN without a learning rate. */
    public double firstOrder() {
        return epsilon * gTg;
    }

    /** ½ε²gᵀHg, the second-order correction; NaN without a learning rate. */
    public double secondOrder() {
        return 0.5 * epsilon * epsilon * gTHg;
    }

    /**
     * 2gᵀg/gᵀHg: the learning rate at which the two terms cancel, so the largest step the quadratic model still calls
     * a decrease (infinite when gᵀHg ≤ 0, where the model has no such limit).
     */
    public double largestDecreasingRate() {
        return gTHg > 0 ? 2 * gTg / gTHg : Double.POSITIVE_INFINITY;
    }
}
