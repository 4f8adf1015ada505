package dev.optc.runtime.train;

/**
 * The recipe's settings a generated trainer was compiled with.
 *
 * @param loss       {@code softmax_cross_entropy}, {@code cross_entropy}, {@code binary_cross_entropy}, {@code mse} or {@code l1}
 * @param batch      examples per step; 0 means the whole training set (full batch)
 * @param clipNorm   the largest global gradient norm before the gradient is scaled down; 0 for no clipping
 * @param accumulate how many batches' gradients are averaged into one step
 * @param schedules  the hyperparameters that change over training, and how
 * @param data       where the training examples come from
 * @param test       where the test examples come from; null when the recipe has none
 * @param checkpointEvery write a full checkpoint every this many epochs (0: never)
 * @param checkpointBest  write the best weights (by validation loss) whenever they improve
 * @param stop       early stopping, or null
 * @param curriculum the order of examples by difficulty (8.7.6), or null
 * @param solver     a full-batch solver (8.6) that minimizes the loss over the whole training split instead of the
 *                   update rule, one iteration per epoch; or null
 */
public record TrainingSettings(String recipe, int inputWidth, int outputWidth, String loss, int batch, int epochs,
                               boolean shuffle, boolean dropLast, long seed, int parameterCount, double clipNorm,
                               int accumulate, Schedule[] schedules, dev.optc.runtime.data.DataSource data,
                               dev.optc.runtime.data.DataSource test, int checkpointEvery, boolean checkpointBest,
                               EarlyStopping stop, CurriculumPlan curriculum, dev.optc.runtime.solvers.SolverChoice solver) {

    /** Settings without a full-batch solver. */
    public TrainingSettings(String recipe, int inputWidth, int outputWidth, String loss, int batch, int epochs,
                            boolean shuffle, boolean dropLast, long seed, int parameterCount, double clipNorm,
                            int accumulate, Schedule[] schedules, dev.optc.runtime.data.DataSource data,
                            dev.optc.runtime.data.DataSource test, int checkpointEvery, boolean checkpointBest,
                            EarlyStopping stop, CurriculumPlan curriculum) {
        this(recipe, inputWidth, outputWidth, loss, batch, epochs, shuffle, dropLast, seed, parameterCount, clipNorm,
                accumulate, schedules, data, test, checkpointEvery, checkpointBest, stop, curriculum, null);
    }

    /** Settings without a curriculum. */
    public TrainingSettings(String recipe, int inputWidth, int outputWidth, String loss, int batch, int epochs,
                            boolean shuffle, boolean dropLast, long seed, int parameterCount, double clipNorm,
                            int accumulate, Schedule[] schedules, dev.optc.runtime.data.DataSource data,
                            dev.optc.runtime.data.DataSource test, int checkpointEvery, boolean checkpointBest,
                            EarlyStopping stop) {
        this(recipe, inputWidth, outputWidth, loss, batch, epochs, shuffle, dropLast, seed, parameterCount, clipNorm,
                accumulate, schedules, data, test, checkpointEvery, checkpointBest, stop, null, null);
    }
}
