package dev.optc.check;

import dev.optc.diagnostics.SourceSpan;

/**
 * `plot = trajectories("valley.svg")`: contour lines of a two-parameter objective with each optimizer's path. The file
 * is written into the run's output folder (`--out`, default `runs/<recipe>/`), beside its weights.
 */
public record TrajectoryPlot(String file, SourceSpan span) {
}
