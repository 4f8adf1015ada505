package dev.optc.runtime.vector;

import jdk.incubator.vector.FloatVector;

/**
 * The runtime's only contact with {@code jdk.incubator.vector} outside generated code: loaded only after the module was
 * found, so the rest of the runtime works without it.
 */
public final class VectorSupport {
    private VectorSupport() {
    }

    /** The width of the preferred float species on this machine. */
    public static int preferredBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }

    public static int preferredLanes() {
        return FloatVector.SPECIES_PREFERRED.length();
    }
}
