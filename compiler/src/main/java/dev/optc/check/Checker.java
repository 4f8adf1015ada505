package dev.optc.check;

import dev.optc.ast.Decl;
import dev.optc.diagnostics.Diagnostics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs every check over the resolved declarations; returns the main file's recipes, checked. */
public final class Checker {

    public List<CheckedRecipe> check(Declarations declarations, Diagnostics diagnostics) {
        return check(declarations, diagnostics, null);
    }

    /** {@code source}: the file being compiled (null when it has none), where relative data paths start. */
    public List<CheckedRecipe> check(Declarations declarations, Diagnostics diagnostics, java.nio.file.Path source) {
        OptimizerChecker optimizers = new OptimizerChecker(diagnostics);
        ModelChecker modelChecker = new ModelChecker(diagnostics);
        ObjectiveChecker objectives = new ObjectiveChecker(diagnostics);
        Map<String, ModelGraph> models = new HashMap<>();
        Map<String, ObjectiveGraph> objectiveGraphs = new HashMap<>();
        for (var program : declarations.programs()) {
            for (Decl d : program.declarations()) {
                switch (d) {
                    case Decl.OptimizerDecl o -> optimizers.check(o);
                    case Decl.ModelDecl m -> {
                        ModelGraph graph = modelChecker.check(m);
                        if (graph != null) models.put(m.name().text(), graph);
                    }
                    case Decl.ObjectiveDecl o -> {
                        ObjectiveGraph graph = objectives.check(o);
                        if (graph != null) objectiveGraphs.put(o.name().text(), graph);
                    }
                    case Decl.RecipeDecl r -> {
                    }
                }
            }
        }
        RecipeChecker recipeChecker = new RecipeChecker(diagnostics, declarations, models, objectiveGraphs, source);
        List<CheckedRecipe> recipes = new ArrayList<>();
        for (Decl d : declarations.main().declarations()) {
            if (d instanceof Decl.RecipeDecl r) {
                CheckedRecipe checked = recipeChecker.check(r);
                if (checked != null) recipes.add(checked);
            }
        }
        return recipes;
    }
}
