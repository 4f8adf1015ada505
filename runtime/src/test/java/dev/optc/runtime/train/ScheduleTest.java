package dev.optc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.LongToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * {@link Schedule#value} against its documented formulas, written out here, at k = 0, τ/2, τ and 2τ (τ = 8 steps,
 * ε₀ = 0.4). Both sides evaluate the same closed form in double, so they agree to a few ulps: 1e-14 relative.
 */
class ScheduleTest {
    private static final double E0 = 0.4;
    private static final double TAU = 8;
    private static final double TARGET = 0.02;
    private static final double FACTOR = 0.5;
    private static final long[] STEPS = {0, 4, 8, 16};

    private static double clamped(long k) {
        return Math.min(1.0, k / TAU);
    }

    static Stream<Arguments> formulas() {
        return Stream.of(
                Arguments.of("constant", (LongToDoubleFunction) k -> E0),
                // ε_k = (1 − k/τ) ε₀ + (k/τ) ε_τ, then ε_τ after τ
                Arguments.of("linear", (LongToDoubleFunction) k -> (1 - clamped(k)) * E0 + clamped(k) * TARGET),
                // ε_τ + ½ (ε₀ − ε_τ)(1 + cos(π k/τ)), then ε_τ after τ
                Arguments.of("cosine", (LongToDoubleFunction) k -> TARGET + 0.5 * (E0 - TARGET) * (1 + Math.cos(Math.PI * clamped(k)))),
                // ε₀ · factor^⌊k/τ⌋
                Arguments.of("step", (LongToDoubleFunction) k -> E0 * Math.pow(FACTOR, Math.floor(k / TAU))),
                // ε₀ · factor^(k/τ)
                Arguments.of("exponential", (LongToDoubleFunction) k -> E0 * Math.pow(FACTOR, k / TAU)),
                // from + (ε₀ − from) · k/τ, then ε₀ after τ
                Arguments.of("warmup", (LongToDoubleFunction) k -> TARGET + (E0 - TARGET) * clamped(k)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formulas")
    void valueFollowsTheFormula(String kind, LongToDoubleFunction formula) {
        Schedule schedule = new Schedule("lr", kind, TAU, false, TARGET, FACTOR);
        for (long k : STEPS) {
            double expected = formula.applyAsDouble(k);
            assertEquals(expected, schedule.value(E0, k, TAU), 1e-14 * Math.abs(expected), kind + " at k = " + k);
        }
    }

    /** The values at those points, by hand, so that a formula mistyped on both sides would still show. */
    @Test
    void landmarkValues() {
        assertValues("linear", 0.4, 0.21, 0.02, 0.02);
        assertValues("cosine", 0.4, 0.21, 0.02, 0.02);
        assertValues("step", 0.4, 0.4, 0.2, 0.1);
        assertValues("exponential", 0.4, 0.4 / Math.sqrt(2), 0.2, 0.1);
        assertValues("warmup", 0.02, 0.21, 0.4, 0.4);
        assertValues("constant", 0.4, 0.4, 0.4, 0.4);
    }

    private static void assertValues(String kind, double... expected) {
        Schedule schedule = new Schedule("lr", kind, TAU, false, TARGET, FACTOR);
        for (int i = 0; i < STEPS.length; i++) {
            assertEquals(expected[i], schedule.value(E0, STEPS[i], TAU), 1e-14, kind + " at k = " + STEPS[i]);
        }
    }

    @Test
    void spanInEpochsIsConvertedWithTheStepsPerEpoch() {
        assertEquals(24.0, new Schedule("lr", "linear", 3, true, 0, 1).spanInSteps(8));
        assertEquals(3.0, new Schedule("lr", "linear", 3, false, 0, 1).spanInSteps(8));
    }

    @Test
    void anUnknownKindIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Schedule("lr", "cosin", 8, false, 0, 1));
        assertEquals("unknown schedule cosin", e.getMessage());
    }
}
