package dev.optc.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.optc.api.CompiledRecipe;
import dev.optc.codegen.SuperWordShape;
import dev.optc.runtime.kernels.Backend;
import dev.optc.runtime.train.CompiledTrainer;
import java.lang.reflect.Field;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which kernel a trainer runs by default: the scalar one where its loop is straight-line arithmetic C2 vectorizes
 * itself, the Vector API one where the rule has a conditional, a comparison, sign or a transcendental (the expected
 * shape of each rule is written here from the prelude's text, not asked of the code). With the Vector API available,
 * the generated trainer must hold the kernel class {@code Backend.forKernel} names for that shape.
 */
class KernelChoiceTest {

    static Stream<Arguments> rules() {
        return Stream.of(
                Arguments.of("sgd()", "", true),
                Arguments.of("momentum()", "", true),
                Arguments.of("nesterov()", "", true),
                Arguments.of("adagrad()", "", true),
                Arguments.of("rmsprop()", "", true),
                Arguments.of("rmsprop_nesterov()", "", true),
                Arguments.of("adam()", "", true),
                Arguments.of("adadelta()", "", true),
                Arguments.of("adamw()", "", true),
                Arguments.of("amsgrad()", "", true),
                Arguments.of("nadam()", "", true),
                Arguments.of("delta_bar_delta()", "", false),
                Arguments.of("lion()", "", false),
                Arguments.of("halved()", "optimizer halved(lr = 0.1) { theta -= g > 0 ? lr : -lr }", false),
                Arguments.of("soft()", "optimizer soft(lr = 0.1) { theta -= lr * exp(-abs(g)) * g }", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void theTrainerHoldsTheKernelForTheRulesShape(String setting, String declarations, boolean straightLine) throws Exception {
        CompiledRecipe recipe = FlatRecipe.compile(40, declarations, setting);
        assertEquals(straightLine, SuperWordShape.of(recipe.updateKernel()), setting);
        Assumptions.assumeTrue(Backend.vector(), "the Vector API backend is not in use here");
        CompiledTrainer trainer = FlatRecipe.trainer(recipe);
        Field kernel = trainer.getClass().getDeclaredField("kernel");
        kernel.setAccessible(true);
        String expected = straightLine ? "$ScalarUpdate" : "$VectorUpdate";
        String actual = kernel.get(trainer).getClass().getName();
        assertEquals(expected, actual.substring(actual.lastIndexOf('$')), setting);
    }
}
