package dev.optc.runtime.solvers;

/**
 * A line search along a descent direction d from x: finds a step α for φ(α) = f(x + αd), and returns the new point
 * with its value and gradient, so the solver does not evaluate it again.
 *
 * <ul>
 *   <li>{@link #strongWolfe}: Nocedal &amp; Wright, Numerical Optimization (2nd ed.), algorithm 3.5 (bracketing) and
 *       3.6 (zoom). The step satisfies sufficient decrease φ(α) ≤ φ(0) + c₁αφ'(0) and the strong curvature
 *       condition |φ'(α)| ≤ c₂|φ'(0)|. Quasi-Newton methods use c₂ = 0.9, nonlinear conjugate gradients 0.1
 *       (§3.1, §5.2).</li>
 *   <li>{@link #armijo}: backtracking (algorithm 3.1): α, ρα, ρ²α, … until sufficient decrease.</li>
 * </ul>
 *
 * Every evaluation of f gives φ and φ' together (the gradient comes with the value), so zoom interpolates a cubic
 * through both ends (N&amp;W 3.59) and falls back to a quadratic, then to bisection, whenever the interpolant is not
 * finite or lands within a tenth of the interval of either end. Values that are NaN or infinite count as failing
 * sufficient decrease, so a step that overflows is shrunk, not taken.
 */
public final class LineSearch {
    /** c₁, the sufficient-decrease constant N&amp;W recommend for every method. */
    public static final double SUFFICIENT_DECREASE = 1e-4;
    /** c₂ for Newton and quasi-Newton directions (N&amp;W §3.1). */
    public static final double QUASI_NEWTON_CURVATURE = 0.9;
    /** c₂ for nonlinear conjugate gradients; below ½ so Fletcher–Reeves keeps descending (N&amp;W lemma 5.6). */
    public static final double CONJUGATE_GRADIENT_CURVATURE = 0.1;
    /** How many evaluations one search may use before it gives up and returns the best point it found. */
    public static final int MAX_EVALUATIONS = 40;

    private static final double EXTRAPOLATION = 2.0;
    private static final double INTERPOLATION_MARGIN = 0.1;
    private static final double MIN_RELATIVE_WIDTH = 1e-12;

    private final boolean wolfe;
    private final double c1;
    private final double c2;
    private final double contraction;

    private LineSearch(boolean wolfe, double c1, double c2, double contraction) {
        this.wolfe = wolfe;
        this.c1 = c1;
        this.c2 = c2;
        this.contraction = contraction;
    }

    /** Strong Wolfe conditions with 0 &lt; c₁ &lt; c₂ &lt; 1. */
    public static LineSearch strongWolfe(double c1, double c2) {
        if (!(0 < c1 && c1 < c2 && c2 < 1)) {
            throw new IllegalArgumentException("strong Wolfe needs 0 < c1 < c2 < 1, got c1 = " + c1 + ", c2 = " + c2);
        }
        return new LineSearch(true, c1, c2, 0);
    }

    /** Backtracking to sufficient decrease with constant c₁ ∈ (0, 1), shrinking α by {@code contraction} ∈ (0, 1). */
    public static LineSearch armijo(double c1, double contraction) {
        if (!(0 < c1 && c1 < 1)) throw new IllegalArgumentException("Armijo needs 0 < c1 < 1, got " + c1);
        if (!(0 < contraction && contraction < 1)) {
            throw new IllegalArgumentException("the contraction must be in (0, 1), got " + contraction);
        }
        return new LineSearch(false, c1, Double.NaN, contraction);
    }

    public double sufficientDecrease() {
        return c1;
    }

    /** c₂; NaN for a backtracking search, which has no curvature condition. */
    public double curvature() {
        return c2;
    }

    /**
     * The result of one search.
     *
     * @param step        α; 0 when no point with sufficient decrease was found (then x, value and gradient are the
     *                    start's)
     * @param x           x + αd (a new array)
     * @param value       f(x + αd)
     * @param gradient    ∇f(x + αd) (a new array)
     * @param evaluations evaluations of f made by the search
     * @param satisfied   whether the step satisfies the search's conditions; when false but {@code step > 0}, it
     *                    is the lowest point found, which satisfies sufficient decrease only
     */
    public record Step(double step, double[] x, double value, double[] gradient, int evaluations, boolean satisfied) {
    }

    /**
     * Searches along {@code direction} from x, where f has {@code value} and {@code gradient}, trying
     * {@code initialStep} first. None of the arrays is modified. A direction that is not a descent direction
     * (gradient · direction ≥ 0, or NaN) returns step 0 after no evaluation.
     */
    public Step search(DifferentiableFunction f, double[] x, double value, double[] gradient, double[] direction,
                       double initialStep) {
        if (!(initialStep > 0) || Double.isInfinite(initialStep)) {
            throw new IllegalArgumentException("the initial step must be positive and finite, got " + initialStep);
        }
        double slope = Vectors.dot(gradient, direction);
        Trial origin = new Trial(0, x, value, gradient, slope);
        if (!(slope < 0)) return failure(origin, origin, 0);
        Evaluator evaluator = new Evaluator(f, x, direction);
        return wolfe ? strongWolfe(evaluator, origin, initialStep) : backtrack(evaluator, origin, initialStep);
    }

    private Step backtrack(Evaluator evaluator, Trial origin, double initialStep) {
        double alpha = initialStep;
        while (evaluator.evaluations < MAX_EVALUATIONS) {
            Trial trial = evaluator.at(alpha);
            if (sufficientDecrease(origin, trial)) return success(trial, evaluator.evaluations);
            alpha *= contraction;
        }
        return failure(origin, origin, evaluator.evaluations);
    }

    /** N&amp;W algorithm 3.5. */
    private Step strongWolfe(Evaluator evaluator, Trial origin, double initialStep) {
        Trial previous = origin;
        double alpha = initialStep;
        while (true) {
            Trial trial = evaluator.at(alpha);
            if (!sufficientDecrease(origin, trial) || (previous != origin && trial.value >= previous.value)) {
                return zoom(evaluator, origin, previous, trial);
            }
            if (curvature(origin, trial)) return success(trial, evaluator.evaluations);
            if (trial.slope >= 0) return zoom(evaluator, origin, trial, previous);
            if (evaluator.evaluations >= MAX_EVALUATIONS) return failure(origin, trial, evaluator.evaluations);
            previous = trial;
            alpha *= EXTRAPOLATION;
            if (Double.isInfinite(alpha)) return failure(origin, trial, evaluator.evaluations);
        }
    }

    /**
     * N&amp;W algorithm 3.6. Invariants: the interval between lo and hi contains strong Wolfe steps; lo has the
     * lowest value among the steps with sufficient decrease; φ'(lo)(hi − lo) &lt; 0.
     */
    private Step zoom(Evaluator evaluator, Trial origin, Trial lo, Trial hi) {
        while (evaluator.evaluations < MAX_EVALUATIONS) {
            // an interval this narrow is below what φ's rounding can resolve
            if (Math.abs(hi.alpha - lo.alpha) <= MIN_RELATIVE_WIDTH * Math.max(lo.alpha, hi.alpha)) break;
            Trial trial = evaluator.at(interpolate(lo, hi));
            if (!sufficientDecrease(origin, trial) || trial.value >= lo.value) {
                hi = trial;
            } else {
                if (curvature(origin, trial)) return success(trial, evaluator.evaluations);
                if (trial.slope * (hi.alpha - lo.alpha) >= 0) hi = lo;
                lo = trial;
            }
        }
        return failure(origin, lo, evaluator.evaluations);
    }

    /**
     * The minimizer of the cubic through (a, φ(a), φ'(a)) and (b, φ(b), φ'(b)) (N&amp;W 3.59), else of the quadratic
     * through φ(a), φ'(a) and φ(b), else the midpoint: whichever comes first that is finite and at least a tenth of
     * the interval away from both ends.
     */
    private static double interpolate(Trial a, Trial b) {
        double low = Math.min(a.alpha, b.alpha);
        double high = Math.max(a.alpha, b.alpha);
        double margin = INTERPOLATION_MARGIN * (high - low);
        double d1 = a.slope + b.slope - 3 * (a.value - b.value) / (a.alpha - b.alpha);
        double radicand = d1 * d1 - a.slope * b.slope;
        if (radicand >= 0) {
            double d2 = Math.signum(b.alpha - a.alpha) * Math.sqrt(radicand);
            double cubic = b.alpha - (b.alpha - a.alpha) * (b.slope + d2 - d1) / (b.slope - a.slope + 2 * d2);
            if (cubic >= low + margin && cubic <= high - margin) return cubic;
        }
        double span = b.alpha - a.alpha;
        double curvature = b.value - a.value - a.slope * span;
        double quadratic = a.alpha - a.slope * span * span / (2 * curvature);
        if (quadratic >= low + margin && quadratic <= high - margin) return quadratic;
        return low + (high - low) / 2;
    }

    private boolean sufficientDecrease(Trial origin, Trial trial) {
        // written so that NaN fails
        return trial.value <= origin.value + c1 * trial.alpha * origin.slope;
    }

    private boolean curvature(Trial origin, Trial trial) {
        return Math.abs(trial.slope) <= -c2 * origin.slope;
    }

    private static Step success(Trial trial, int evaluations) {
        return new Step(trial.alpha, trial.x, trial.value, trial.gradient, evaluations, true);
    }

    private static Step failure(Trial origin, Trial best, int evaluations) {
        Trial kept = best.alpha > 0 && best.value < origin.value ? best : origin;
        return new Step(kept.alpha, kept.x.clone(), kept.value, kept.gradient.clone(), evaluations, false);
    }

    /** φ(α) and φ'(α), with the point and gradient they came from. */
    private record Trial(double alpha, double[] x, double value, double[] gradient, double slope) {
    }

    private static final class Evaluator {
        private final DifferentiableFunction f;
        private final double[] x;
        private final double[] direction;
        int evaluations;

        Evaluator(DifferentiableFunction f, double[] x, double[] direction) {
            this.f = f;
            this.x = x;
            this.direction = direction;
        }

        Trial at(double alpha) {
            double[] point = new double[x.length];
            for (int i = 0; i < x.length; i++) point[i] = x[i] + alpha * direction[i];
            double[] gradient = new double[x.length];
            evaluations++;
            double value = f.valueAndGradient(point, gradient);
            return new Trial(alpha, point, value, gradient, Vectors.dot(gradient, direction));
        }
    }
}
