package dev.optc.runtime.train;

import dev.optc.runtime.solvers.DifferentiableFunction;
import dev.optc.runtime.solvers.IterationListener;
import dev.optc.runtime.solvers.Minimizer;
import dev.optc.runtime.solvers.SolverSettings;

/**
 * Block coordinate descent (Deep Learning §8.7.2): every sweep minimizes the objective over each block in turn, the
 * other blocks held fixed. A block with an update rule takes its steps with its own optimizer group (only that group's
 * update runs, with its own step count t for bias corrections and the like); a block with a full-batch solver runs it
 * on J restricted to the block's coordinates, for at most its steps iterations. After each sweep the listener hears J.
 */
final class BlockCoordinateDescent {
    private final CompiledObjective objective;
    private final ObjectiveBlock[] blocks;

    BlockCoordinateDescent(CompiledObjective objective, ObjectiveBlock[] blocks) {
        this.objective = objective;
        this.blocks = blocks;
    }

    /** Calls of ∇J so far, by every block's rule or solver. */
    private long gradientEvaluations;

    Minimization run(int sweeps, CompiledObjective.StepListener listener) {
        long[] t = new long[blocks.length];
        double[] values = new double[sweeps];
        float[][] trajectory = new float[sweeps + 1][];
        trajectory[0] = objective.params.clone();
        for (int s = 1; s <= sweeps; s++) {
            for (int b = 0; b < blocks.length; b++) {
                if (blocks[b].solver() != null) solve(blocks[b]);
                else t[b] = descend(b, t[b]);
            }
            double j = objective.value();
            if (!Double.isFinite(j)) {
                throw new TrainingDiverged("the objective became " + j + " in sweep " + s + "; lower a block's learning rate");
            }
            values[s - 1] = j;
            trajectory[s] = objective.params.clone();
            listener.stepped(s, j);
        }
        return new Minimization(values, objective.value(), objective.params.clone(), trajectory, gradientEvaluations, null);
    }

    /** The block's update rule for its steps; returns its step count. */
    private long descend(int b, long t) {
        objective.activeGroup = b;
        try {
            for (int k = 0; k < blocks[b].steps(); k++) {
                t++;
                objective.lookahead(t);
                double j = objective.computeGradients();
                gradientEvaluations++;
                if (!Double.isFinite(j)) {
                    throw new TrainingDiverged("the objective became " + j + " at step " + t + " of block " + blocks[b].name()
                            + "; lower its learning rate");
                }
                objective.update(t);
            }
        } finally {
            objective.activeGroup = -1;
        }
        return t;
    }

    /** The block's solver on J restricted to its coordinates, the others fixed. */
    private void solve(ObjectiveBlock block) {
        int[] at = block.coordinates();
        float[] params = objective.params, grads = objective.grads;
        DifferentiableFunction restricted = new DifferentiableFunction() {
            @Override
            public int dimension() { return at.length; }

            @Override
            public double valueAndGradient(double[] x, double[] gradient) {
                for (int i = 0; i < at.length; i++) params[at[i]] = (float) x[i];
                double value = objective.computeGradients();
                gradientEvaluations++;
                for (int i = 0; i < at.length; i++) gradient[i] = grads[at[i]];
                return value;
            }

            @Override
            public void hessianVectorProduct(double[] x, double[] v, double[] out) {
                DifferentiableFunction.centralDifferenceHessianVectorProduct(this, x, v, out, Math.ulp(1f));
            }
        };
        double[] start = new double[at.length];
        for (int i = 0; i < at.length; i++) start[i] = params[at[i]];
        Minimizer.Result result = block.solver().minimizer().minimize(restricted, start,
                SolverSettings.of(block.solver().tolerance(), block.steps()), IterationListener.NONE);
        for (int i = 0; i < at.length; i++) params[at[i]] = (float) result.x()[i];
    }
}
