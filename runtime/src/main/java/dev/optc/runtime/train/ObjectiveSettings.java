package dev.optc.runtime.train;

/** The recipe's settings a generated minimizer was compiled with. */
public record ObjectiveSettings(String recipe, String objective, int steps, long seed, int parameterCount, double clipNorm,
                                Schedule[] schedules) {
}
