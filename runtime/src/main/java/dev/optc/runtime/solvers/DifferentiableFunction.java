package dev.optc.runtime.solvers;

import java.util.Arrays;

/**
 * A smooth objective f: ℝⁿ → ℝ that the full-batch solvers of this package minimize. The solvers work in double; an
 * objective computed in float underneath is adapted by its caller.
 */
public interface DifferentiableFunction {
    int dimension();

    /**
     * f(x), with ∇f(x) written into {@code gradient} (length {@link #dimension()}). Must not modify {@code x}, and
     * must give the same result for the same x (the solvers are deterministic only if the function is).
     */
    double valueAndGradient(double[] x, double[] gradient);

    /**
     * The Hessian–vector product ∇²f(x)·v, written into {@code out}. The default is a central difference of the
     * gradient, see {@link #centralDifferenceHessianVectorProduct}, at the precision of double; it costs two gradient
     * evaluations. Override it with an exact product (forward-over-reverse differentiation) where one exists.
     */
    default void hessianVectorProduct(double[] x, double[] v, double[] out) {
        centralDifferenceHessianVectorProduct(this, x, v, out, Math.ulp(1.0));
    }

    /**
     * ∇²f(x)·v ≈ (∇f(x + hv) − ∇f(x − hv)) / 2h.
     *
     * <p>The truncation error of the central difference is O(h²‖v‖³‖∇³f‖) and the rounding error O(ε‖∇f‖/h), where ε
     * is the relative precision of the gradient; the two balance at a perturbation h‖v‖ of order ε^{1/3} times the
     * scale of x (Nocedal &amp; Wright, Numerical Optimization, 2nd ed., §8.1). So
     * {@code h = ε^{1/3} · (1 + ‖x‖∞) / ‖v‖₂}: about 6·10⁻⁶ relative for double (ε = 2⁻⁵²), 5·10⁻³ for a float
     * objective (pass ε = 2⁻²³). The result is then accurate to about ε^{2/3} relative, ~10⁻¹⁰ in double. On a
     * quadratic the truncation error is zero and only rounding remains. v = 0 gives 0.
     *
     * @param epsilon the relative precision of f's gradient
     */
    static void centralDifferenceHessianVectorProduct(DifferentiableFunction f, double[] x, double[] v, double[] out,
                                                      double epsilon) {
        int n = x.length;
        double norm = Vectors.norm2(v);
        if (norm == 0) {
            Arrays.fill(out, 0, n, 0.0);
            return;
        }
        double h = Math.cbrt(epsilon) * (1 + Vectors.normInf(x)) / norm;
        double[] shifted = new double[n];
        double[] forward = new double[n];
        double[] backward = new double[n];
        for (int i = 0; i < n; i++) shifted[i] = x[i] + h * v[i];
        f.valueAndGradient(shifted, forward);
        for (int i = 0; i < n; i++) shifted[i] = x[i] - h * v[i];
        f.valueAndGradient(shifted, backward);
        // the step actually taken, after x ± hv rounded, is not quite h; dividing by 2h is within the error above
        for (int i = 0; i < n; i++) out[i] = (forward[i] - backward[i]) / (2 * h);
    }
}
