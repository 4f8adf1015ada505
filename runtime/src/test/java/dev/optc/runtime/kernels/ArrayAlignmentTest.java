package dev.optc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * alignedStart(from, to): the first element at or after {@code from} that starts a 64-byte line in an array whose
 * object starts on one, never past {@code to}. The header size is read here the way a JVM reports it, and the
 * element's byte offset, header + 4·index, must be a multiple of 64.
 */
class ArrayAlignmentTest {

    private static int header() throws ReflectiveOperationException {
        return Class.forName("sun.misc.Unsafe").getField("ARRAY_FLOAT_BASE_OFFSET").getInt(null);
    }

    @Test
    void startsOnALineWithinSixteenElements() throws ReflectiveOperationException {
        int header = header();
        for (int from = 0; from < 200; from++) {
            int start = ArrayAlignment.alignedStart(from, 1_000);
            assertTrue(start >= from && start < from + 16, "from " + from + ": " + start);
            assertEquals(0, (header + Float.BYTES * start) % 64, "from " + from + ": element " + start + " is not on a line");
        }
    }

    @Test
    void neverPassesTheEndOfTheRange() {
        for (int from = 0; from < 40; from++) {
            for (int to = from; to < from + 20; to++) {
                int start = ArrayAlignment.alignedStart(from, to);
                assertTrue(start >= from && start <= to, "[" + from + ", " + to + "): " + start);
            }
        }
    }
}
