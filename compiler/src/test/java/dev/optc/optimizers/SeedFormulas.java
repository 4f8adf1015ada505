package dev.optc.optimizers;

/**
 * Every built-in optimizer's update, written out by hand in double precision from its source, independently of the
 * prelude, the interpreter and the generated code: the oracle of {@link OptimizerFormulaTest} and
 * {@link HyperparameterChangeTest}. Sources: the lecture slides in the project's seeds and chapter 8 of Deep Learning
 * (Goodfellow, Bengio, Courville) for the first nine; the original papers for the others. Each formula keeps its
 * hyperparameters in public fields so that a test can change them between steps, as a trainer's
 * {@code setHyperparameter} does.
 */
final class SeedFormulas {
    private SeedFormulas() {
    }

    /** One optimizer's update over a vector θ. */
    interface UpdateFormula {
        /** Where the gradient of the next step is taken: θ itself unless the rule looks ahead. */
        default double[] gradientPoint(double[] theta) {
            return theta.clone();
        }

        /** Step t (t = 1, 2, ...): θ updated in place, given the gradient g at {@link #gradientPoint}. */
        void step(double[] theta, double[] g, long t);

        /**
         * How far the last step's discrete decisions (a sign, a comparison) were from a tie, relative to the
         * magnitude of what was compared; +∞ for rules that have none. A decision this close to its tie can go the
         * other way in float, and the trajectories then part for reasons that are not a bug.
         */
        default double decisionMargin() {
            return Double.POSITIVE_INFINITY;
        }
    }

    /** 8.3.1 SGD: θ ← θ − εg. */
    static final class Sgd implements UpdateFormula {
        double lr;

        Sgd(double lr) {
            this.lr = lr;
        }

        @Override
        public void step(double[] theta, double[] g, long t) {
            for (int i = 0; i < theta.length; i++) theta[i] -= lr * g[i];
        }
    }

    /** 8.3.2 Momentum (algorithm 8.2): v ← αv − εg, θ ← θ + v. */
    static final class Momentum implements UpdateFormula {
        double lr;
        double alpha;
        final double[] v;

        Momentum(int n, double lr, double alpha) {
            this.lr = lr;
            this.alpha = alpha;
            this.v = new double[n];
        }

        @Override
        public void step(double[] theta, double[] g, long t) {
            for (int i = 0; i < theta.length; i++) {
                v[i] = alpha * v[i] - lr * g[i];
                theta[i] += v[i];
            }
        }
    }

    /** 8.3.3 Nesterov (algorithm 8.3): v ← αv − ε∇J(θ + αv), θ ← θ + v. */
    static final class Nesterov implements UpdateFormula {
        double lr;
        double alpha;
        final double[] v;

        Nesterov(int n, double lr, double alpha) {
            this.lr = lr;
            this.alpha = alpha;
            this.v = new double[n];
        }

        @Override
        public double[] gradientPoint(double[] theta) {
            double[] point = new double[theta.length];
            for (int i = 0; i < theta.length; i++) point[i] = theta[i] + alpha * v[i];
            return point;
        }

        @Override
        public void step(double[] theta, double[] g, long t) {
            for (int i = 0; i < theta.length; i++) {
                v[i] = alpha * v[i] - lr * g[i];
                theta[i] += v[i];
            }
        }
    }

    /** 8.5.1 AdaGrad (algorithm 8.4): r ← r + g⊙g, Δθ = −ε/(δ + √r) ⊙ g; the seed's δ is 1e-7. */
    static final class AdaGrad implements UpdateFormula {
        double lr;
        double delta;
        final double[] r;

        AdaGrad(int n, double lr, double delta) {
            this.lr = lr;
            this.delta = delta;
            this.r = new double[n];
        }

        @Override
        public void step(double[] theta, double[] g, long t) {
            for (int i = 0; i < theta.length; i++) {
                r[i] = r[i] + g[i] * g[i];
                theta[i] += -lr / (delta + Math.sqrt(r[i])) * g[i];
            }
        }
    }

    /** 8.5.2 RMSProp (algorithm 8.5): r ← ρr + (1 − ρ)g⊙g, Δθ = −ε/√(δ + r) ⊙ g. */
    static final class RmsProp implements UpdateFormula {
        double lr;
        double rho;
        double delta;
        final double[] r;

        RmsProp(int n, double lr, double rho, double delta) {
            this.lr = lr;
            this.rho = rho;
            this.delta = delta;
            this.r = new double[n];
        }

        @Override
        public void step(double[] theta, double[] g, long t) {
            for (int i = 0; i < theta.length; i++) {
                r[i] = rho * r[i] + (1 - rho) * g[i] * g[i];
                theta[i] += -lr / Math.sqrt(delta + r[i]) * g[i];
            }
        }
    }

    /**
     * 8.5.2 RMSProp with Nesterov momentum (algorithm 8.6): the gradient at θ̃ = θ + αv, r ← ρr + (1 − ρ)g⊙g,
     * v ← αv − ε/√(δ + r) ⊙ g, θ ← θ + v. The book writes ε/√r; δ under the root is the seed's RMSProp form.
     */
    static final class RmsPropNesterov implements UpdateFormula {
        double lr;
        double rho;
        double alpha;
        double delta;
        final double[] r;
        final double[] v;

        RmsPropNesterov(int n, double lr, double rho, double alpha, double delta) {
            this.lr = lr;
            this.rho = rho;
            this.alpha = alpha;
            this.delta = delta;
            this.r = new double[n];
            this.v = new double[n];
        }

        @Override
        public double[] gradientPoint(double[] theta) {
            double[] point = new double[theta.length];
            for (int i = 0; i < theta.length; i++) point[i] = theta[i] + alpha * v[i];
            return point;
        }

        @Override
        public void step(double[] theta, double[] g, long t) {
            for (int i = 0; i < theta.length; i++) {
                r[i] = rho * r[i] + (1 - rho) * g[i] * g[i];
                v[i] = alpha * v[i] - lr / Math.sqrt(delta + r[i]) * g[i];
                theta[i] += v[i];
            }
        }
    }

    /**
     * 8.5.3 Adam (algorithm 8.7): s ← ρ₁s + (1 − ρ₁)g, r ← ρ₂r + (1 − ρ₂)g⊙g, ŝ = s/(1 − ρ₁ᵗ), r̂ = r/(1 − ρ₂ᵗ),
     * Δθ = −ε ŝ/(δ + √r̂); the seed's δ is 1e-8.
     */
    static final class Adam implements UpdateFormula {
        double lr;
        double rho1;
        double rho2;
        double delta;
        final double[] s;
        final double[] r;

        Adam(int n, double lr, double rho1, double rho2, double delta) {
            this.lr = lr;
            this.rho1 = rho1;
            this.rho2 = rho2;
            this.delta = delta;
            this.s = new double[n];
            this.r = new double[n];
        }

        @Override
        public void step(double[] theta, double[] g, long t) {
            for (int i = 0; i < theta.length; i++) {
                s[i] = rho1 * s[i] + (1 - rho1) * g[i];
                r[i] = rho2 * r[i] + (1 - rho2) * g[i] * g[i];
                double sHat = s[i] / (1 - Math.pow(rho1, t));
                double rHat = r[i] / (1 - Math.pow(rho2, t));
                theta[i] += -lr * sHat / (delta + Math.sqrt(rHat));
            }
        }
    }

    /**
     * AdaDelta (Zeiler 2012, algorithm 1): E[g²] ← ρE[g²] + (1 − ρ)g², Δx = −RMS[Δx]ₜ₋₁/RMS[g]ₜ · g with
     * RMS[y] = √(E[y²] + ε), E[Δx²] ← ρE[Δx²] + (1 − ρ)Δx², x ← x + Δx. The paper has no learning rate: lr = 1 is
     * the paper; another lr scales the applied step only (E[Δx²] keeps the unscaled one), as PyTorch does.
     */
    static final class AdaDelta implements UpdateFormula {
        double lr;
        double rho;
        double epsilon;
        final double[] squaredGradients;
        final double[] squaredUpdates;

        AdaDelta(int n, double lr, double rho, double epsilon) {
            this.lr = lr;
            this.rho = rho;
            this.epsilon = epsilon;
            this.squaredGradients = new double[n];
            this.squaredUpdates = new double[n];
        }

        @Override
        public void step(double[] theta, double[] g, long t) {
            for (int i = 0; i < theta.length; i++) {
                squaredGradients[i] = rho * squaredGradients[i] + (1 - rho) * g[i] * g[i];
                double dx = -Math.sqrt(squaredUpdates[i] + epsilon) / Math.sqrt(squaredGradients[i] + epsilon) * g[i];
                squaredUpdates[i] = rho * squaredUpdates[i] + (1 - rho) * dx * dx;
                theta[i] += lr * dx;
            }
        }
    }

    /**
     * Delta-bar-delta, as the seed's slide states it: θ ← θ − ε∇J(θ), then ε ← ε + Δε with Δε = κ if
     * δ̄(t−1)δ(t) > 0, −φε if δ̄(t−1)δ(t) < 0, 0 otherwise; δ(t) = ∇J(θ), δ̄(t) = (1 − γ)δ(t) + γδ̄(t−1). Each
     * element has its own ε, starting at the learning rate; δ̄(0) = 0.
     */
    static final class DeltaBarDelta implements UpdateFormula {
        double kappa;
        double phi;
        double gamma;
        final double[] eps;
        final double[] deltaBar;
        /** The last step's Δε branch per element: +1 (κ), −1 (−φε), 0. */
        final int[] decisions;

        DeltaBarDelta(int n, double lr, double kappa, double phi, double gamma) {
            this.kappa = kappa;
            this.phi = phi;
            this.gamma = gamma;
            this.eps = new double[n];
            java.util.Arrays.fill(eps, lr);
            this.deltaBar = new double[n];
            this.decisions = new int[n];
        }

        @Override
        public void step(double[] theta, double[] g, long t) {
            for (int i = 0; i < theta.length; i++) {
                theta[i] -= eps[i] * g[i];
                double agreement = deltaBar[i] * g[i];
                decisions[i] = agreement > 0 ? 1 : agreement < 0 ? -1 : 0;
                eps[i] += agreement > 0 ? kappa : agreement < 0 ? -phi * eps[i] : 0;
                deltaBar[i] = (1 - gamma) * g[i] + gamma * deltaBar[i];
            }
        }
    }

    /**
     * The same delta-bar-delta formula evaluated in float32, as a float framework would: θ, ε, δ̄ and g are floats,
     * every coefficient made only of hyperparameters (κ, −φ, 1 − γ, γ) is computed in double and rounded once.
     * Where a sign decision sits at a tie, a float and a double evaluation may legitimately choose differently; two
     * float evaluations of the same formula do not.
     */
    static final class DeltaBarDeltaFloat {
        final float kappa;
        final float minusPhi;
        final float oneMinusGamma;
        final float gamma;
        final float[] eps;
        final float[] deltaBar;
        /** The last step's Δε branch per element: +1 (κ), −1 (−φε), 0. */
        final int[] decisions;
        int shrinks;
        int grows;

        DeltaBarDeltaFloat(int n, double lr, double kappa, double phi, double gamma) {
            this.kappa = (float) kappa;
            this.minusPhi = (float) -phi;
            this.oneMinusGamma = (float) (1 - gamma);
            this.gamma = (float) gamma;
            this.eps = new float[n];
            java.util.Arrays.fill(eps, (float) lr);
            this.deltaBar = new float[n];
            this.decisions = new int[n];
        }

        void step(float[] theta, float[] g) {
            for (int i = 0; i < theta.length; i++) {
                theta[i] -= eps[i] * g[i];
                // As the prelude writes the seed's test δ̄·g > 0: with signs, exact at any magnitude in float.
                float agreement = Math.signum(deltaBar[i]) * Math.signum(g[i]);
                decisions[i] = agreement > 0 ? 1 : agreement < 0 ? -1 : 0;
                if (agreement > 0) grows++;
                if (agreement < 0) shrinks++;
                eps[i] += agreement > 0 ? kappa : agreement < 0 ? minusPhi * eps[i] : 0f;
                deltaBar[i] = oneMinusGamma * g[i] + gamma * deltaBar[i];
            }
        }
    }

    /**
     * AdamW (Loshchilov and Hutter 2019, algorithm 2, "Adam with decoupled weight decay"):
     * θₜ ← θₜ₋₁ − ηₜ(α m̂ₜ/(√v̂ₜ + ε) + λθₜ₋₁), with Adam's m̂ and v̂. The recipe's lr is the schedule multiplier ηₜ
     * (constant) with α = 1, so the decay is lr·λ·θ, as in PyTorch's AdamW.
     */
    static final class AdamW implements UpdateFormula {
        double eta;
        final double alpha = 1;
        double beta1;
        double beta2;
        double epsilon;
        double lambda;
        final double[] m;
        final double[] v;

        AdamW(int n, double lr, double beta1, double beta2, double epsilon, double weightDecay) {
            this.eta = lr;
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.epsilon = epsilon;
            this.lambda = weightDecay;
            this.m = new double[n];
            this.v = new double[n];
        }

        @Override
        public void step(double[] theta, double[] g, long t) {
            for (int i = 0; i < theta.length; i++) {
                m[i] = beta1 * m[i] + (1 - beta1) * g[i];
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.pow(beta1, t));
                double vHat = v[i] / (1 - Math.pow(beta2, t));
                theta[i] = theta[i] - eta * (alpha * mHat / (Math.sqrt(vHat) + epsilon) + lambda * theta[i]);
            }
        }
    }

    /**
     * AMSGrad (Reddi, Kale and Kumar 2018, algorithm 2): mₜ = β₁mₜ₋₁ + (1 − β₁)gₜ, vₜ = β₂vₜ₋₁ + (1 − β₂)gₜ²,
     * v̂ₜ = max(v̂ₜ₋₁, vₜ), θ ← θ − α mₜ/√v̂ₜ. The paper's algorithm has neither bias correction nor ε; this is the
     * form every library ships (PyTorch's {@code Adam(amsgrad=True)}, Keras): the maximum is kept of the raw vₜ, and
     * the step uses Adam's corrections, α (mₜ/(1 − β₁ᵗ)) / (ε + √(v̂ₜ/(1 − β₂ᵗ))).
     */
    static final class AmsGrad implements UpdateFormula {
        double alpha;
        double beta1;
        double beta2;
        double epsilon;
        final double[] m;
        final double[] v;
        final double[] vMax;

        AmsGrad(int n, double lr, double beta1, double beta2, double epsilon) {
            this.alpha = lr;
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.epsilon = epsilon;
            this.m = new double[n];
            this.v = new double[n];
            this.vMax = new double[n];
        }

        @Override
        public void step(double[] theta, double[] g, long t) {
            for (int i = 0; i < theta.length; i++) {
                m[i] = beta1 * m[i] + (1 - beta1) * g[i];
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
                vMax[i] = Math.max(vMax[i], v[i]);
                theta[i] -= alpha * (m[i] / (1 - Math.pow(beta1, t))) / (epsilon + Math.sqrt(vMax[i] / (1 - Math.pow(beta2, t))));
            }
        }
    }

    /**
     * NAdam (Dozat 2016, algorithm 2) with a constant momentum schedule μₜ = μ: ĝ = g/(1 − μᵗ),
     * m = μm + (1 − μ)g, m̂ = m/(1 − μᵗ⁺¹), n = νn + (1 − ν)g², n̂ = n/(1 − νᵗ), m̄ = (1 − μ)ĝ + μm̂,
     * θ ← θ − η m̄/(√n̂ + ε).
     */
    static final class NAdam implements UpdateFormula {
        double eta;
        double mu;
        double nu;
        double epsilon;
        final double[] m;
        final double[] n;

        NAdam(int size, double lr, double mu, double nu, double epsilon) {
            this.eta = lr;
            this.mu = mu;
            this.nu = nu;
            this.epsilon = epsilon;
            this.m = new double[size];
            this.n = new double[size];
        }

        @Override
        public void step(double[] theta, double[] g, long t) {
            for (int i = 0; i < theta.length; i++) {
                double gHat = g[i] / (1 - Math.pow(mu, t));
                m[i] = mu * m[i] + (1 - mu) * g[i];
                double mHat = m[i] / (1 - Math.pow(mu, t + 1));
                n[i] = nu * n[i] + (1 - nu) * g[i] * g[i];
                double nHat = n[i] / (1 - Math.pow(nu, t));
                double mBar = (1 - mu) * gHat + mu * mHat;
                theta[i] -= eta * mBar / (Math.sqrt(nHat) + epsilon);
            }
        }
    }

    /**
     * Lion (Chen et al. 2023, algorithm 2): c = β₁m + (1 − β₁)g, θ ← θ − η(sign(c) + λθ), m ← β₂m + (1 − β₂)g.
     */
    static final class Lion implements UpdateFormula {
        double eta;
        double beta1;
        double beta2;
        double lambda;
        final double[] m;
        private double margin = Double.POSITIVE_INFINITY;

        Lion(int n, double lr, double beta1, double beta2, double weightDecay) {
            this.eta = lr;
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.lambda = weightDecay;
            this.m = new double[n];
        }

        @Override
        public void step(double[] theta, double[] g, long t) {
            margin = Double.POSITIVE_INFINITY;
            for (int i = 0; i < theta.length; i++) {
                double c = beta1 * m[i] + (1 - beta1) * g[i];
                double terms = Math.abs(beta1 * m[i]) + Math.abs((1 - beta1) * g[i]);
                if (terms > 0) margin = Math.min(margin, Math.abs(c) / terms);
                theta[i] -= eta * (Math.signum(c) + lambda * theta[i]);
                m[i] = beta2 * m[i] + (1 - beta2) * g[i];
            }
        }

        @Override
        public double decisionMargin() {
            return margin;
        }
    }
}
