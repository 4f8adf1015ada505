package dev.optc.runtime.init;

import dev.optc.runtime.ParameterSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Layer-sequential unit-variance initialization (Mishkin &amp; Matas, "All you need is a good init", 2016, algorithm 1).
 * The weights start orthogonal ({@link Initializers}' {@code lsuv}); then, on one minibatch, layer by layer in model
 * order, the forward pass is run and the layer's weight W_L is divided by √Var(B_L), B_L the layer's output (x·Wᵀ + b
 * over the whole batch, before its activation), until |Var(B_L) − 1| &lt; {@link #TOLERANCE} or after
 * {@link #MAX_ITERATIONS} passes: the paper's Tol_var = 0.1 and T_max = 10. Later layers do not change earlier
 * layers' outputs, so every layer ends within the tolerance unless it ran out of iterations. A layer whose output
 * does not vary on the batch (variance 0, for example after dead ReLUs) is left as it is.
 *
 * <p>Deterministic: it only rescales, in a fixed order, from a forward pass that is itself deterministic.
 */
public final class Lsuv {
    public static final double TOLERANCE = 0.1;
    public static final int MAX_ITERATIONS = 10;

    private Lsuv() {
    }

    /** What LSUV needs of a network: its forward pass on the batch it holds, and a layer's output buffer. */
    public interface Network {
        /** Runs the forward pass (evaluation mode) on the held batch. */
        void forward();

        /** The output buffer of the dense layer whose weight is {@code weight}, [rows, width] at its start. */
        float[] output(String weight);
    }

    /** A layer's rescaling: how many forward passes it took and the variance of its output at the end. */
    public record Layer(String weight, int passes, double variance) {
    }

    /**
     * Rescales every weight of {@code weights} ([out, in] each, in model order) inside {@code params}.
     *
     * @param rows the rows of the held batch
     */
    public static List<Layer> apply(List<ParameterSpec> weights, float[] params, int rows, Network network) {
        List<Layer> layers = new ArrayList<>();
        for (ParameterSpec w : weights) {
            int width = w.fanOut();
            int passes = 0;
            double variance;
            while (true) {
                network.forward();
                passes++;
                variance = variance(network.output(w.name()), rows * width);
                if (Math.abs(variance - 1) < TOLERANCE || passes > MAX_ITERATIONS || !(variance > 0) || Double.isInfinite(variance)) {
                    break;
                }
                float scale = (float) (1 / Math.sqrt(variance));
                for (int i = w.offset(); i < w.offset() + w.size(); i++) params[i] *= scale;
            }
            layers.add(new Layer(w.name(), passes, variance));
        }
        return layers;
    }

    /** The (biased) variance of the first {@code count} values, in double. */
    static double variance(float[] values, int count) {
        double sum = 0;
        for (int i = 0; i < count; i++) sum += values[i];
        double mean = sum / count;
        double squares = 0;
        for (int i = 0; i < count; i++) {
            double d = values[i] - mean;
            squares += d * d;
        }
        return squares / count;
    }
}
