package dev.optc.check;

import dev.optc.ast.Decl;
import dev.optc.ast.Expr;
import dev.optc.diagnostics.Diagnostics;
import dev.optc.runtime.data.DataException;
import dev.optc.runtime.data.DataSource;
import dev.optc.runtime.data.Dataset;
import dev.optc.runtime.data.ObjectiveData;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data inputs a recipe gives an objective over data: {@code objective = sparse_coding(X: csv("patches.csv"))}.
 *
 * <p>The compiler reads each file when it checks the recipe, so the dimensions that come from the data (X's, and the
 * names such as {@code n} in {@code H: [16, n]} that meet them) are numbers by the time the objective is lowered: the
 * generated minimizer has static shapes like any other, and loads the values once, whole, when it is created. The
 * price: compiled code is specialised to the file's shape; a file of another shape at run time is refused with a
 * message that says to compile again.
 */
final class DataInputs {
    /** One data input: its source (path resolved against the recipe's folder) and its shape [features, examples]. */
    record Input(DataSource source, int[] shape) {
    }

    private final Diagnostics diagnostics;
    private final Path base;

    DataInputs(Diagnostics diagnostics, Path base) {
        this.diagnostics = diagnostics;
        this.base = base;
    }

    /** The names of the objective's data inputs, in declaration order. */
    static List<String> names(Decl.ObjectiveDecl decl) {
        return decl.params().stream().filter(p -> p.type() instanceof Expr.Name t && t.name().equals("data"))
                .map(p -> p.name().text()).toList();
    }

    /** Every data input the call gives, read; null after an error (reported). */
    Map<String, Input> read(Decl.ObjectiveDecl decl, Expr value) {
        List<String> names = names(decl);
        Map<String, Input> inputs = new LinkedHashMap<>();
        Expr.Call call = value instanceof Expr.Call c ? c : null;
        boolean ok = true;
        for (String name : names) {
            Expr.Argument given = call == null ? null : call.arguments().stream()
                    .filter(a -> a.name() != null && a.name().text().equals(name)).findFirst().orElse(null);
            if (given == null) {
                diagnostics.error(value.span(), "E074", "objective `" + decl.name().text() + "` reads data `" + name + "`, which the recipe does not give",
                        "give it as `" + decl.name().text() + "(" + name + ": csv(\"examples.csv\"))`; each example is one column of " + name);
                ok = false;
                continue;
            }
            CheckedRecipe.DataSpec spec = new DataSourceChecker(diagnostics).check(given.value(), false);
            if (spec == null) {
                ok = false;
                continue;
            }
            DataSource written = spec.source();
            DataSource source = new DataSource(written.format(), DataSource.resolve(base, written.path()).toString(),
                    written.labels() == null ? null : DataSource.resolve(base, written.labels()).toString(),
                    written.label(), written.split(), written.scale(), 0);
            try {
                Dataset examples = ObjectiveData.examples(source, Path.of(""));
                inputs.put(name, new Input(source, new int[] {examples.width(), examples.rows()}));
            } catch (DataException | IllegalArgumentException e) {
                // the file as written, not as resolved: the message is the same wherever optc runs
                String why = e.getMessage().startsWith(source.path() + ": ") ? e.getMessage().substring(source.path().length() + 2) : e.getMessage();
                diagnostics.error(given.value().span(), "E074", "cannot read the data of `" + name + "` from `" + written.path() + "`: " + why,
                        "the compiler reads it to learn its shape; paths are relative to the recipe file");
                ok = false;
            }
        }
        return ok ? inputs : null;
    }
}
