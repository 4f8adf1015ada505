package dev.optc.runtime.solvers;

import java.util.ArrayList;
import java.util.List;

/**
 * (Block) coordinate descent (Deep Learning §8.7.2): the coordinates are split into blocks, visited in order, over
 * and over; each visit minimizes f over that block with the others fixed, by one damped Newton step on the block
 * (see {@link NewtonDirection}: the block's Hessian from Hessian–vector products with its unit vectors, factored by
 * Cholesky, damped where it is not positive definite), backtracked to sufficient decrease (Armijo, c₁ = 10⁻⁴, halving
 * from 1). Along a block where f is a positive-definite quadratic the full step is the exact block minimum and is
 * always accepted, so each visit there is exact; elsewhere a visit is one safeguarded Newton step.
 *
 * <p>One iteration is one block visit, so a sweep over b blocks is b iterations, the trajectory shows each
 * axis-parallel move (the zig-zag of §8.7.2), and {@code maxIterations} counts visits. A visit that finds no decrease
 * leaves x where it was and still counts; a whole sweep of them stops the solver, not converged.
 */
public final class CoordinateDescent implements Minimizer {
    private final int blockSize;
    private final int[][] blocks;
    private final LineSearch lineSearch = LineSearch.armijo(LineSearch.SUFFICIENT_DECREASE, 0.5);

    /** Consecutive blocks of {@code blockSize} coordinates (the last one shorter): 1 is plain coordinate descent. */
    public CoordinateDescent(int blockSize) {
        if (blockSize < 1 || blockSize > Newton.MAX_DIMENSION) {
            throw new IllegalArgumentException("the block size must be in [1, " + Newton.MAX_DIMENSION + "], got " + blockSize);
        }
        this.blockSize = blockSize;
        this.blocks = null;
    }

    /** The given blocks, visited in this order; together they must hold every coordinate exactly once. */
    public CoordinateDescent(int[][] blocks) {
        for (int[] block : blocks) {
            if (block.length == 0 || block.length > Newton.MAX_DIMENSION) {
                throw new IllegalArgumentException("every block needs 1 to " + Newton.MAX_DIMENSION
                        + " coordinates, got one of " + block.length);
            }
        }
        this.blockSize = 0;
        this.blocks = blocks.clone();
        for (int b = 0; b < blocks.length; b++) this.blocks[b] = blocks[b].clone();
    }

    @Override
    public Result minimize(DifferentiableFunction f, double[] start, SolverSettings settings, IterationListener listener) {
        int n = f.dimension();
        int[][] partition = partition(n);
        SolverRun run = new SolverRun(settings, listener);
        double[] x = start.clone();
        double[] gradient = new double[n];
        double value = run.start(f, x, gradient);
        int visitsWithoutDecrease = 0;
        for (int b = 0; !run.done(gradient) && visitsWithoutDecrease < partition.length; b = (b + 1) % partition.length) {
            NewtonDirection.Direction newton = NewtonDirection.of(f, x, gradient, partition[b], 0);
            LineSearch.Step step = newton == null ? null
                    : lineSearch.search(f, x, value, gradient, newton.direction(), 1);
            if (step != null) run.countEvaluations(step.evaluations());
            if (step != null && step.step() > 0) {
                x = step.x();
                gradient = step.gradient();
                value = step.value();
                visitsWithoutDecrease = 0;
            } else {
                visitsWithoutDecrease++;
            }
            run.iterated(x, value);
        }
        return run.result(x, value, gradient);
    }

    private int[][] partition(int n) {
        if (blocks == null) {
            List<int[]> consecutive = new ArrayList<>();
            for (int from = 0; from < n; from += blockSize) {
                int[] block = new int[Math.min(blockSize, n - from)];
                for (int i = 0; i < block.length; i++) block[i] = from + i;
                consecutive.add(block);
            }
            return consecutive.toArray(int[][]::new);
        }
        int[] seen = new int[n];
        for (int[] block : blocks) {
            for (int i : block) {
                if (i < 0 || i >= n) throw new IllegalArgumentException("coordinate " + i + " is not in [0, " + n + ")");
                if (seen[i]++ > 0) throw new IllegalArgumentException("coordinate " + i + " is in two blocks");
            }
        }
        for (int i = 0; i < n; i++) {
            if (seen[i] == 0) throw new IllegalArgumentException("coordinate " + i + " is in no block");
        }
        return blocks;
    }
}
