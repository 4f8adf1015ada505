package dev.optc.cli;

import dev.optc.check.CheckedRecipe;
import dev.optc.diagnostics.Diagnostic;
import dev.optc.diagnostics.DiagnosticRenderer;
import dev.optc.diagnostics.Severity;
import dev.optc.runtime.data.CsvData;
import dev.optc.runtime.data.DataException;
import dev.optc.runtime.data.Dataset;
import java.nio.file.Path;

/**
 * Loads a recipe's data (paths relative to the recipe file) and holds out its validation rows. Data that does not
 * fit the model is reported against the recipe's `data` line, naming the file.
 */
final class DataLoading {
    private DataLoading() {
    }

    static Dataset.Split load(CheckedRecipe recipe, Path recipeFile) throws SourceLoader.UserError {
        CheckedRecipe.DataSpec spec = recipe.data();
        Path base = recipeFile.toAbsolutePath().getParent();
        Path path = base.resolve(spec.path()).normalize();
        Path shown = Path.of("").toAbsolutePath().relativize(path);
        Dataset data;
        try {
            data = CsvData.load(shown.toString().isEmpty() ? path : shown, spec.label(), (float) spec.scale());
        } catch (DataException e) {
            throw new SourceLoader.UserError(e.getMessage());
        }
        int inputs = recipe.model().input().width();
        int outputs = recipe.model().output().width();
        if (data.width() != inputs) {
            throw error(recipe, data.name() + " has " + data.width() + " features per row, but model `" + recipe.model().name()
                    + "` takes " + inputs, "change the model's input to `" + recipe.model().input().name() + ": " + data.width() + "`");
        }
        if (data.classes() > outputs) {
            throw error(recipe, data.name() + " has " + data.classes() + " classes, but model `" + recipe.model().name()
                    + "` has " + outputs + " outputs", "the last layer needs one output per class: `-> " + data.classes() + "`");
        }
        int validation = spec.validation() >= 1 ? (int) spec.validation() : (int) Math.round(spec.validation() * data.rows());
        if (validation >= data.rows()) {
            throw error(recipe, "cannot hold out " + validation + " of the " + data.rows() + " rows of " + data.name()
                    + " for validation", "hold out fewer rows");
        }
        return data.split(validation, recipe.seed());
    }

    private static SourceLoader.UserError error(CheckedRecipe recipe, String message, String hint) {
        Diagnostic d = new Diagnostic(Severity.ERROR, recipe.data().span(), "E070", message, hint);
        String rendered = new DiagnosticRenderer().render(d);
        return new SourceLoader.UserError(rendered.substring(0, rendered.length() - 1).replaceFirst("^", "\n"));
    }
}
