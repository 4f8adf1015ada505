package dev.optc.check;

import dev.optc.ast.Decl;
import dev.optc.ast.Identifier;
import java.util.List;

/**
 * A stage of a staged recipe as a recipe of its own, so it compiles like any other: the stage's graph, loss, update
 * rule over its trainable layers and epochs; data, batches, seed and the settings around the rule as the recipe says.
 */
public final class StageRecipes {
    private StageRecipes() {
    }

    /**
     * @param last whether it is the last stage, which keeps the recipe's early stopping and checkpoints (the others
     *             keep only its monitor)
     */
    public static CheckedRecipe variant(CheckedRecipe r, String name, ModelGraph model, CheckedRecipe.Loss loss,
                                        CheckedRecipe.OptimizerChoice optimizer, List<String> trainable, int epochs, boolean last) {
        Decl.RecipeDecl d = r.decl();
        Decl.RecipeDecl decl = new Decl.RecipeDecl(new Identifier(name, d.name().span()), d.settings(), d.span(), d.complete());
        ProgressChecker.Progress progress = last ? r.progress() : new ProgressChecker.Progress(null, 0, false, r.progress().monitor());
        return new CheckedRecipe(decl, model, null, 0, r.data(), r.test(), loss, optimizer, r.init(), r.batch(), epochs,
                r.shuffle(), r.dropLast(), r.seed(), r.around(), null, progress,
                List.of(new CheckedRecipe.OptimizerGroup(optimizer, trainable)), List.of(), null, null, null, null, List.of());
    }
}
