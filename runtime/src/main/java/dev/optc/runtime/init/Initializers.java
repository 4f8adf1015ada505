package dev.optc.runtime.init;

import java.util.SplittableRandom;

/** Seeded weight initialization, filling a slice of the flat parameter buffer. */
public final class Initializers {
    private Initializers() {
    }

    /**
     * Fills {@code values[offset .. offset + count)} for a weight with the given fan-in m and fan-out n.
     * <ul>
     *   <li>{@code glorot_uniform}: U(−√(6/(m+n)), √(6/(m+n))) (Glorot and Bengio, 2010; the slides' form)</li>
     *   <li>{@code uniform_fan_in}: U(−1/√m, 1/√m)</li>
     * </ul>
     */
    public static void fill(String kind, float[] values, int offset, int count, int fanIn, int fanOut, SplittableRandom random) {
        double limit = switch (kind) {
            case "glorot_uniform" -> Math.sqrt(6.0 / (fanIn + fanOut));
            case "uniform_fan_in" -> 1.0 / Math.sqrt(fanIn);
            default -> throw new IllegalArgumentException("unknown initialization " + kind);
        };
        for (int i = 0; i < count; i++) values[offset + i] = (float) ((2 * random.nextDouble() - 1) * limit);
    }
}
