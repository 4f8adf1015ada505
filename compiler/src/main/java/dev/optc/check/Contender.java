package dev.optc.check;

import dev.optc.diagnostics.SourceSpan;
import dev.optc.runtime.solvers.SolverChoice;

/**
 * One element of `compare = [...]`: an update rule (with the recipe's decay, clip and schedule, and its own `average:`
 * if it has one) or a full-batch solver, run on the recipe's objective from the same start.
 *
 * @param label     how the table and the plot's legend name it: its source text, `momentum(lr: 0.03, alpha: 0.9)`
 * @param optimizer the update rule, or null for a solver
 * @param solver    the solver, or null for an update rule
 * @param around    what the recipe and the element add around the update rule
 */
public record Contender(String label, CheckedRecipe.OptimizerChoice optimizer, SolverChoice solver,
                        CheckedRecipe.Around around, SourceSpan span) {
}
