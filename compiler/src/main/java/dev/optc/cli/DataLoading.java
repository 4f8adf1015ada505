package dev.optc.cli;

import dev.optc.check.CheckedRecipe;
import dev.optc.diagnostics.Diagnostic;
import dev.optc.diagnostics.DiagnosticRenderer;
import dev.optc.diagnostics.Severity;
import dev.optc.runtime.data.DataException;
import dev.optc.runtime.data.Dataset;
import java.nio.file.Path;

/**
 * Loads a recipe's data (paths relative to the recipe file, or the one given on the command line) and holds out its
 * validation rows. Data that does not fit the model is reported against the recipe's `data` line, naming the file.
 */
final class DataLoading {
    private DataLoading() {
    }

    /** The training data, split into training and validation rows. {@code override} replaces the recipe's path. */
    static Dataset.Split training(CheckedRecipe recipe, Path recipeFile, Path override) throws SourceLoader.UserError {
        CheckedRecipe.DataSpec spec = recipe.data();
        Dataset data = load(recipe, spec, recipeFile, override);
        int validation = spec.source().validationRows(data.rows());
        if (validation >= data.rows()) {
            throw error(spec, "cannot hold out " + validation + " of the " + data.rows() + " rows of " + data.name()
                    + " for validation", "hold out fewer rows");
        }
        return data.split(validation, recipe.seed());
    }

    /** The recipe's test data, or null when it has none. */
    static Dataset test(CheckedRecipe recipe, Path recipeFile) throws SourceLoader.UserError {
        return recipe.test() == null ? null : load(recipe, recipe.test(), recipeFile, null);
    }

    private static Dataset load(CheckedRecipe recipe, CheckedRecipe.DataSpec spec, Path recipeFile, Path override)
            throws SourceLoader.UserError {
        Dataset data;
        try {
            data = spec.source().load(recipeFile.toAbsolutePath().getParent(), override);
        } catch (DataException e) {
            throw new SourceLoader.UserError(e.getMessage());
        }
        int inputs = recipe.model().input().width();
        int outputs = recipe.model().output().width();
        if (data.width() != inputs) {
            throw error(spec, data.name() + " has " + data.width() + " features per row, but model `" + recipe.model().name()
                    + "` takes " + inputs, "change the model's input to `" + recipe.model().input().name() + ": " + data.width() + "`");
        }
        if (data.classes() > outputs) {
            throw error(spec, data.name() + " has " + data.classes() + " classes, but model `" + recipe.model().name()
                    + "` has " + outputs + " outputs", "the last layer needs one output per class: `-> " + data.classes() + "`");
        }
        return data;
    }

    private static SourceLoader.UserError error(CheckedRecipe.DataSpec spec, String message, String hint) {
        Diagnostic d = new Diagnostic(Severity.ERROR, spec.span(), "E070", message, hint);
        String rendered = new DiagnosticRenderer().render(d);
        return new SourceLoader.UserError(rendered.substring(0, rendered.length() - 1).replaceFirst("^", "\n"));
    }
}
