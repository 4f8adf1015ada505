package dev.optc.cli;

import dev.optc.check.CheckedRecipe;
import dev.optc.diagnostics.Diagnostic;
import dev.optc.diagnostics.DiagnosticRenderer;
import dev.optc.diagnostics.Severity;
import dev.optc.runtime.data.CsvData;
import dev.optc.runtime.data.DataException;
import dev.optc.runtime.data.Dataset;
import dev.optc.runtime.data.IdxData;
import dev.optc.runtime.data.NpyData;
import java.nio.file.Files;
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
        int validation = spec.validation() >= 1 ? (int) spec.validation() : (int) Math.round(spec.validation() * data.rows());
        if (validation >= data.rows()) {
            throw error(spec, "cannot hold out " + validation + " of the " + data.rows() + " rows of " + data.name()
                    + " for validation", "hold out fewer rows");
        }
        return data.split(validation, recipe.seed());
    }

    /** The recipe's test data, or null when it has none. */
    static Dataset test(CheckedRecipe recipe, Path recipeFile, Path override) throws SourceLoader.UserError {
        return recipe.test() == null ? null : load(recipe, recipe.test(), recipeFile, override);
    }

    private static Dataset load(CheckedRecipe recipe, CheckedRecipe.DataSpec spec, Path recipeFile, Path override)
            throws SourceLoader.UserError {
        Path path = override != null ? override : resolve(recipeFile, spec.path());
        Dataset data;
        try {
            data = switch (spec.format()) {
                case "csv" -> CsvData.load(path, spec.label(), (float) spec.scale());
                case "idx" -> {
                    if (!Files.isDirectory(path)) throw missingIdx(path);
                    yield IdxData.loadDirectory(path, spec.split(), (float) spec.scale());
                }
                case "npy" -> NpyData.load(path, resolve(recipeFile, spec.labels()), (float) spec.scale());
                default -> throw new IllegalStateException(spec.format());
            };
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
        if (data.rows() == 0) throw error(spec, data.name() + " has no rows", null);
        return data;
    }

    private static SourceLoader.UserError missingIdx(Path dir) {
        return new SourceLoader.UserError(dir + ": no such directory. The Fashion-MNIST files come with Debian's package "
                + "dataset-fashion-mnist (apt-get install dataset-fashion-mnist, into /usr/share/datasets/fashion-mnist); "
                + "or give the directory that holds train-images-idx3-ubyte.gz and its siblings with --data DIR");
    }

    /** A path as the recipe wrote it, relative to the recipe's own folder; shown relative to the working directory. */
    private static Path resolve(Path recipeFile, String written) {
        Path path = Path.of(written);
        if (path.isAbsolute()) return path;
        Path absolute = recipeFile.toAbsolutePath().getParent().resolve(path).normalize();
        Path here = Path.of("").toAbsolutePath();
        return absolute.startsWith(here) ? here.relativize(absolute) : absolute;
    }

    private static SourceLoader.UserError error(CheckedRecipe.DataSpec spec, String message, String hint) {
        Diagnostic d = new Diagnostic(Severity.ERROR, spec.span(), "E070", message, hint);
        String rendered = new DiagnosticRenderer().render(d);
        return new SourceLoader.UserError(rendered.substring(0, rendered.length() - 1).replaceFirst("^", "\n"));
    }
}
