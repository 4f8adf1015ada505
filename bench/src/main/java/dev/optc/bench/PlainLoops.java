package dev.optc.bench;

import dev.optc.runtime.parallel.Workers;

/**
 * Each benchmarked rule written by hand the way a Java programmer would: float arrays, one loop, the formula of
 * the prelude as it reads. The baseline the generated kernels must at least match. Hyperparameters come from the
 * compiled rule, so both sides use the same values.
 */
final class PlainLoops {
    private PlainLoops() {
    }

    /** The plain loop of the rule over [from, to) of these arrays, at step t. */
    static Workers.RangeTask of(CompiledRule rule, float[] theta, float[] g, float[][] states, long t) {
        return switch (rule.rule()) {
            case "sgd" -> {
                float lr = rule.hyperparameter("lr");
                yield (from, to) -> sgd(theta, g, lr, from, to);
            }
            case "momentum" -> {
                float[] v = states[rule.state("v")];
                float lr = rule.hyperparameter("lr");
                float alpha = rule.hyperparameter("alpha");
                yield (from, to) -> momentum(theta, g, v, lr, alpha, from, to);
            }
            case "adagrad" -> {
                float[] r = states[rule.state("r")];
                float lr = rule.hyperparameter("lr");
                float delta = rule.hyperparameter("delta");
                yield (from, to) -> adagrad(theta, g, r, lr, delta, from, to);
            }
            case "rmsprop" -> {
                float[] r = states[rule.state("r")];
                float lr = rule.hyperparameter("lr");
                float rho = rule.hyperparameter("rho");
                float delta = rule.hyperparameter("delta");
                yield (from, to) -> rmsprop(theta, g, r, lr, rho, delta, from, to);
            }
            case "adam" -> {
                float[] s = states[rule.state("s")];
                float[] r = states[rule.state("r")];
                float lr = rule.hyperparameter("lr");
                float rho1 = rule.hyperparameter("rho1");
                float rho2 = rule.hyperparameter("rho2");
                float delta = rule.hyperparameter("delta");
                yield (from, to) -> adam(theta, g, s, r, lr, rho1, rho2, delta, t, from, to);
            }
            case "delta_bar_delta" -> {
                float[] eps = states[rule.state("eps")];
                float[] dbar = states[rule.state("dbar")];
                float kappa = rule.hyperparameter("kappa");
                float phi = rule.hyperparameter("phi");
                float gamma = rule.hyperparameter("gamma");
                yield (from, to) -> deltaBarDelta(theta, g, eps, dbar, kappa, phi, gamma, from, to);
            }
            default -> throw new IllegalArgumentException("no hand-written loop for " + rule.rule());
        };
    }

    static void sgd(float[] theta, float[] g, float lr, int from, int to) {
        for (int i = from; i < to; i++) {
            theta[i] -= lr * g[i];
        }
    }

    static void momentum(float[] theta, float[] g, float[] v, float lr, float alpha, int from, int to) {
        for (int i = from; i < to; i++) {
            v[i] = alpha * v[i] - lr * g[i];
            theta[i] += v[i];
        }
    }

    static void adagrad(float[] theta, float[] g, float[] r, float lr, float delta, int from, int to) {
        for (int i = from; i < to; i++) {
            r[i] += g[i] * g[i];
            theta[i] -= lr / (delta + (float) Math.sqrt(r[i])) * g[i];
        }
    }

    static void rmsprop(float[] theta, float[] g, float[] r, float lr, float rho, float delta, int from, int to) {
        for (int i = from; i < to; i++) {
            r[i] = rho * r[i] + (1 - rho) * g[i] * g[i];
            theta[i] -= lr / (float) Math.sqrt(delta + r[i]) * g[i];
        }
    }

    static void adam(float[] theta, float[] g, float[] s, float[] r, float lr, float rho1, float rho2, float delta, long t,
                     int from, int to) {
        float correction1 = 1 - (float) Math.pow(rho1, t);
        float correction2 = 1 - (float) Math.pow(rho2, t);
        for (int i = from; i < to; i++) {
            s[i] = rho1 * s[i] + (1 - rho1) * g[i];
            r[i] = rho2 * r[i] + (1 - rho2) * g[i] * g[i];
            float sHat = s[i] / correction1;
            float rHat = r[i] / correction2;
            theta[i] -= lr * sHat / (delta + (float) Math.sqrt(rHat));
        }
    }

    static void deltaBarDelta(float[] theta, float[] g, float[] eps, float[] dbar, float kappa, float phi, float gamma,
                              int from, int to) {
        for (int i = from; i < to; i++) {
            theta[i] -= eps[i] * g[i];
            float agree = Math.signum(dbar[i]) * Math.signum(g[i]);
            if (agree > 0) {
                eps[i] += kappa;
            } else if (agree < 0) {
                eps[i] -= phi * eps[i];
            }
            dbar[i] = (1 - gamma) * g[i] + gamma * dbar[i];
        }
    }
}
