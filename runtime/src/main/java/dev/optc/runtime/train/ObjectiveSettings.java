package dev.optc.runtime.train;

/**
 * The recipe's settings a generated minimizer was compiled with.
 *
 * @param solver a full-batch solver that replaces the update rule, or null
 */
public record ObjectiveSettings(String recipe, String objective, int steps, long seed, int parameterCount, double clipNorm,
                                Schedule[] schedules, dev.optc.runtime.solvers.SolverChoice solver) {
}
