package dev.optc.runtime.train;

import dev.optc.runtime.solvers.SolverChoice;

/**
 * A block of block coordinate descent: tensors of an objective at {@code ranges} ([from, to) offset pairs of the flat
 * buffer), minimized for {@code steps} steps per sweep by the optimizer group of the same index, or by {@code solver}
 * (a full-batch solver restricted to the block's coordinates) when it is not null.
 */
public record ObjectiveBlock(String name, int[] ranges, int steps, SolverChoice solver) {

    /** The block's coordinates in the flat buffer, in order. */
    int[] coordinates() {
        int n = 0;
        for (int r = 0; r < ranges.length; r += 2) n += ranges[r + 1] - ranges[r];
        int[] at = new int[n];
        int k = 0;
        for (int r = 0; r < ranges.length; r += 2) for (int i = ranges[r]; i < ranges[r + 1]; i++) at[k++] = i;
        return at;
    }
}
