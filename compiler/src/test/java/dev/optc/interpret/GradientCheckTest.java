package dev.optc.interpret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.optc.api.CompilationFailed;
import dev.optc.api.Optc;
import dev.optc.check.ModelGraph.ActivationKind;
import dev.optc.ir.ParameterSlice;
import dev.optc.ir.TensorOp;
import dev.optc.ir.TensorProgram;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reference interpreter's backward pass (the ops {@code Autodiff} derived) against finite differences of its own
 * forward pass and loss, in double precision, for every parameter element of small models.
 *
 * <p>The difference quotient is the five-point stencil
 * g ≈ [8(L(θ+h) − L(θ−h)) − (L(θ+2h) − L(θ−2h))] / 12h with h = 1e-4: its truncation error is h⁴/30·L⁽⁵⁾ ≈ 1e-17
 * and its rounding error about 1.5·ε·|L|/h ≈ 2e-12 for losses of order one. So the analytic gradient must agree
 * within 1e-6 relative, plus 1e-10 absolute for elements that are nearly zero; a wrong formula, a missing
 * accumulation or a wrong index misses by far more.
 *
 * <p>ReLU and leaky ReLU have a kink at 0 where neither side's derivative is the difference quotient. Each case
 * draws its parameters and inputs from successive seeds until no pre-activation of such a layer lies within 1e-2 of
 * 0; a step of 2h moves a pre-activation by at most 2h times an activation of order one, far less than that margin.
 */
class GradientCheckTest {
    private static final int INPUT = 4;
    private static final int CLASSES = 3;
    private static final int ROWS = 5;
    private static final double H = 1e-4;
    private static final double RELATIVE = 1e-6;
    private static final double ABSOLUTE = 1e-10;
    private static final double KINK_MARGIN = 1e-2;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("dense with bias", "return dense(x, 3)", "softmax_cross_entropy"),
                Arguments.of("dense without bias", """
                        h = tanh(dense(x, 5, bias: false))
                        return dense(h, 3, bias: false)""", "softmax_cross_entropy"),
                Arguments.of("relu", """
                        h = relu(dense(x, 6))
                        return dense(h, 3)""", "softmax_cross_entropy"),
                Arguments.of("leaky_relu", """
                        h = leaky_relu(dense(x, 6), 0.1)
                        return dense(h, 3)""", "softmax_cross_entropy"),
                Arguments.of("sigmoid", """
                        h = sigmoid(dense(x, 6))
                        return dense(h, 3)""", "softmax_cross_entropy"),
                Arguments.of("tanh", """
                        h = tanh(dense(x, 6))
                        return dense(h, 3)""", "softmax_cross_entropy"),
                Arguments.of("softmax as a hidden layer", """
                        h = softmax(dense(x, 6))
                        return dense(h, 3)""", "softmax_cross_entropy"),
                Arguments.of("mse on a linear output", """
                        h = relu(dense(x, 6))
                        return dense(h, 3)""", "mse"),
                Arguments.of("mse on a sigmoid output", """
                        h = tanh(dense(x, 5))
                        return sigmoid(dense(h, 3))""", "mse"),
                Arguments.of("mse on a softmax output", """
                        h = leaky_relu(dense(x, 5), 0.1)
                        return softmax(dense(h, 3))""", "mse"),
                Arguments.of("cross_entropy on a softmax output", """
                        h = tanh(dense(x, 5))
                        return softmax(dense(h, 3))""", "cross_entropy"),
                Arguments.of("binary_cross_entropy on sigmoid outputs", """
                        h = tanh(dense(x, 5))
                        return sigmoid(dense(h, 3))""", "binary_cross_entropy"),
                Arguments.of("l1 on a linear output", """
                        h = tanh(dense(x, 5))
                        return dense(h, 3)""", "l1"),
                Arguments.of("residual h + relu(dense(h))", """
                        h = tanh(dense(x, 5))
                        h = h + relu(dense(h, 5))
                        return dense(h, 3)""", "softmax_cross_entropy"),
                Arguments.of("two residual blocks", """
                        h = sigmoid(dense(x, 5))
                        h = h + relu(dense(h, 5))
                        h = h + tanh(dense(h, 5, bias: false))
                        return dense(h, 3)""", "mse"),
                Arguments.of("one buffer into two dense layers", """
                        h = sigmoid(dense(x, 5))
                        a = dense(h, 3)
                        b = dense(h, 3, bias: false)
                        return a + b""", "softmax_cross_entropy"),
                Arguments.of("h + h", """
                        h = tanh(dense(x, 4))
                        return dense(h + h, 3)""", "softmax_cross_entropy"),
                Arguments.of("deep chain", """
                        h1 = tanh(dense(x, 5))
                        h2 = sigmoid(dense(h1, 4))
                        h3 = leaky_relu(dense(h2, 6), 0.1)
                        h4 = relu(dense(h3, 5))
                        h5 = softmax(dense(h4, 4))
                        h6 = tanh(dense(h5, 4))
                        return dense(h6, 3)""", "softmax_cross_entropy"),
                Arguments.of("the input used twice", """
                        a = tanh(dense(x, 4))
                        b = relu(dense(x, 4, bias: false))
                        h = a + b + x
                        return dense(h, 3) + dense(sigmoid(x), 3)""", "softmax_cross_entropy"));
    }

    static TensorProgram compile(String body, String loss) throws CompilationFailed {
        String source = "model M(x: " + INPUT + ") -> " + CLASSES + " {\n" + body.indent(4) + "}\n"
                + """
                recipe check {
                    data      = csv("unused.csv")
                    model     = M
                    loss      = %s
                    optimizer = sgd(lr: 0.1)
                }
                """.formatted(loss);
        return Optc.compile(source, "gradient_check.opt").first().program();
    }

    @ParameterizedTest(name = "{0} ({2})")
    @MethodSource("models")
    void backwardPassMatchesFiniteDifferences(String name, String body, String loss) throws CompilationFailed {
        TensorProgram program = compile(body, loss);
        Problem p = awayFromKinks(program);
        TensorInterpreter interpreter = new TensorInterpreter(program, p.params, ROWS);
        double lossValue = interpreter.loss(p.input, p.labels, true);
        assertTrue(Double.isFinite(lossValue) && lossValue > 0, "loss " + lossValue);
        double[] analytic = interpreter.grads.clone();

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
            // The check means nothing if a whole tensor's gradient is (near) zero.
            assertTrue(sliceMax > 1e-4, name + ": " + slice.name() + " has no gradient worth checking (max " + sliceMax + ")");
        }
        if (worst > 1) fail(name + ": gradient off by " + worst + " times the tolerance at " + worstAt);
        // The parameters are back where they were: the checks above did not disturb the interpreter.
        assertEquals(lossValue, interpreter.loss(p.input, p.labels, false));
    }

    @Test
    void interpreterForwardAndLossOnHandComputedValues() throws CompilationFailed {
        // x = [1, −2], W = [[1, 0], [0, 1], [1, 1]], b = [0, 1, 2]: z = [1, −1, 1], relu → [1, 0, 1]
        TensorProgram program = Optc.compile("""
                model M(x: 2) -> 3 {
                    return relu(dense(x, 3))
                }
                recipe r {
                    data = csv("unused.csv")
                    model = M
                    loss = mse
                    optimizer = sgd(lr: 0.1)
                }
                """, "hand.opt").first().program();
        double[] params = {1, 0, 0, 1, 1, 1, 0, 1, 2};
        TensorInterpreter interpreter = new TensorInterpreter(program, params, 1);
        double[] out = interpreter.forward(new double[] {1, -2});
        assertEquals(1.0, out[0]);
        assertEquals(0.0, out[1]);
        assertEquals(1.0, out[2]);
        // label 2 → target [0, 0, 1]: L = (1² + 0 + 0) / 3
        assertEquals(1.0 / 3, interpreter.loss(new double[] {1, -2}, new int[] {2}, true), 1e-15);
        // dL/dy = [2/3, 0, 0]; dW[0] = dL/dy0 · x = [2/3, −4/3]; db[0] = 2/3
        assertEquals(2.0 / 3, interpreter.grads[0], 1e-15);
        assertEquals(-4.0 / 3, interpreter.grads[1], 1e-15);
        assertEquals(2.0 / 3, interpreter.grads[6], 1e-15);
        for (int i : new int[] {2, 3, 4, 5, 7, 8}) assertEquals(0.0, interpreter.grads[i], "grads[" + i + "]");
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

    /** Random parameters, inputs and labels. */
    private record Problem(double[] params, double[] input, int[] labels) {
    }

    /** The first seed's problem whose ReLU pre-activations all keep {@link #KINK_MARGIN} from 0. */
    private static Problem awayFromKinks(TensorProgram program) {
        for (long seed = 1; seed <= 200; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            double[] params = new double[program.parameterCount()];
            for (int i = 0; i < params.length; i++) params[i] = 2 * random.nextDouble() - 1;
            double[] input = new double[ROWS * INPUT];
            for (int i = 0; i < input.length; i++) input[i] = 2 * random.nextDouble() - 1;
            int[] labels = new int[ROWS];
            for (int r = 0; r < ROWS; r++) labels[r] = random.nextInt(CLASSES);
            Problem p = new Problem(params, input, labels);
            if (minimumKinkDistance(program, p) > KINK_MARGIN) return p;
        }
        throw new AssertionError("no seed in 1..200 keeps the ReLU pre-activations away from 0");
    }

    private static double minimumKinkDistance(TensorProgram program, Problem p) {
        TensorInterpreter interpreter = new TensorInterpreter(program, p.params, ROWS);
        interpreter.forward(p.input);
        double closest = Double.POSITIVE_INFINITY;
        for (TensorOp op : program.forward()) {
            if (op instanceof TensorOp.Activate a && (a.kind() == ActivationKind.RELU || a.kind() == ActivationKind.LEAKY_RELU)) {
                for (double z : interpreter.buffer(a.x())) closest = Math.min(closest, Math.abs(z));
            }
        }
        return closest;
    }
}
