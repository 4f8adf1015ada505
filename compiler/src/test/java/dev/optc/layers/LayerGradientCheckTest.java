package dev.optc.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.optc.api.CompilationFailed;
import dev.optc.api.Optc;
import dev.optc.interpret.TensorInterpreter;
import dev.optc.ir.ParameterSlice;
import dev.optc.ir.TensorOp;
import dev.optc.ir.TensorProgram;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The interpreter's backward ops for batch norm (training mode), maxout and dropout against finite differences of
 * its own forward pass and loss, in double, for every parameter element.
 *
 * <p>The quotient is the five-point stencil g ≈ [8(L(θ+h) − L(θ−h)) − (L(θ+2h) − L(θ−2h))]/12h, h = 1e-4: truncation
 * h⁴/30·L⁽⁵⁾ ≈ 1e-17, rounding ≈ 1.5·ε·|L|/h ≈ 2e-12 for losses of order one. Batch norm divides by √(δ + σ²),
 * which for these random batches (σ² ≳ 1e-3) multiplies L's derivatives by at most ~30 per order, so the truncation
 * error stays below 1e-9 and the tolerance is 1e-6 relative plus 1e-10 absolute, as for the other layers; a wrong
 * term of the batch-norm gradient (the −dβ or −x̂·dγ of dx, a biased/unbiased mix-up) misses by orders of magnitude.
 *
 * <p>Batch norm in training mode is a function of the whole batch, so the check varies a parameter and re-runs the
 * batch: the running statistics change on every run, but they do not enter the training-mode output. Dropout's mask
 * is drawn once per layer by the interpreter and then fixed, so the loss is one deterministic function.
 *
 * <p>Non-differentiable points: each case draws parameters and inputs from successive seeds until every ReLU
 * pre-activation, and the gap between the two largest inputs of every maxout group, is at least 1e-2; a step of 2h
 * moves those by ~1e-3 at most (2h times activations of order one, times at most ~5 from batch norm's 1/σ).
 */
class LayerGradientCheckTest {
    private static final int INPUT = 4;
    private static final int CLASSES = 3;
    private static final double H = 1e-4;
    private static final double RELATIVE = 1e-6;
    private static final double ABSOLUTE = 1e-10;
    private static final double KINK_MARGIN = 1e-2;

    static Stream<Arguments> models() {
        List<Arguments> cases = new ArrayList<>();
        // batch norm: several widths and batch sizes. From three rows up: with two, x̂ = ±d/√(d² + δ) ≈ ±1 whatever
        // the layer below does, so its weights get almost no gradient to check. Two rows do appear where batch norm
        // sits on the input and γ, β are what is checked.
        for (int width : new int[] {1, 3, 8}) {
            for (int rows : new int[] {3, 5, 16}) {
                cases.add(Arguments.of("dense → batchnorm → relu, width " + width, """
                        h = relu(batchnorm(dense(x, %d, bias: false)))
                        return dense(h, 3)""".formatted(width), "softmax_cross_entropy", rows));
            }
        }
        for (int rows : new int[] {2, 5, 16}) {
            cases.add(Arguments.of("batchnorm on the model input", "return dense(batchnorm(x), 3)", "softmax_cross_entropy", rows));
        }
        cases.add(Arguments.of("batchnorm on the input, the input also used directly",
                "return dense(batchnorm(x), 3) + dense(x, 3, bias: false)", "softmax_cross_entropy", 6));
        cases.add(Arguments.of("two batchnorms with momentum and delta", """
                h1 = tanh(batchnorm(dense(x, 6, bias: false), momentum: 0.3, delta: 1e-3))
                h2 = sigmoid(batchnorm(dense(h1, 5, bias: false)))
                return dense(h2, 3)""", "softmax_cross_entropy", 7));
        cases.add(Arguments.of("batchnorm into a residual add", """
                h = tanh(dense(x, 5))
                h = h + batchnorm(dense(h, 5, bias: false))
                return dense(h, 3)""", "softmax_cross_entropy", 6));
        cases.add(Arguments.of("residual block batchnorm → relu", """
                h = tanh(dense(x, 5))
                h = h + relu(batchnorm(dense(h, 5, bias: false)))
                return dense(h, 3)""", "softmax_cross_entropy", 8));
        cases.add(Arguments.of("batchnorm of a residual sum", """
                h = tanh(dense(x, 5))
                h = batchnorm(h + dense(h, 5, bias: false))
                return dense(h, 3)""", "softmax_cross_entropy", 6));
        cases.add(Arguments.of("batchnorm output read twice", """
                h = batchnorm(dense(x, 5, bias: false))
                return dense(h, 3) + dense(tanh(h), 3)""", "softmax_cross_entropy", 5));
        cases.add(Arguments.of("batchnorm as the output layer", "return batchnorm(dense(x, 3, bias: false))", "mse", 5));
        // maxout
        for (int k : new int[] {1, 2, 3, 4}) {
            cases.add(Arguments.of("dense → maxout(" + k + ")", """
                    h = maxout(dense(x, %d), %d)
                    return dense(h, 3)""".formatted(2 * k, k), "softmax_cross_entropy", 5));
        }
        cases.add(Arguments.of("maxout on the model input", "return dense(maxout(x, 2), 3)", "softmax_cross_entropy", 5));
        cases.add(Arguments.of("maxout in a residual block", """
                h = tanh(dense(x, 4))
                h = h + maxout(dense(h, 8), 2)
                return dense(h, 3)""", "mse", 5));
        cases.add(Arguments.of("batchnorm → maxout", """
                h = maxout(batchnorm(dense(x, 6, bias: false)), 3)
                return dense(h, 3)""", "softmax_cross_entropy", 6));
        // dropout
        cases.add(Arguments.of("tanh → dropout(0.5)", """
                h = dropout(tanh(dense(x, 6)), 0.5)
                return dense(h, 3)""", "softmax_cross_entropy", 5));
        cases.add(Arguments.of("dropout in a residual block", """
                h = relu(dense(x, 6))
                h = h + dropout(relu(dense(h, 6)), 0.3)
                return dense(h, 3)""", "softmax_cross_entropy", 5));
        cases.add(Arguments.of("dropout on the model input", "return dense(dropout(x, 0.25), 3)", "softmax_cross_entropy", 5));
        cases.add(Arguments.of("maxout → dropout → batchnorm", """
                h = batchnorm(dropout(maxout(tanh(dense(x, 8)), 2), 0.2))
                return dense(h, 3)""", "softmax_cross_entropy", 6));
        cases.add(Arguments.of("dropout(0) is the identity", """
                h = dropout(tanh(dense(x, 5)), 0)
                return dense(h, 3)""", "mse", 5));
        return cases.stream();
    }

    static TensorProgram compile(String body, String loss) throws CompilationFailed {
        return Optc.compile(LayerRecipes.source(body, INPUT, CLASSES, loss, "sgd(lr: 0.1)", ""), "layer_gradients.opt")
                .first().program();
    }

    @ParameterizedTest(name = "{0} ({2}, {3} rows)")
    @MethodSource("models")
    void backwardPassMatchesFiniteDifferences(String name, String body, String loss, int rows) throws CompilationFailed {
        TensorProgram program = compile(body, loss);
        Problem p = awayFromKinks(program, rows);
        TensorInterpreter interpreter = new TensorInterpreter(program, p.params, rows);
        double lossValue = interpreter.loss(p.input, p.labels, true);
        assertTrue(Double.isFinite(lossValue) && lossValue > 0, "loss " + lossValue);
        double[] analytic = interpreter.grads.clone();
        checkDropoutMasks(program, interpreter, rows);

        double worst = 0;
        String worstAt = "";
        for (ParameterSlice slice : program.parameters()) {
            double sliceMax = 0;
            for (int e = 0; e < slice.size(); e++) {
                int i = slice.offset() + e;
                double numeric = differenceQuotient(interpreter, p, i);
                double g = analytic[i];
                double allowed = RELATIVE * Math.max(Math.abs(g), Math.abs(numeric)) + ABSOLUTE;
                double ratio = Math.abs(g - numeric) / allowed;
                if (ratio > worst) {
                    worst = ratio;
                    worstAt = slice.name() + "[" + e + "]: analytic " + g + ", finite difference " + numeric;
                }
                sliceMax = Math.max(sliceMax, Math.abs(g));
            }
            assertTrue(sliceMax > 1e-4, name + ": " + slice.name() + " has no gradient worth checking (max " + sliceMax + ")");
        }
        if (worst > 1) fail(name + ": gradient off by " + worst + " times the tolerance at " + worstAt);
        assertEquals(lossValue, interpreter.loss(p.input, p.labels, false), "the checks left the parameters as they were");
    }

    /**
     * A bias just before batch norm cancels in x − µ, so its exact gradient is 0 (why W002 calls it redundant): the
     * interpreter must give 0 up to rounding, and the finite difference agrees.
     */
    @Test
    void aBiasBeforeBatchnormGetsNoGradient() throws CompilationFailed {
        TensorProgram program = compile("""
                h = relu(batchnorm(dense(x, 5)))
                return dense(h, 3)""", "softmax_cross_entropy");
        int rows = 6;
        Problem p = awayFromKinks(program, rows);
        TensorInterpreter interpreter = new TensorInterpreter(program, p.params, rows);
        interpreter.loss(p.input, p.labels, true);
        double[] analytic = interpreter.grads.clone();
        ParameterSlice bias = program.parameters().stream().filter(s -> s.name().equals("h.bias")).findFirst().orElseThrow();
        ParameterSlice weight = program.parameters().stream().filter(s -> s.name().equals("h.weight")).findFirst().orElseThrow();
        double weightScale = 0;
        for (int e = 0; e < weight.size(); e++) weightScale = Math.max(weightScale, Math.abs(analytic[weight.offset() + e]));
        assertTrue(weightScale > 1e-3, "the weight beside it does get a gradient: " + weightScale);
        for (int e = 0; e < bias.size(); e++) {
            int i = bias.offset() + e;
            assertEquals(0, analytic[i], 1e-12 * weightScale, "h.bias[" + e + "]");
            assertEquals(0, differenceQuotient(interpreter, p, i), 1e-9, "h.bias[" + e + "], finite difference");
        }
    }

    /** The interpreter's masks are 0 or 1/(1 − p), with both values present where p > 0 (else the check is empty). */
    private static void checkDropoutMasks(TensorProgram program, TensorInterpreter interpreter, int rows) {
        for (TensorOp op : program.forward()) {
            if (!(op instanceof TensorOp.Dropout d)) continue;
            double[] mask = interpreter.dropoutMask(d.mask());
            assertEquals(rows * d.x().width(), mask.length);
            int zeros = 0;
            for (double m : mask) {
                if (m == 0) zeros++;
                else assertEquals(1 / (1 - d.p()), m, 1e-15, "a kept unit's scale");
            }
            if (d.p() > 0) assertTrue(zeros > 0 && zeros < mask.length, "mask with " + zeros + " zeros of " + mask.length);
            else assertEquals(0, zeros);
        }
    }

    private static double differenceQuotient(TensorInterpreter interpreter, Problem p, int i) {
        double theta = interpreter.params[i];
        double plus1 = lossAt(interpreter, p, i, theta + H);
        double minus1 = lossAt(interpreter, p, i, theta - H);
        double plus2 = lossAt(interpreter, p, i, theta + 2 * H);
        double minus2 = lossAt(interpreter, p, i, theta - 2 * H);
        interpreter.params[i] = theta;
        return (8 * (plus1 - minus1) - (plus2 - minus2)) / (12 * H);
    }

    private static double lossAt(TensorInterpreter interpreter, Problem p, int i, double value) {
        interpreter.params[i] = value;
        return interpreter.loss(p.input, p.labels, false);
    }

    private record Problem(double[] params, double[] input, int[] labels) {
    }

    /** Parameters in [−1, 1] (γ included, so its sign varies), inputs in [−1, 1], from the first seed clear of kinks. */
    private static Problem awayFromKinks(TensorProgram program, int rows) {
        for (long seed = 1; seed <= 500; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            double[] params = new double[program.parameterCount()];
            for (int i = 0; i < params.length; i++) params[i] = 2 * random.nextDouble() - 1;
            double[] input = new double[rows * INPUT];
            for (int i = 0; i < input.length; i++) input[i] = 2 * random.nextDouble() - 1;
            int[] labels = new int[rows];
            for (int r = 0; r < rows; r++) labels[r] = random.nextInt(CLASSES);
            TensorInterpreter interpreter = new TensorInterpreter(program, params.clone(), rows);
            interpreter.forward(input);
            if (LayerRecipes.distanceFromKinks(program, interpreter, rows) > KINK_MARGIN) return new Problem(params, input, labels);
        }
        throw new AssertionError("no seed in 1..500 keeps the ReLU and maxout inputs away from their kinks");
    }
}
