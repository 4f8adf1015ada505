package dev.optc.runtime.kernels;

/**
 * Where a float array's elements meet 64-byte cache lines. G1 puts every large array (half a heap region or more:
 * from 128K floats with a 1 MB region) at the start of a region, so element i lies {@code base + 4i} bytes past a
 * line boundary, {@code base} being the array header. A Vector API loop that starts at an element where that is a
 * multiple of 64 loads and stores whole lines; one that does not splits each 16-float access across two. C2 peels
 * such a pre-loop for scalar loops by itself (it reads the address); the generated Vector API kernels cannot see an
 * address, so they ask here where to begin. For a small array the guess is right only when the allocator happened to
 * put it there, and costs nothing when it is wrong.
 */
public final class ArrayAlignment {
    private static final int LINE_FLOATS = 64 / Float.BYTES;
    /** The index of the first element on a line boundary, in an array that starts on one. */
    private static final int PHASE = Math.floorMod(-baseOffset() / Float.BYTES, LINE_FLOATS);

    private ArrayAlignment() {
    }

    /** The first index in [from, to] whose element starts a cache line when its array starts on one. */
    public static int alignedStart(int from, int to) {
        return Math.min(from + Math.floorMod(PHASE - from, LINE_FLOATS), to);
    }

    /**
     * The header bytes before a float array's first element: 16 with compressed class pointers, 12 with compact
     * object headers. Read reflectively, so the runtime neither compiles against nor requires jdk.unsupported.
     */
    private static int baseOffset() {
        try {
            return Class.forName("sun.misc.Unsafe").getField("ARRAY_FLOAT_BASE_OFFSET").getInt(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return 16;
        }
    }
}
