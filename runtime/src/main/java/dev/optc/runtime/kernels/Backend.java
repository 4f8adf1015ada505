package dev.optc.runtime.kernels;

import dev.optc.runtime.vector.VectorSupport;

/**
 * Which implementation of the generated kernels runs: the Vector API one when the {@code jdk.incubator.vector} module
 * is loaded and vectors are at least 128 bits wide, the scalar one otherwise (with one line that says why and how to
 * enable the other). Chosen once; {@code -Doptc.kernels=scalar|vector} forces it.
 *
 * <p>Within the Vector API backend, {@link #forKernel} keeps the scalar kernel of an update whose loop is straight-line
 * arithmetic, because there C2 vectorizes the scalar loop itself (SuperWord) into the same SIMD instructions, and does
 * one thing the Vector API cannot: a scalar pre-loop that aligns the main loop's stores to the vector width. A Vector
 * API kernel over heap arrays never learns their addresses, so with 64-byte vectors nearly every store of it straddles
 * two cache lines; measured here, that makes a Vector API sgd loop in L2 take 1.4× as long (AlignmentBenchmark in
 * bench/, BENCHMARKS.md). Everything else (conditionals, comparisons, sign, exp, log, powers) C2 leaves scalar, and
 * the Vector API kernel is the fast one.
 */
public enum Backend {
    SCALAR, VECTOR;

    private static final class Selected {
        static final String REQUEST = System.getProperty("optc.kernels", "auto");
        static final Backend VALUE = select(REQUEST);
    }

    public static Backend selected() {
        return Selected.VALUE;
    }

    public static boolean vector() {
        return selected() == VECTOR;
    }

    /**
     * The implementation one generated update kernel runs with. {@code compilerVectorizesScalarLoop}: the code generator
     * found the kernel's scalar loop made only of operations C2 vectorizes (+, −, ×, ÷, √, abs, min, max, negation, on
     * θ, g and states at the loop index). With {@code -Doptc.kernels=auto}, the default, {@link #automatic}; when the
     * property forces a backend, that one for every kernel.
     */
    public static Backend forKernel(boolean compilerVectorizesScalarLoop) {
        return Selected.REQUEST.equals("auto") ? automatic(selected(), compilerVectorizesScalarLoop) : selected();
    }

    /** The automatic choice for one kernel, given the backend available to this JVM. */
    public static Backend automatic(Backend available, boolean compilerVectorizesScalarLoop) {
        return available == VECTOR && compilerVectorizesScalarLoop ? SCALAR : available;
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
