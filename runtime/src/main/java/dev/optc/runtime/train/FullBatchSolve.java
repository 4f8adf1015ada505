package dev.optc.runtime.train;

import dev.optc.runtime.EpochReport;
import dev.optc.runtime.Evaluation;
import dev.optc.runtime.TrainListener;
import dev.optc.runtime.TrainResult;
import dev.optc.runtime.data.Dataset;
import dev.optc.runtime.solvers.Minimizer;
import dev.optc.runtime.solvers.SolverChoice;
import dev.optc.runtime.solvers.SolverSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * Training a model by a full-batch solver (8.6): the solver minimizes the mean training loss over every training row,
 * a deterministic function of the flat parameter vector (the checker refuses dropout), computed by the generated
 * trainer's forward and backward pass on one batch that holds the whole split. Each solver iteration is reported as an
 * epoch: its train loss is the full-batch loss at the new iterate, then the validation loss and accuracy there.
 */
final class FullBatchSolve {
    private final CompiledTrainer trainer;
    private final Dataset train;
    private final int[] rows;

    FullBatchSolve(CompiledTrainer trainer, Dataset train) {
        this.trainer = trainer;
        this.train = train;
        this.rows = new int[train.rows()];
        for (int i = 0; i < rows.length; i++) rows[i] = i;
    }

    /** Runs at most {@code iterations} iterations of the recipe's solver, numbering epochs after {@code firstEpoch − 1}. */
    TrainResult fit(Dataset validation, TrainListener listener, int firstEpoch, int iterations) {
        SolverChoice choice = trainer.settings().solver();
        // Evaluation reuses the input buffer, so every evaluation of the loss gathers the training rows again.
        FloatParameterFunction function = new FloatParameterFunction(trainer.params, trainer.grads,
                () -> trainer.fullBatchGradients(train, rows));
        List<EpochReport> reports = new ArrayList<>();
        int lastEpoch = firstEpoch + iterations - 1;
        long[] started = {System.nanoTime()};
        Minimizer.Result result = choice.minimizer().minimize(function, FloatParameterFunction.start(trainer.params),
                new SolverSettings(choice.tolerance(), iterations, false), (iteration, x, value) -> {
                    if (iteration == 0) return;
                    if (!Double.isFinite(value)) {
                        throw new TrainingDiverged("the loss became " + value + " at iteration " + iteration + " of " + choice.kind());
                    }
                    FloatParameterFunction.store(x, trainer.params);
                    trainer.solverIterated();
                    Evaluation v = validation == null ? null : trainer.evaluate(validation);
                    EpochReport report = new EpochReport(firstEpoch + iteration - 1, lastEpoch, value,
                            v == null ? Double.NaN : v.loss(), v == null ? Double.NaN : v.accuracy(),
                            (System.nanoTime() - started[0]) / 1e9, trainer.step(), Double.NaN, Double.NaN, null);
                    reports.add(report);
                    listener.epochEnded(report);
                    started[0] = System.nanoTime();
                });
        FloatParameterFunction.store(result.x(), trainer.params);
        return new TrainResult(List.copyOf(reports), trainer.completedEpochs(), false);
    }
}
