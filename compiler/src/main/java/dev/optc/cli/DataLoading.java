package dev.optc.cli;

import dev.optc.check.CheckedRecipe;
import dev.optc.diagnostics.Diagnostic;
import dev.optc.diagnostics.DiagnosticRenderer;
import dev.optc.diagnostics.Severity;
import dev.optc.runtime.data.DataException;
import dev.optc.runtime.data.DataSource;
import dev.optc.runtime.data.Dataset;
import dev.optc.runtime.train.CompiledTrainer;
import dev.optc.runtime.train.CurriculumData;
import dev.optc.runtime.train.CurriculumPlan;
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

    /**
     * The training data split as above, for a recipe that may have a curriculum: its score column (not a feature) is
     * taken out, and {@code trainer} is given every training row's difficulty.
     */
    static Dataset.Split training(CheckedRecipe recipe, Path recipeFile, Path override, CompiledTrainer trainer)
            throws SourceLoader.UserError {
        CurriculumPlan plan = recipe.curriculum();
        if (plan == null) return training(recipe, recipeFile, override);
        CheckedRecipe.DataSpec spec = recipe.data();
        Dataset data = load(recipe, spec, recipeFile, override, plan.scoresFromColumn() ? 1 : 0);
        if (spec.source().validationRows(data.rows()) >= data.rows()) return training(recipe, recipeFile, override);
        Path base = recipeFile.toAbsolutePath().getParent();
        Path file = override != null ? override : DataSource.resolve(base, spec.source().path());
        try {
            return CurriculumData.prepare(trainer, data, file, base);
        } catch (DataException e) {
            throw new SourceLoader.UserError(e.getMessage());
        }
    }

    /** The recipe's test data, or null when it has none. */
    static Dataset test(CheckedRecipe recipe, Path recipeFile) throws SourceLoader.UserError {
        return recipe.test() == null ? null : load(recipe, recipe.test(), recipeFile, null);
    }

    private static Dataset load(CheckedRecipe recipe, CheckedRecipe.DataSpec spec, Path recipeFile, Path override)
            throws SourceLoader.UserError {
        return load(recipe, spec, recipeFile, override, 0);
    }

    /** {@code scoreColumns}: columns of the file that are not features (a curriculum's score). */
    private static Dataset load(CheckedRecipe recipe, CheckedRecipe.DataSpec spec, Path recipeFile, Path override,
                                int scoreColumns) throws SourceLoader.UserError {
        Dataset data;
        try {
            data = spec.source().load(recipeFile.toAbsolutePath().getParent(), override);
        } catch (DataException e) {
            throw new SourceLoader.UserError(e.getMessage());
        }
        int inputs = recipe.model().input().width();
        int outputs = recipe.model().output().width();
        if (data.width() - scoreColumns != inputs) {
            throw error(spec, data.name() + " has " + (data.width() - scoreColumns) + " features per row"
                    + (scoreColumns > 0 ? " besides the curriculum's score" : "") + ", but model `" + recipe.model().name()
                    + "` takes " + inputs, "change the model's input to `" + recipe.model().input().name() + ": " + (data.width() - scoreColumns) + "`");
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
