package dev.optc.api;

import dev.optc.check.CheckedRecipe;
import dev.optc.check.Contender;
import dev.optc.check.RecipeVariants;
import dev.optc.diagnostics.Diagnostics;
import java.util.ArrayList;
import java.util.List;

/**
 * The recipes `compare = [...]` stands for, compiled: one per element, each the recipe with that element as its only
 * optimizer, through the ordinary pipeline (so each update rule gets its generated kernel, with no special case).
 */
public final class Contenders {
    private Contenders() {
    }

    /** One compiled recipe per element of the recipe's `compare`, in order; empty when it has none. */
    public static List<CompiledRecipe> of(CompiledRecipe compiled) {
        List<CompiledRecipe> out = new ArrayList<>();
        for (Contender c : compiled.recipe().contenders()) out.add(compile(RecipeVariants.with(compiled.recipe(), c)));
        return out;
    }

    /** A variant of a checked recipe: it checked, so it compiles; anything else is a bug of optc. */
    static CompiledRecipe compile(CheckedRecipe variant) {
        Diagnostics diagnostics = new Diagnostics();
        CompiledRecipe compiled = Optc.compile(variant, diagnostics, null);
        if (compiled == null || diagnostics.hasErrors()) {
            throw new IllegalStateException("a variant of the checked recipe " + variant.name() + " did not compile: " + diagnostics.sorted());
        }
        return compiled;
    }
}
