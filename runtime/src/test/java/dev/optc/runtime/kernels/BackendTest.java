package dev.optc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The automatic choice of backend for one kernel, and the property that forces one. */
class BackendTest {

    @Test
    void aKernelC2VectorizesKeepsItsScalarLoop() {
        assertEquals(Backend.SCALAR, Backend.automatic(Backend.VECTOR, true));
        assertEquals(Backend.VECTOR, Backend.automatic(Backend.VECTOR, false));
    }

    @Test
    void withoutTheVectorApiEveryKernelIsScalar() {
        assertEquals(Backend.SCALAR, Backend.automatic(Backend.SCALAR, true));
        assertEquals(Backend.SCALAR, Backend.automatic(Backend.SCALAR, false));
    }

    @Test
    void theRequestIsChecked() {
        assertEquals(Backend.SCALAR, Backend.select("scalar"));
        assertThrows(IllegalArgumentException.class, () -> Backend.select("simd"));
    }
}
