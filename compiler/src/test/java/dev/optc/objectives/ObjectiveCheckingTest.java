package dev.optc.objectives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompilationFailed;
import dev.optc.api.Optc;
import dev.optc.diagnostics.Diagnostic;
import dev.optc.diagnostics.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The checker's rules for objectives that cannot be minimized: over data the recipe does not give (E074), with a
 * non-scalar result (E060).
 */
class ObjectiveCheckingTest {
    private static final String RECIPE = """

            recipe r {
                objective = %s
                optimizer = sgd(lr: 0.1)
                steps     = 10
            }
            """;

    private static List<Diagnostic> errors(String source) {
        CompilationFailed failed = assertThrows(CompilationFailed.class, () -> Optc.compile(source, "objective_errors.opt"));
        return failed.diagnostics().stream().filter(d -> d.severity() == Severity.ERROR).toList();
    }

    private static Diagnostic only(List<Diagnostic> errors, String code) {
        List<Diagnostic> matching = errors.stream().filter(d -> d.code().equals(code)).toList();
        assertEquals(1, matching.size(), "one " + code + " among " + errors);
        return matching.get(0);
    }

    /** An objective over data: the recipe that uses it without giving the data is told so at its `objective =`. */
    @Test
    void anObjectiveOverDataUsedWithoutItsDataIsE074() {
        String source = """
                objective weighted(X: data, w: [n]) {
                    return mean(X ^ 2) * sum(w ^ 2)
                }
                """ + RECIPE.formatted("weighted");
        List<Diagnostic> errors = errors(source);
        Diagnostic e = only(errors, "E074");
        assertEquals(6, e.span().line(), "at the recipe's objective setting");
        assertEquals("weighted", e.span().text());
        assertTrue(e.message().contains("weighted") && e.message().contains("data `X`"), e.message());
        assertEquals(List.of("E074"), errors.stream().map(Diagnostic::code).toList(), "and nothing else: " + errors);
    }

    /** The same through a call that gives the objective's (absent) hyperparameters no values. */
    @Test
    void anObjectiveOverDataCalledWithoutItsDataIsE074() {
        only(errors("""
                objective weighted(X: data, w: [n]) {
                    return mean(X ^ 2) * sum(w ^ 2)
                }
                """ + RECIPE.formatted("weighted()")), "E074");
    }

    /** DESIGN.md's own sparse coding over data, named without its data: E074 at the recipe. */
    @Test
    void theDesignsSparseCodingWithoutDataIsE074() {
        only(errors(SPARSE_CODING + RECIPE.formatted("sparse_coding")), "E074");
    }

    private static final String SPARSE_CODING = """
            objective sparse_coding(X: data, H: [16, n], W: [16, 64], lambda = 0.1) {
                return lambda * sum(abs(H)) + sum((X - transpose(W) @ H) ^ 2)
            }
            """;

    /**
     * X: data has the symbolic shape [X.rows, X.columns], which never equals transpose(W) @ H's [64, n]; the shape of
     * data is not known until the data are, so it unifies with any shape and the declaration has no E050.
     */
    @Test
    void theDesignsSparseCodingHasNoShapeError() {
        List<Diagnostic> errors = errors(SPARSE_CODING + RECIPE.formatted("sparse_coding"));
        assertEquals(List.of("E074"), errors.stream().map(Diagnostic::code).toList(), errors.toString());
    }

    @Test
    void anObjectiveThatIsNotARecipesIsNotAnError() throws CompilationFailed {
        // Declared but not used: nothing asks to minimize it, so nothing is reported.
        String source = """
                objective weighted(X: data, w: [n]) {
                    return mean(X ^ 2) * sum(w ^ 2)
                }
                objective bowl(x: 2 = [1, 2]) {
                    return sum(x ^ 2)
                }
                """ + RECIPE.formatted("bowl");
        assertEquals("r", Optc.compile(source, "unused_data_objective.opt").first().name());
    }

    @Test
    void aNonScalarResultIsE060() {
        for (String result : List.of("a * 2", "A @ a", "transpose(A)", "A[1]")) {
            String source = """
                    objective f(a: 3, A: [2, 3]) {
                        return %s
                    }
                    """.formatted(result) + RECIPE.formatted("f");
            List<Diagnostic> errors = errors(source);
            Diagnostic e = only(errors, "E060");
            assertEquals(2, e.span().line(), result);
            assertEquals(result, e.span().text());
            assertTrue(e.hint() != null && e.hint().contains("sum"), "the hint suggests a reduction: " + e.hint());
        }
    }

    @Test
    void aReducedResultIsFine() throws CompilationFailed {
        String source = """
                objective f(a: 3, A: [2, 3]) {
                    return sum(A @ a) + mean(a * 2) + A[1, 2]
                }
                """ + RECIPE.formatted("f");
        assertTrue(Optc.compile(source, "scalar.opt").first().minimizesObjective());
    }
}
