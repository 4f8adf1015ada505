package dev.optc.runtime.kernels;

import dev.optc.runtime.vector.VectorSupport;

/**
 * Which implementation of the generated kernels runs: the Vector API one when the {@code jdk.incubator.vector} module
 * is loaded and vectors are at least 128 bits wide, the scalar one otherwise (with one line that says why and how to
 * enable the other). Chosen once; {@code -Doptc.kernels=scalar|vector} forces it.
 */
public enum Backend {
    SCALAR, VECTOR;

    private static final class Selected {
        static final Backend VALUE = select(System.getProperty("optc.kernels", "auto"));
    }

    public static Backend selected() {
        return Selected.VALUE;
    }

    public static boolean vector() {
        return selected() == VECTOR;
    }

    /** The reason the vector kernels cannot run here, or null when they can. */
    public static String vectorUnavailableReason() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "the jdk.incubator.vector module is not loaded (run java with --add-modules jdk.incubator.vector)";
        }
        try {
            int bits = VectorSupport.preferredBits();
            return bits >= 128 ? null : "the preferred vector width is only " + bits + " bits";
        } catch (LinkageError e) {
            return "the Vector API cannot be used: " + e;
        }
    }

    static Backend select(String request) {
        if (request.equals("scalar")) return SCALAR;
        if (!request.equals("auto") && !request.equals("vector")) {
            throw new IllegalArgumentException("-Doptc.kernels must be scalar, vector or auto, not " + request);
        }
        String why = vectorUnavailableReason();
        if (why == null) return VECTOR;
        if (request.equals("vector")) throw new IllegalStateException("-Doptc.kernels=vector, but " + why);
        System.err.println("optc: using the scalar kernels: " + why);
        return SCALAR;
    }
}
