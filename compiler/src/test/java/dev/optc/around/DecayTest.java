package dev.optc.around;

import static dev.optc.around.LinearOracle.assertClose;
import static dev.optc.around.LinearOracle.assertMatters;
import static dev.optc.around.LinearOracle.fourRows;
import static dev.optc.around.LinearOracle.gradient;
import static dev.optc.around.LinearOracle.toDouble;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompilationFailed;
import dev.optc.runtime.data.Dataset;
import dev.optc.runtime.train.CompiledTrainer;
import org.junit.jupiter.api.Test;

/** `decay = λ`: L2 weight decay, g ← g + λθ before the rule (tolerances in {@link LinearOracle}). */
class DecayTest {
    private static final double LR = 0.1;
    private static final double LAMBDA = 0.1;
    private static final int EPOCHS = 6;

    @Test
    void sgdStepsAlongTheGradientPlusLambdaTheta() throws CompilationFailed {
        CompiledTrainer trainer = LinearOracle.trainer("optimizer = sgd(lr: " + LR + ")", "batch = full", "shuffle = none",
                "epochs = " + EPOCHS, "decay = " + LAMBDA);
        Dataset data = fourRows();
        double[] theta = toDouble(trainer.flatParameters());
        double[] plain = theta.clone();
        LinearOracle.Run run = LinearOracle.fit(trainer, data);
        for (int epoch = 1; epoch <= EPOCHS; epoch++) {
            // θ ← θ − lr(g + λθ)
            double[] g = gradient(theta, data);
            double[] next = new double[theta.length];
            for (int j = 0; j < theta.length; j++) next[j] = theta[j] - LR * (g[j] + LAMBDA * theta[j]);
            theta = next;
            plain = LinearOracle.sgd(plain, LR, gradient(plain, data));
            assertClose(theta, run.thetas().get(epoch - 1), "θ after step " + epoch);
        }
        assertMatters(theta, plain, "decay");
    }

    @Test
    void adamAddsTheDecayToTheGradientBeforeTheMoments() throws CompilationFailed {
        double lr = 0.05, rho1 = 0.9, rho2 = 0.999, delta = 1e-8;
        CompiledTrainer trainer = LinearOracle.trainer("optimizer = adam(lr: " + lr + ")", "batch = full", "shuffle = none",
                "epochs = " + EPOCHS, "decay = " + LAMBDA);
        Dataset data = fourRows();
        double[] theta = toDouble(trainer.flatParameters());
        double[] afterwards = theta.clone(); // decay applied to the step instead, as AdamW would: must differ
        double[] s = new double[theta.length], r = new double[theta.length];
        double[] s2 = new double[theta.length], r2 = new double[theta.length];
        LinearOracle.Run run = LinearOracle.fit(trainer, data);
        for (int t = 1; t <= EPOCHS; t++) {
            double[] g = gradient(theta, data);
            for (int j = 0; j < theta.length; j++) {
                double gj = g[j] + LAMBDA * theta[j];
                // 8.5.3 Adam with the decayed gradient
                s[j] = rho1 * s[j] + (1 - rho1) * gj;
                r[j] = rho2 * r[j] + (1 - rho2) * gj * gj;
                double sHat = s[j] / (1 - Math.pow(rho1, t));
                double rHat = r[j] / (1 - Math.pow(rho2, t));
                theta[j] -= lr * sHat / (delta + Math.sqrt(rHat));
            }
            double[] g2 = gradient(afterwards, data);
            for (int j = 0; j < theta.length; j++) {
                s2[j] = rho1 * s2[j] + (1 - rho1) * g2[j];
                r2[j] = rho2 * r2[j] + (1 - rho2) * g2[j] * g2[j];
                double sHat = s2[j] / (1 - Math.pow(rho1, t));
                double rHat = r2[j] / (1 - Math.pow(rho2, t));
                afterwards[j] -= lr * (sHat / (delta + Math.sqrt(rHat)) + LAMBDA * afterwards[j]);
            }
            assertClose(theta, run.thetas().get(t - 1), "θ after step " + t);
        }
        assertMatters(theta, afterwards, "decay inside the moments rather than after them");
    }

    /** Step-level: a gradient written by hand into the flat buffer, and λ changed at run time. */
    @Test
    void decayIsARunTimeHyperparameterOfTheUpdate() throws CompilationFailed {
        CompiledTrainer trainer = LinearOracle.trainer("optimizer = sgd(lr: " + LR + ")", "decay = " + LAMBDA);
        assertTrue(trainer.hyperparameterNames().contains("decay"), "hyperparameters: " + trainer.hyperparameterNames());
        assertEquals(LAMBDA, trainer.hyperparameter("decay"));
        float[] g = {0.5f, -0.25f, 1.0f, 0f, -2.0f, 0.125f};
        double lambda = LAMBDA;
        for (int t = 1; t <= 2; t++) {
            double[] theta = toDouble(trainer.flatParameters());
            System.arraycopy(g, 0, trainer.flatGradients(), 0, g.length);
            trainer.update(t);
            double[] expected = new double[theta.length];
            for (int j = 0; j < theta.length; j++) expected[j] = theta[j] - LR * (g[j] + lambda * theta[j]);
            assertClose(expected, trainer.flatParameters(), "θ after update(" + t + ") with λ = " + lambda);
            lambda = 0.5;
            trainer.setHyperparameter("decay", lambda);
        }
    }
}
