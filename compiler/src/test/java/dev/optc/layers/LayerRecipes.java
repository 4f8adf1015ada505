package dev.optc.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.optc.api.CompilationFailed;
import dev.optc.api.CompiledRecipe;
import dev.optc.api.Optc;
import dev.optc.check.ModelGraph.ActivationKind;
import dev.optc.codegen.BytecodeVerification;
import dev.optc.interpret.TensorInterpreter;
import dev.optc.ir.ParameterSlice;
import dev.optc.ir.TensorOp;
import dev.optc.ir.TensorProgram;
import dev.optc.runtime.ParameterSpec;
import dev.optc.runtime.Trainer;
import dev.optc.runtime.checkpoint.Safetensors;
import dev.optc.runtime.checkpoint.Tensor;
import dev.optc.runtime.data.Dataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * What the layer tests share: recipe sources around a model body, compilation (every generated class verified),
 * random data, reading a trainer's parameters and statistics, and the oracle comparison of one SGD step.
 */
final class LayerRecipes {
    private LayerRecipes() {
    }

    /** A model of {@code inputs} features and {@code outputs} outputs around {@code body}, and one recipe {@code r}. */
    static String source(String body, int inputs, int outputs, String loss, String optimizer, String training) {
        return "model M(x: " + inputs + ") -> " + outputs + " {\n" + body.indent(4) + "}\n"
                + """
                recipe r {
                    data      = csv("unused.csv")
                    model     = M
                    loss      = %s
                    optimizer = %s
                    seed      = 7
                %s}
                """.formatted(loss, optimizer, training.indent(4));
    }

    /** Compiles the only recipe and verifies every class it generated. */
    static CompiledRecipe compile(String source) throws CompilationFailed {
        CompiledRecipe recipe = Optc.compile(source, "layers_test.opt").first();
        BytecodeVerification.verifyAll(recipe.generatedClasses());
        return recipe;
    }

    /** The trainer's parameters in the program's flat layout, read through the public API only. */
    static float[] flatParameters(TensorProgram program, Trainer trainer) {
        float[] flat = new float[program.parameterCount()];
        for (ParameterSpec p : trainer.parameters()) {
            float[] values = trainer.parameter(p.name());
            System.arraycopy(values, 0, flat, p.offset(), values.length);
        }
        return flat;
    }

    /** The running statistics the trainer would checkpoint, in the program's flat statistics layout. */
    static float[] savedStatistics(TensorProgram program, Trainer trainer, Path dir) throws IOException {
        Path file = Files.createTempFile(dir, "stats", ".safetensors");
        trainer.save(file);
        Safetensors.Checkpoint checkpoint = Safetensors.read(file);
        float[] flat = new float[program.statisticCount()];
        for (ParameterSlice s : program.statistics()) {
            Tensor t = checkpoint.tensors().get(s.name());
            assertTrue(t != null, "the checkpoint has no " + s.name() + "; it has " + checkpoint.tensors().keySet());
            assertEquals(s.size(), t.data().length, s.name());
            System.arraycopy(t.data(), 0, flat, s.offset(), s.size());
        }
        return flat;
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    static Dataset randomData(SplittableRandom random, int rows, int width, int classes) {
        float[] features = new float[rows * width];
        for (int i = 0; i < features.length; i++) features[i] = (float) random.nextDouble();
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) labels[r] = random.nextInt(classes);
        return new Dataset("random", features, labels, rows, width, classes);
    }

    static double[] softmaxRows(double[] z, int rows, int width) {
        double[] p = new double[z.length];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < width; j++) max = Math.max(max, z[r * width + j]);
            for (int j = 0; j < width; j++) sum += p[r * width + j] = Math.exp(z[r * width + j] - max);
            for (int j = 0; j < width; j++) p[r * width + j] /= sum;
        }
        return p;
    }

    /**
     * The smallest distance of the forward pass (as the interpreter last ran it) from a point where the function is
     * not differentiable: a ReLU or leaky ReLU pre-activation at 0, or a maxout group whose two largest inputs tie.
     */
    static double distanceFromKinks(TensorProgram program, TensorInterpreter interpreter, int rows) {
        double closest = Double.POSITIVE_INFINITY;
        for (TensorOp op : program.forward()) {
            if (op instanceof TensorOp.Activate a && (a.kind() == ActivationKind.RELU || a.kind() == ActivationKind.LEAKY_RELU)) {
                double[] z = interpreter.buffer(a.x());
                for (int i = 0; i < rows * a.x().width(); i++) closest = Math.min(closest, Math.abs(z[i]));
            } else if (op instanceof TensorOp.Maxout m && m.k() > 1) {
                double[] x = interpreter.buffer(m.x());
                int groups = rows * m.y().width();
                for (int g = 0; g < groups; g++) {
                    double best = Double.NEGATIVE_INFINITY, second = Double.NEGATIVE_INFINITY;
                    for (int i = 0; i < m.k(); i++) {
                        double v = x[g * m.k() + i];
                        if (v > best) {
                            second = best;
                            best = v;
                        } else if (v > second) {
                            second = v;
                        }
                    }
                    closest = Math.min(closest, best - second);
                }
            }
        }
        return closest;
    }

    /**
     * One SGD step against the oracle: |θ₁ − (θ₀ − lr·g)| ≤ tolerance·lr·max|g over the tensor| + ulp(θ₁). The float
     * gradient of an element is accurate relative to its tensor's gradient scale (its terms' magnitude), not to its
     * own value, which may be a cancellation near zero; the ulp is the rounding of the stored parameter.
     */
    static void assertStep(TensorProgram program, float[] before, double[] gradient, double lr, float[] after,
                           double tolerance, String what) {
        double worst = 0;
        String worstAt = "";
        for (ParameterSlice slice : program.parameters()) {
            double scale = 0;
            for (int e = 0; e < slice.size(); e++) scale = Math.max(scale, Math.abs(gradient[slice.offset() + e]));
            assertTrue(lr * scale > 100 * Math.ulp(1f), what + ": " + slice.name() + " barely moves; the check would be empty");
            for (int e = 0; e < slice.size(); e++) {
                int i = slice.offset() + e;
                double expected = before[i] - lr * gradient[i];
                double allowed = tolerance * lr * scale + Math.ulp((float) expected);
                double ratio = Math.abs(after[i] - expected) / allowed;
                if (ratio > worst) {
                    worst = ratio;
                    worstAt = slice.name() + "[" + e + "]: θ₀ " + before[i] + ", g " + gradient[i] + ", expected "
                            + expected + ", trainer " + after[i];
                }
            }
        }
        if (worst > 1) fail(what + ": step off by " + worst + " times the tolerance at " + worstAt);
    }

    /** |actual − expected| ≤ tolerance·(1 + |expected|) element by element. */
    static void assertClose(double[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance * (1 + Math.abs(expected[i])), what + " [" + i + "]");
        }
    }
}
