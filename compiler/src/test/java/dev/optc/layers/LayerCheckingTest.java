package dev.optc.layers;

import static dev.optc.layers.LayerRecipes.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompilationFailed;
import dev.optc.api.Optc;
import dev.optc.diagnostics.Diagnostic;
import dev.optc.diagnostics.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker's rules for the layers' arguments: maxout's divisibility, dropout's p, batch norm's momentum. */
class LayerCheckingTest {

    private static List<Diagnostic> errors(String body) {
        String source = source(body, 4, 3, "softmax_cross_entropy", "sgd(lr: 0.1)", "");
        CompilationFailed failed = assertThrows(CompilationFailed.class, () -> Optc.compile(source, "layer_errors.opt"));
        return failed.diagnostics().stream().filter(d -> d.severity() == Severity.ERROR).toList();
    }

    @Test
    void maxoutNeedsAWidthDivisibleByK() throws CompilationFailed {
        List<Diagnostic> errors = errors("""
                h = maxout(dense(x, 8), 3)
                return dense(h, 3)""");
        assertEquals(1, errors.size(), errors.toString());
        Diagnostic e = errors.get(0);
        assertEquals("E050", e.code());
        assertTrue(e.message().contains("divisible by 3") && e.message().contains("8"), e.message());
        assertEquals(2, e.span().line());
        assertTrue(e.span().text().startsWith("maxout("), e.span().text());

        // 9 units in groups of 3 is fine, and gives width 3.
        LayerRecipes.compile(source("""
                h = maxout(dense(x, 9), 3)
                return h""", 4, 3, "softmax_cross_entropy", "sgd(lr: 0.1)", ""));
    }

    @Test
    void dropoutNeedsAProbabilityBelowOne() {
        for (String p : List.of("1", "-0.1", "1.5")) {
            List<Diagnostic> errors = errors("return dense(dropout(x, " + p + "), 3)");
            assertEquals(List.of("E059"), errors.stream().map(Diagnostic::code).toList(), "dropout(x, " + p + ")");
        }
    }

    @Test
    void batchnormMomentumIsInZeroOne() {
        for (String m : List.of("0", "1.01", "-0.1")) {
            List<Diagnostic> errors = errors("return dense(batchnorm(x, momentum: " + m + "), 3)");
            assertEquals(List.of("E059"), errors.stream().map(Diagnostic::code).toList(), "momentum " + m);
        }
    }
}
