package dev.optc.optimizers;

import dev.optc.api.CompilationFailed;
import dev.optc.api.CompiledRecipe;
import dev.optc.api.Optc;
import dev.optc.codegen.BytecodeVerification;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.train.CompiledTrainer;

/**
 * A recipe whose model is exactly {@code n} free parameters (one bias-free dense layer on a one-wide input, tensor
 * {@code out.weight} of shape [n, 1]), so that a test can drive an optimizer on a vector θ of its choice: write θ
 * into {@link CompiledTrainer#flatParameters()}, a gradient into {@link CompiledTrainer#flatGradients()}, call
 * {@code update(t)}. The data file is never read.
 */
final class FlatRecipe {
    private FlatRecipe() {
    }

    /** {@code optimizer} is the recipe's setting, e.g. {@code adam(lr: 0.01, rho1: 0.8)}. */
    static CompiledRecipe compile(int n, String optimizer) {
        return compile(n, "", optimizer);
    }

    /** {@code declarations} may declare the optimizer the setting names. */
    static CompiledRecipe compile(int n, String declarations, String optimizer) {
        String source = declarations + "\n"
                + "model Flat(x: 1) -> " + n + " { return dense(x, " + n + ", bias: false) }\n"
                + "recipe r {\n"
                + "    data = csv(\"unused.csv\")\n"
                + "    model = Flat\n"
                + "    loss = mse\n"
                + "    optimizer = " + optimizer + "\n"
                + "}\n";
        try {
            CompiledRecipe recipe = Optc.compile(source, "flat_recipe.opt").first();
            BytecodeVerification.verifyAll(recipe.generatedClasses());
            if (recipe.program().parameterCount() != n) {
                throw new AssertionError("the flat model has " + recipe.program().parameterCount() + " parameters, not " + n);
            }
            return recipe;
        } catch (CompilationFailed e) {
            throw new AssertionError("the test recipe does not compile:\n" + e.getMessage() + "\n" + source, e);
        }
    }

    static CompiledTrainer trainer(CompiledRecipe recipe) {
        return (CompiledTrainer) recipe.newTrainer(TrainOptions.seed(1));
    }
}
