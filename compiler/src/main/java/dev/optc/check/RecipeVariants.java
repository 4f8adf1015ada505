package dev.optc.check;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recipes a comparison or a continuation runs, derived from a checked one: the same objective, start and steps with
 * another optimizer, or with another value of an objective's hyperparameter. Each compiles through the ordinary
 * pipeline, so nothing downstream knows it was derived.
 */
public final class RecipeVariants {
    private RecipeVariants() {
    }

    /** The recipe with the contender as its only optimizer, for every layer of a model (and no comparison left). */
    public static CheckedRecipe with(CheckedRecipe r, Contender c) {
        List<CheckedRecipe.OptimizerGroup> groups = c.optimizer() == null ? List.of()
                : List.of(new CheckedRecipe.OptimizerGroup(c.optimizer(), r.model() == null ? List.of() : RecipeChecker.layerNames(r.model())));
        return copy(r, r.objective(), c.optimizer(), c.solver(), c.around(), groups);
    }

    /** The recipe with one of its objective's hyperparameters set to {@code value}. */
    public static CheckedRecipe withObjectiveValue(CheckedRecipe r, String hyperparameter, double value) {
        Map<String, Double> values = new LinkedHashMap<>(r.objective().hyperparameters());
        values.put(hyperparameter, value);
        CheckedRecipe.ObjectiveChoice objective = new CheckedRecipe.ObjectiveChoice(r.objective().graph(), values, r.objective().span());
        return copy(r, objective, r.optimizer(), r.solver(), r.around(), r.optimizerGroups());
    }

    private static CheckedRecipe copy(CheckedRecipe r, CheckedRecipe.ObjectiveChoice objective, CheckedRecipe.OptimizerChoice optimizer,
                                      dev.optc.runtime.solvers.SolverChoice solver, CheckedRecipe.Around around,
                                      List<CheckedRecipe.OptimizerGroup> groups) {
        return new CheckedRecipe(r.decl(), r.model(), objective, r.steps(), r.data(), r.test(), r.loss(), optimizer, r.init(),
                r.batch(), r.epochs(), r.shuffle(), r.dropLast(), r.seed(), around, solver, r.progress(), groups,
                List.of(), r.plot(), r.continuation(), r.stages(), r.curriculum(), r.blocks());
    }
}
