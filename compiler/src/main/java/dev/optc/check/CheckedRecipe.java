package dev.optc.check;

import dev.optc.ast.Decl;
import dev.optc.diagnostics.SourceSpan;
import java.util.Map;

/** A recipe whose settings are all known, typed and consistent; what lowering and the trainer work from. */
public record CheckedRecipe(
        Decl.RecipeDecl decl,
        ModelGraph model,
        DataSpec data,
        Loss loss,
        OptimizerChoice optimizer,
        String init,
        int batch,
        int epochs,
        boolean shuffle,
        boolean dropLast,
        long seed) {

    public String name() { return decl.name().text(); }

    /** Where the examples come from. {@code validation} is a row count when ≥ 1, else a fraction of the rows. */
    public record DataSpec(String format, String path, String label, double scale, double validation, SourceSpan span) {
    }

    /** An update rule and the values of its hyperparameters, in declaration order. */
    public record OptimizerChoice(Decl.OptimizerDecl rule, Map<String, Double> hyperparameters, SourceSpan span) {
    }

    public enum Loss {
        SOFTMAX_CROSS_ENTROPY, MSE;

        public String optName() { return name().toLowerCase(java.util.Locale.ROOT); }
    }
}
