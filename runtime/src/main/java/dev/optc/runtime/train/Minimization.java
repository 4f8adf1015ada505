package dev.optc.runtime.train;

/**
 * What minimizing an objective did.
 *
 * @param values      J(θ) at each step's starting point (before the update), steps in order
 * @param finalValue  J at the final parameters (the averaged ones when the recipe averages)
 * @param parameters  the final parameters, flat
 * @param trajectory  θ at the start of every step and at the end: {@code steps + 1} rows
 * @param gradientEvaluations calls of J and ∇J the minimizer has made, this run and earlier ones
 * @param averagedTrajectory  the averaged weights θ̂ at the start and after every step ({@code steps + 1} rows) when
 *                            the recipe averages; null otherwise
 */
public record Minimization(double[] values, double finalValue, float[] parameters, float[][] trajectory,
                           long gradientEvaluations, float[][] averagedTrajectory) {
}
