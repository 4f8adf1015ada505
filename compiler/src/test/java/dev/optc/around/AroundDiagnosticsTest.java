package dev.optc.around;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompilationFailed;
import dev.optc.api.Frontend;
import dev.optc.api.Optc;
import dev.optc.diagnostics.Diagnostic;
import dev.optc.diagnostics.Severity;
import dev.optc.diagnostics.SourceFile;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checker's errors for `decay`, `clip`, `average`, `schedule` and `accumulate`: each wrong setting gives exactly
 * one error, with its code, message, hint (null when there is none) and the source text it points at.
 */
class AroundDiagnosticsTest {
    private static final String SCHEDULE_HINT = "for example `over: 20 epochs` or `over: 500 steps`";
    private static final String CLIP_HINT = "`value` clips each gradient element to [−c, c]; `norm` scales the whole gradient down to norm c";
    private static final String AVERAGE_HINT = "polyak: θ̂(t) = (1/t) Σ θ(i); ema: θ̂(t) = α θ̂(t−1) + (1 − α) θ(t)";

    /** optimizer, setting, code, message, hint, the text under the caret. */
    static Stream<Arguments> errors() {
        return Stream.of(
                // decay
                Arguments.of("sgd(lr: 0.1)", "decay = \"x\"", "E040", "`decay` takes a number ≥ 0", "for example `decay = 1e-4`", "\"x\""),
                Arguments.of("sgd(lr: 0.1)", "decay = true", "E040", "`decay` takes a number ≥ 0", "for example `decay = 1e-4`", "true"),
                Arguments.of("sgd(lr: 0.1)", "decay = -1", "E040", "`decay` takes a number ≥ 0", "for example `decay = 1e-4`", "-1"),
                // clip
                Arguments.of("sgd(lr: 0.1)", "clip = 5", "E040", "`clip` takes `value(c)` or `norm(c)`", CLIP_HINT, "5"),
                Arguments.of("sgd(lr: 0.1)", "clip = value", "E040", "`clip` takes `value(c)` or `norm(c)`", CLIP_HINT, "value"),
                Arguments.of("sgd(lr: 0.1)", "clip = norm(0)", "E040", "`norm` needs a bound c > 0", "for example `norm(5.0)`", "norm(0)"),
                Arguments.of("sgd(lr: 0.1)", "clip = value(-0.5)", "E040", "`value` needs a bound c > 0", "for example `value(5.0)`", "value(-0.5)"),
                Arguments.of("sgd(lr: 0.1)", "clip = value(1, 2)", "E022", "too many arguments to `value`", null, "2"),
                // average
                Arguments.of("sgd(lr: 0.1)", "average = ema(1.5)", "E040", "`ema` needs a decay α in (0, 1)", "for example `ema(0.999)`", "ema(1.5)"),
                Arguments.of("sgd(lr: 0.1)", "average = ema(1)", "E040", "`ema` needs a decay α in (0, 1)", "for example `ema(0.999)`", "ema(1)"),
                Arguments.of("sgd(lr: 0.1)", "average = ema()", "E040", "`ema` needs a decay α in (0, 1)", "for example `ema(0.999)`", "ema()"),
                Arguments.of("sgd(lr: 0.1)", "average = ema", "E040", "`average` takes `polyak()` or `ema(α)`", AVERAGE_HINT, "ema"),
                Arguments.of("sgd(lr: 0.1)", "average = swa(0.5)", "E040", "`average` takes `polyak()` or `ema(α)`", AVERAGE_HINT, "swa(0.5)"),
                Arguments.of("sgd(lr: 0.1)", "average = 0.999", "E040", "`average` takes `polyak()` or `ema(α)`", AVERAGE_HINT, "0.999"),
                // accumulate
                Arguments.of("sgd(lr: 0.1)", "accumulate = 0", "E040", "`accumulate` takes a positive integer", null, "0"),
                Arguments.of("sgd(lr: 0.1)", "accumulate = 2.5", "E040", "`accumulate` takes a positive integer", null, "2.5"),
                Arguments.of("sgd(lr: 0.1)", "accumulate = full", "E040", "`accumulate` takes a positive integer", null, "full"),
                // schedule: unknown kinds, with a did-you-mean when one is close
                Arguments.of("sgd(lr: 0.1)", "schedule = cosin", "E045", "unknown schedule `cosin`", "did you mean `cosine`?", "cosin"),
                Arguments.of("sgd(lr: 0.1)", "schedule = linaer(to: 0.01, over: 4 steps)", "E045",
                        "unknown schedule `linaer`", "did you mean `linear`?", "linaer"),
                Arguments.of("sgd(lr: 0.1)", "schedule = banana(over: 4 steps)", "E045", "unknown schedule `banana`",
                        "the schedules are constant, cosine, exponential, linear, step, warmup", "banana"),
                Arguments.of("sgd(lr: 0.1)", "schedule = 5", "E045", "unknown schedule `5`",
                        "the schedules are constant, cosine, exponential, linear, step, warmup", "5"),
                // schedule: of a hyperparameter the optimizer does not have
                Arguments.of("momentum(lr: 0.1)", "schedule = [linear(to: 0.5, over: 4 steps) for alpah]", "E025",
                        "`momentum` has no hyperparameter `alpah` to schedule", "did you mean `alpha`?", "alpah"),
                Arguments.of("sgd(lr: 0.1)", "schedule = [linear(to: 0.5, over: 4 steps) for alpha]", "E025",
                        "`sgd` has no hyperparameter `alpha` to schedule", "its hyperparameters are lr", "alpha"),
                Arguments.of("sgd(lr: 0.1)", "schedule = [linear(to: 0.01, over: 4 steps) for lr, cosine(over: 2 epochs) for lr]",
                        "E042", "`lr` is scheduled twice", null, "cosine(over: 2 epochs) for lr"),
                // schedule: spans need a unit
                Arguments.of("sgd(lr: 0.1)", "schedule = linear(to: 0.01, over: 4)", "E046", "`linear` needs `over:` with a unit", SCHEDULE_HINT, "4"),
                Arguments.of("sgd(lr: 0.1)", "schedule = linear(to: 0.01)", "E046", "`linear` needs `over:` with a unit", SCHEDULE_HINT, "linear(to: 0.01)"),
                Arguments.of("sgd(lr: 0.1)", "schedule = cosine(over: 0 steps)", "E046", "`cosine` needs `over:` with a unit", SCHEDULE_HINT, "0 steps"),
                Arguments.of("sgd(lr: 0.1)", "schedule = exponential(factor: 0.5, every: 3)", "E046", "`exponential` needs `every:` with a unit",
                        "for example `every: 20 epochs` or `every: 500 steps`", "3"),
                // schedule: arguments
                Arguments.of("sgd(lr: 0.1)", "schedule = linear(over: 4 steps)", "E022", "`linear` needs `to:`", null, "linear(over: 4 steps)"),
                Arguments.of("sgd(lr: 0.1)", "schedule = step(every: 2 steps)", "E022", "`step` needs `factor:`", null, "step(every: 2 steps)"),
                Arguments.of("sgd(lr: 0.1)", "schedule = linear(to: foo, over: 4 steps)", "E023",
                        "`to` must be a number (it may use the optimizer's hyperparameters, as in `0.01 * lr`)", null, "foo"),
                Arguments.of("sgd(lr: 0.1)", "schedule = linear(to: 0.01, over: 4 steps, by: 2)", "E025", "`linear` has no argument `by`",
                        "its arguments are over, to", "by"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("errors")
    void oneErrorWithItsCodeMessageHintAndSpan(String optimizer, String setting, String code, String message, String hint,
                                               String spanText) {
        Diagnostic d = onlyError(LinearOracle.source("optimizer = " + optimizer, setting));
        assertEquals(code, d.code(), "code of " + d);
        assertEquals(message, d.message(), "message");
        assertEquals(hint, d.hint(), "hint");
        assertEquals(spanText, d.span().text(), "the text under the caret");
    }

    /** The optimizer's own hyperparameter may not share a name with a setting that becomes one. */
    @Test
    void anOptimizerHyperparameterNamedLikeTheSettingIsAnError() {
        String source = """
                optimizer mine(lr = 0.1, decay = 0.5) {
                    theta -= lr * g
                }
                """ + LinearOracle.source("optimizer = mine(lr: 0.1)", "decay = 0.01");
        Diagnostic d = onlyError(source);
        assertEquals("E044", d.code());
        assertEquals("optimizer `mine` has a hyperparameter `decay`, which the recipe's own `decay` setting also uses", d.message());
        assertEquals("rename the hyperparameter in the optimizer", d.hint());
    }

    /** Optc.compile throws with the rendered diagnostics: location, message, the line, the caret, the hint. */
    @Test
    void compileRendersTheDiagnostic() {
        CompilationFailed failed = assertThrows(CompilationFailed.class,
                () -> Optc.compile(LinearOracle.source("optimizer = momentum(lr: 0.1)",
                        "schedule = [linear(to: 0.5, over: 4 steps) for alpah]"), "t.opt"));
        assertEquals("""
                t.opt:9:52: error[E025]: `momentum` has no hyperparameter `alpah` to schedule
                        schedule = [linear(to: 0.5, over: 4 steps) for alpah]
                                                                       ^^^^^
                  help: did you mean `alpha`?
                1 error
                """, failed.getMessage());
    }

    /**
     * An argument nothing reads is an error, as `value(1, 2)` shows for a second one; a first positional argument
     * to a call that takes only named ones (or none) must not be dropped silently either: `cosine(0.01, ...)` would
     * otherwise train to ε_τ = 0, not 0.01.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("ignoredArguments")
    void aPositionalArgumentNothingReadsIsAnError(String setting, String spanText) {
        Diagnostic d = onlyError(LinearOracle.source("optimizer = sgd(lr: 0.1)", setting));
        assertEquals("E022", d.code(), "code of " + d);
        assertTrue(d.message().startsWith("too many arguments to `"), d.message());
        assertEquals(spanText, d.span().text());
    }

    static Stream<Arguments> ignoredArguments() {
        return Stream.of(
                Arguments.of("schedule = cosine(0.01, over: 4 steps)", "0.01"),
                Arguments.of("schedule = warmup(0.01, over: 4 steps)", "0.01"),
                Arguments.of("schedule = constant(0.01)", "0.01"),
                Arguments.of("average = polyak(0.5)", "0.5"));
    }

    private static Diagnostic onlyError(String source) {
        Frontend.Result result = new Frontend().run(new SourceFile("t.opt", source), null);
        List<Diagnostic> errors = result.diagnostics().sorted().stream().filter(d -> d.severity() == Severity.ERROR).toList();
        assertEquals(1, errors.size(), "exactly one error, got " + errors);
        return errors.get(0);
    }
}
