package dev.optc.objectives;

import dev.optc.api.CompilationFailed;
import dev.optc.api.CompiledRecipe;
import dev.optc.api.Optc;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Objectives that between them use every operation of the objective language, each wrapped so that the gradient
 * flowing into the operation is not uniform (a transpose or an index with a wrong stride would go unnoticed under
 * `sum(...)` alone), and random points to evaluate them at.
 */
final class ObjectiveCases {
    private ObjectiveCases() {
    }

    /** name, the objective `f` (its declaration), whether its parameters must be positive (log, sqrt, x ^ 2.5, x ^ p). */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("a + b", "objective f(a: 3, b: 3) {\n    return sum((a + b) ^ 2)\n}", false),
                Arguments.of("a - b", "objective f(a: 3, b: 3) {\n    return sum((a - b) ^ 2 * b)\n}", false),
                Arguments.of("a * b, a used twice", "objective f(a: 3, b: 3) {\n    return sum(a * b * a)\n}", false),
                Arguments.of("a / b", "objective f(a: 3, b: 3) {\n    return sum((a / b) ^ 2 + a / b)\n}", false),
                Arguments.of("a ^ 3, a parameter as the base", "objective f(a: 4) {\n    return sum(a ^ 3)\n}", false),
                Arguments.of("a ^ 2.5", "objective f(a: 4, b: 4) {\n    return sum(a ^ 2.5 * b)\n}", true),
                Arguments.of("p[0] ^ p[1], a parameter as the exponent",
                        "objective f(p: 3) {\n    return p[0] ^ p[1] + p[2] ^ 2 * p[1]\n}", true),
                Arguments.of("a ^ s[0], a vector base and a parameter exponent",
                        "objective f(a: 4, s: 2) {\n    return sum(a ^ s[0] * s[1])\n}", true),
                Arguments.of("s[0] * a, a scalar on the left", "objective f(a: 4, s: 2) {\n    return sum((s[0] * a - s[1]) ^ 2)\n}", false),
                Arguments.of("a / s[0], a scalar on the right", "objective f(a: 4, s: 2) {\n    return sum((a / s[0] + s[1]) ^ 2 * a)\n}", false),
                Arguments.of("s[0] - a and s[0] / a", "objective f(a: 3, s: 2) {\n    return sum((s[0] - a) ^ 2 + s[1] / a)\n}", false),
                Arguments.of("constants and a hyperparameter",
                        "objective f(a: 3, alpha = 0.3) {\n    return alpha * sum((2 - a) ^ 2 / 4) + 1 - mean(a) * 0.5\n}", false),
                Arguments.of("unary minus", "objective f(a: 3, b: 3) {\n    return sum(exp(-a) * b) - sum(-(a * b))\n}", false),
                Arguments.of("abs", "objective f(a: 4, b: 4) {\n    return sum(abs(a) * b)\n}", false),
                Arguments.of("exp", "objective f(a: 4, b: 4) {\n    return sum(exp(a) * b)\n}", false),
                Arguments.of("log", "objective f(a: 4, b: 4) {\n    return sum(log(a) * b)\n}", true),
                Arguments.of("sqrt", "objective f(a: 4, b: 4) {\n    return sum(sqrt(a) * b)\n}", true),
                Arguments.of("sum", "objective f(a: 4, b: 4) {\n    return sum(a * b) ^ 2 + sum(a)\n}", false),
                Arguments.of("mean", "objective f(a: 4, b: 4) {\n    return mean(a * b) ^ 2 + mean(b)\n}", false),
                Arguments.of("A @ B, matrix by matrix",
                        "objective f(A: [2, 3], B: [3, 4], C: [2, 4]) {\n    return sum((A @ B - C) ^ 2)\n}", false),
                Arguments.of("A @ v, matrix by vector",
                        "objective f(A: [3, 2], v: 2, c: 3) {\n    return sum((A @ v - c) ^ 2)\n}", false),
                Arguments.of("transpose", "objective f(A: [2, 3], C: [3, 2]) {\n    return sum(transpose(A) * C) + sum(transpose(A) ^ 2 * C)\n}", false),
                Arguments.of("transpose(W) @ H", "objective f(W: [3, 4], H: [3, 2], C: [4, 2]) {\n    return sum((transpose(W) @ H) ^ 2 * C)\n}", false),
                Arguments.of("x[0], x[1], x[2]", "objective f(x: 3) {\n    return (x[0] - x[1]) ^ 2 + x[2] * x[0]\n}", false),
                Arguments.of("W[1], a row", "objective f(W: [3, 4], v: 4) {\n    return sum(W[1] * v) + sum(W[1] ^ 2) * W[2, 3]\n}", false),
                Arguments.of("W[1, 2], an element", "objective f(W: [3, 4]) {\n    return W[1, 2] ^ 2 * W[0, 1] + W[2, 0] - W[0, 3]\n}", false),
                Arguments.of("let bindings", "objective f(a: 3, b: 3) {\n    d = a - b\n    e = d * d\n    return sum(e * a) + sum(d)\n}", false),
                Arguments.of("sparse coding with fixed shapes", """
                        objective f(X: [4, 3], H: [2, 3], W: [2, 4], lambda = 0.1) {
                            return lambda * sum(abs(H)) + sum((X - transpose(W) @ H) ^ 2)
                        }""", false),
                Arguments.of("rosenbrock", "objective f(p: 2) {\n    return (1 - p[0]) ^ 2 + 100 * (p[1] - p[0] ^ 2) ^ 2\n}", false),
                Arguments.of("a parameter the result ignores", "objective f(a: 2, b: 2) {\n    return sum(a ^ 2)\n}", false),
                Arguments.of("a constant result", "objective f(a: 2) {\n    return 3 * 2\n}", false));
    }

    static final double LR = 0.05;

    /** The objective and a recipe `r` that minimizes it with sgd for {@code steps} steps. */
    static CompiledRecipe compile(String objective, int steps) throws CompilationFailed {
        String source = objective + """

                recipe r {
                    objective = f
                    optimizer = sgd(lr: %s)
                    steps     = %d
                }
                """.formatted(LR, steps);
        return Optc.compile(source, "objective_test.opt").first();
    }

    /**
     * Magnitudes in [0.5, 1.5], away from the kinks of abs and the poles of / and log; random signs unless the
     * objective needs positive parameters. Float values, so a float minimizer and the double oracle see the same point.
     */
    static double[] randomPoint(int n, boolean positive, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] theta = new double[n];
        for (int i = 0; i < n; i++) {
            double magnitude = 0.5 + random.nextDouble();
            boolean negative = !positive && random.nextBoolean();
            theta[i] = (float) (negative ? -magnitude : magnitude);
        }
        return theta;
    }
}
