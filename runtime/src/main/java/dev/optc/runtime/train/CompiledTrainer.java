package dev.optc.runtime.train;

import dev.optc.runtime.EpochReport;
import dev.optc.runtime.Evaluation;
import dev.optc.runtime.ParameterSpec;
import dev.optc.runtime.TrainListener;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.TrainResult;
import dev.optc.runtime.Trainer;
import dev.optc.runtime.checkpoint.ParameterFiles;
import dev.optc.runtime.data.DataException;
import dev.optc.runtime.data.Dataset;
import dev.optc.runtime.init.Initializers;
import dev.optc.runtime.init.Lsuv;
import dev.optc.runtime.kernels.Activations;
import dev.optc.runtime.kernels.Losses;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The training driver every generated trainer extends. The generated subclass holds the compute (forward, backward
 * and the fused update over the flat buffers, specialised to the recipe's shapes); this class holds the loop around
 * it: initialization, batching, shuffling, epochs, evaluation, checkpoints.
 *
 * <p>Determinism: initialization and shuffling draw from two generators seeded from the recipe's seed; the same seed
 * gives the same weights, bit for bit.
 */
public abstract class CompiledTrainer extends Optimizable implements Trainer {
    protected final TrainingSettings settings;
    private final List<ParameterSpec> specs;
    private final List<ParameterSpec> statisticSpecs;
    /** State of the model the optimizer does not train (batch norm's running mean and variance), flat. */
    protected final float[] statistics;
    /** Dropout's masks are drawn from this generator, seeded anew at every step from the seed and the step. */
    protected SplittableRandom dropoutRandom;
    /** The current batch: features [rows, inputWidth] and labels. */
    protected float[] input = new float[0];
    protected int[] labels = new int[0];
    /** The current batch's regression targets (a FitNets hint stage), [rows, outputWidth]; see {@link #setTargets}. */
    protected float[] targets = new float[0];
    /** The weight of the hint loss. */
    protected double targetWeight = 1.0;
    private Dataset targetRows;
    private float[] allTargets;
    private final long seed;
    private final int epochs;
    private int capacity;
    private long step;
    /** Epochs completed, over every call to fit and across a resume. */
    private int completedEpochs;
    /** Where `checkpoint = every(...)` and `best` write; null: nowhere. */
    private Path checkpointDirectory;
    /** Early stopping: the best value of the watched figure so far, and epochs since. */
    private double earlyBest = Double.NaN;
    private int earlySince;
    private boolean resumed;
    /** Training forward passes so far: PyTorch batch norm's num_batches_tracked, kept in checkpoints. */
    private long batchesTracked;
    private boolean monitorGradientNorm;
    private boolean monitorCurvature;
    /** Each training row's difficulty, for a recipe with a curriculum (see {@link #setDifficulty}). */
    private double[] difficulty;
    private double normSum;
    private long normSteps;
    /** Whether {@link #params} currently holds the averaged weights (see {@link #averagedParameters()}). */
    private float[] swappedOut;

    protected CompiledTrainer(TrainingSettings settings, ParameterSpec[] specs, ParameterSpec[] statisticSpecs,
                              TrainOptions options) {
        super(settings.parameterCount());
        this.settings = settings;
        this.specs = List.of(specs);
        this.statisticSpecs = List.of(statisticSpecs);
        int statisticCount = 0;
        for (ParameterSpec s : statisticSpecs) statisticCount = Math.max(statisticCount, s.offset() + s.size());
        this.statistics = new float[statisticCount];
        for (ParameterSpec s : statisticSpecs) Arrays.fill(statistics, s.offset(), s.offset() + s.size(), (float) s.constant());
        this.seed = options.seed() != null ? options.seed() : settings.seed();
        this.epochs = options.epochs() != null ? options.epochs() : settings.epochs();
        // Golden-ratio increments decorrelate the two streams drawn from one seed.
        SplittableRandom initRandom = new SplittableRandom(seed);
        this.dropoutRandom = new SplittableRandom(stream(DROPOUT, 0));
        for (ParameterSpec p : specs) {
            if (p.init().equals("constant")) {
                Arrays.fill(params, p.offset(), p.offset() + p.size(), (float) p.constant());
            } else {
                // Weights [out, in]; `constant` carries the initializer's parameter (orthogonal's gain, sparse's k).
                Initializers.fill(p.init(), p.constant(), params, p.offset(), p.fanOut(), p.fanIn(), initRandom);
                lsuvPending |= p.init().equals("lsuv");
            }
        }
    }

    // ---- what the generated subclass provides ----

    /** Makes room for batches of up to {@code rows} examples in every activation buffer. */
    protected abstract void allocate(int rows);

    /** Forward, loss and backward on the current batch: fills {@link #grads} and returns the batch's mean loss. */
    protected abstract double computeGradients(int rows);

    /** The forward pass in evaluation mode; the outputs are then in {@link #outputs()}. */
    protected abstract void infer(int rows);

    /** The model's output buffer, [rows, outputWidth]. */
    protected abstract float[] outputs();

    private static final long SHUFFLE = 1, DROPOUT = 2, MONITOR = 3, LSUV = 4;

    /**
     * The output buffer of the dense layer whose weight is {@code weight} (x·Wᵀ + b, before its activation), as the
     * last forward pass left it; generated trainers override this for LSUV.
     */
    protected float[] layerOutput(String weight) {
        throw new UnsupportedOperationException("this trainer exposes no layer outputs");
    }

    /** Whether some weights start by LSUV and have not been rescaled on data yet. */
    private boolean lsuvPending;

    /**
     * LSUV's rescaling ({@link Lsuv}) of the weights whose initialization is {@code lsuv}, on {@code batch} (the
     * forward pass in evaluation mode). {@code fit} calls it once, before the first step, on a minibatch of the
     * training data drawn by the seed; call it directly to choose the batch.
     */
    public List<Lsuv.Layer> initializeLsuv(Dataset batch) {
        checkShape(batch);
        int rows = batch.rows();
        ensureCapacity(rows);
        System.arraycopy(batch.features(), 0, input, 0, rows * settings.inputWidth());
        List<ParameterSpec> weights = specs.stream().filter(p -> p.init().equals("lsuv")).toList();
        List<Lsuv.Layer> layers = Lsuv.apply(weights, params, rows, new Lsuv.Network() {
            @Override
            public void forward() { infer(rows); }

            @Override
            public float[] output(String weight) { return layerOutput(weight); }
        });
        lsuvPending = false;
        return layers;
    }

    /** LSUV's minibatch: the recipe's batch size of rows (at most 256 for a full batch), drawn by the seed. */
    private Dataset lsuvBatch(Dataset train) {
        int rows = Math.min(train.rows(), settings.batch() == 0 ? 256 : settings.batch());
        int[] order = identity(train.rows());
        Dataset.shuffle(order, new SplittableRandom(stream(LSUV, 0)));
        return train.subset(Arrays.copyOf(order, rows), train.name() + " (LSUV batch)");
    }

    /**
     * The seed of one random stream: shuffling for an epoch, dropout for a step. Each is derived from the recipe's seed
     * and its position alone, so a run resumed from a checkpoint draws exactly what the uninterrupted run drew.
     */
    private long stream(long kind, long position) {
        return new SplittableRandom(seed ^ (kind * 0x9E3779B97F4A7C15L)).split().nextLong() + position * 0xBF58476D1CE4E5B9L;
    }

    // ---- the loop ----

    @Override
    public TrainResult fit(Dataset train, Dataset validation, TrainListener listener) {
        checkShape(train);
        if (validation != null) checkShape(validation);
        if (lsuvPending && step == 0) initializeLsuv(lsuvBatch(train));
        int n = train.rows();
        int batch = settings.batch() == 0 ? n : Math.min(settings.batch(), n);
        ensureCapacity(batch);
        int[] order = new int[n];
        int batchesPerEpoch = settings.dropLast() ? n / batch : (n + batch - 1) / batch;
        int accumulate = Math.max(1, settings.accumulate());
        long stepsPerEpoch = Math.max(1, (batchesPerEpoch + accumulate - 1) / accumulate);
        Schedule[] schedules = settings.schedules();
        double[] initial = scheduleStart(schedules);
        startAverage(step);
        float[] accumulated = accumulate > 1 ? new float[grads.length] : null;
        EarlyStopping stop = settings.stop();
        Snapshot best = null;
        int bestEpoch = 0;
        boolean stoppedEarly = false;
        // A resumed run trains up to its recipe's epochs; otherwise every fit trains that many more.
        int lastEpoch = resumed ? Math.max(completedEpochs, epochs) : completedEpochs + epochs;
        resumed = false;
        if (settings.solver() != null) {
            return new FullBatchSolve(this, train).fit(validation, listener, completedEpochs + 1, lastEpoch - completedEpochs);
        }
        List<EpochReport> reports = new ArrayList<>();
        CurriculumSampler curriculum = curriculumFor(n);
        ConditioningMonitor conditioning = monitorCurvature ? ConditioningMonitor.of(n, settings.batch(), stream(MONITOR, 0)) : null;
        while (completedEpochs < lastEpoch) {
            int epoch = completedEpochs + 1;
            long start = System.nanoTime();
            if (curriculum != null) {
                curriculum.fill(order, epoch, new SplittableRandom(stream(SHUFFLE, epoch)));
            } else {
                for (int i = 0; i < n; i++) order[i] = i;
                if (settings.shuffle()) Dataset.shuffle(order, new SplittableRandom(stream(SHUFFLE, epoch)));
            }
            double lossSum = 0;
            int seen = 0;
            int pending = 0;
            for (int b = 0; b < batchesPerEpoch; b++) {
                int from = b * batch;
                int rows = Math.min(batch, n - from);
                if (pending == 0) {
                    // A new step begins: its hyperparameters, then (for rules that have one) the lookahead.
                    for (int s = 0; s < schedules.length; s++) {
                        setHyperparameter(schedules[s].hyperparameter(),
                                schedules[s].value(initial[s], step, schedules[s].spanInSteps(stepsPerEpoch)));
                    }
                    lookahead(step + 1);
                }
                dropoutRandom = new SplittableRandom(stream(DROPOUT, step * accumulate + pending));
                gather(train, order, from, rows);
                double loss = computeGradients(rows);
                batchesTracked++;
                if (!Double.isFinite(loss)) {
                    throw new TrainingDiverged("the loss became " + loss + " at epoch " + epoch + ", step " + (step + 1)
                            + "; lower the learning rate or clip the gradients");
                }
                lossSum += loss * rows;
                seen += rows;
                listener.batchEnded(epoch, lastEpoch, b + 1, batchesPerEpoch, lossSum / seen, (System.nanoTime() - start) / 1e9);
                if (accumulated != null) {
                    for (int i = 0; i < grads.length; i++) accumulated[i] += grads[i];
                    if (++pending < accumulate && b + 1 < batchesPerEpoch) continue;
                    float inverse = 1f / pending;
                    for (int i = 0; i < grads.length; i++) {
                        grads[i] = accumulated[i] * inverse;
                        accumulated[i] = 0f;
                    }
                    pending = 0;
                }
                takeStep();
            }
            completedEpochs = epoch;
            double trainLoss = seen == 0 ? Double.NaN : lossSum / seen;
            Evaluation v = validation == null ? null : evaluate(validation);
            double lr = hyperparameterNames().contains("lr") ? hyperparameter("lr") : Double.NaN;
            dev.optc.runtime.Curvature curvature = conditioning == null ? null
                    : conditioning.measure(this, train, stream(MONITOR, epoch), lr);
            EpochReport report = new EpochReport(epoch, lastEpoch, trainLoss,
                    v == null ? Double.NaN : v.loss(), v == null ? Double.NaN : v.accuracy(),
                    (System.nanoTime() - start) / 1e9, step, lr, normSteps == 0 ? Double.NaN : normSum / normSteps, curvature);
            normSum = 0;
            normSteps = 0;
            reports.add(report);
            boolean improved = v != null && earlyImproves(v.loss());
            if (stop != null) {
                double watched = switch (stop.watch()) {
                    case "validation.accuracy" -> v == null ? Double.NaN : v.accuracy();
                    case "train.loss" -> trainLoss;
                    default -> v == null ? Double.NaN : v.loss();
                };
                if (stop.improves(watched, earlyBest)) {
                    earlyBest = watched;
                    earlySince = 0;
                    best = new Snapshot(evaluationWeights().clone(), statistics.clone());
                    bestEpoch = epoch;
                } else {
                    earlySince++;
                }
            }
            writeCheckpoints(epoch, improved);
            listener.epochEnded(report);
            if (stop != null && earlySince >= stop.patience()) {
                stoppedEarly = true;
                break;
            }
        }
        if (best != null) restore(best);
        gradientScale = 1.0;
        return new TrainResult(List.copyOf(reports), best != null ? bestEpoch : completedEpochs, stoppedEarly);
    }

    /** For {@link FullBatchSolve}: the mean loss over the given rows of {@code data} as one batch, gradient in {@link #grads}. */
    double fullBatchGradients(Dataset data, int[] rows) {
        ensureCapacity(rows.length);
        gather(data, rows, 0, rows.length);
        batchesTracked++;
        return computeGradients(rows.length);
    }

    /** For {@link FullBatchSolve}: one solver iteration counts as a step and an epoch. */
    void solverIterated() {
        step++;
        completedEpochs++;
    }

    /** Weights and statistics at one epoch, kept to be restored when early stopping ends training. */
    private record Snapshot(float[] weights, float[] statistics) {
    }

    /** The weights evaluation uses: the averaged ones when the recipe averages. */
    private float[] evaluationWeights() {
        float[] averaged = step > 0 ? averagedParameters() : null;
        return averaged != null ? averaged : params;
    }

    private void restore(Snapshot s) {
        System.arraycopy(s.weights(), 0, params, 0, params.length);
        float[] averaged = averagedParameters();
        if (averaged != null) System.arraycopy(s.weights(), 0, averaged, 0, averaged.length);
        System.arraycopy(s.statistics(), 0, statistics, 0, statistics.length);
    }

    /** For `checkpoint = best`: the best validation loss seen, tracked apart from early stopping's watch. */
    private double bestValidationLoss = Double.NaN;

    private boolean earlyImproves(double validationLoss) {
        if (Double.isNaN(validationLoss) || !(Double.isNaN(bestValidationLoss) || validationLoss < bestValidationLoss)) return false;
        bestValidationLoss = validationLoss;
        return true;
    }

    private void writeCheckpoints(int epoch, boolean improved) {
        if (checkpointDirectory == null) return;
        try {
            if (settings.checkpointEvery() > 0 && epoch % settings.checkpointEvery() == 0) {
                saveCheckpoint(checkpointDirectory.resolve("checkpoint.safetensors"));
            }
            if (settings.checkpointBest() && improved) save(checkpointDirectory.resolve("best.safetensors"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write a checkpoint into " + checkpointDirectory + ": " + e.getMessage(), e);
        }
    }

    /** Where `checkpoint = every(...)` and `best` write during {@code fit}. */
    public void setCheckpointDirectory(Path directory) {
        this.checkpointDirectory = directory;
    }

    /** Epochs completed so far (over every fit, and before a resume). */
    public int completedEpochs() {
        return completedEpochs;
    }

    /** Everything needed to continue training exactly: weights, statistics, optimizer state and progress. */
    public void saveCheckpoint(Path file) throws IOException {
        Map<String, Double> hypers = new java.util.LinkedHashMap<>();
        for (String h : hyperparameterNames()) hypers.put(h, hyperparameter(h));
        TrainingCheckpoint.write(file, settings.recipe(), optimizerRule(), specs, params, statisticSpecs, statistics,
                optimizerStateNames(), optimizerStates(),
                new TrainingCheckpoint.Progress(step, completedEpochs, recordedScheduleStart(), earlyBest, earlySince, hypers,
                        batchesTracked));
    }

    /** Continues from a checkpoint of the same recipe: {@code fit} then runs the epochs that remain. */
    public void resume(Path file) throws IOException {
        TrainingCheckpoint.Progress p = TrainingCheckpoint.read(file, settings.recipe(), optimizerRule(), specs, params,
                statisticSpecs, statistics, optimizerStateNames(), optimizerStates(), settings.schedules().length);
        step = p.step();
        completedEpochs = p.epoch();
        resumed = true;
        lsuvPending = false;
        earlyBest = p.earlyBest();
        earlySince = p.earlySince();
        batchesTracked = Math.max(0, p.batchesTracked());
        if (p.scheduleStart() != null && step > 0) restoreScheduleStart(p.scheduleStart());
        p.hyperparameters().forEach((name, value) -> {
            if (hyperparameterNames().contains(name)) setHyperparameter(name, value);
        });
    }

    /** One update from the gradient in {@link #grads}: clipping's scale, then the fused rule. */
    private void takeStep() {
        step++;
        clipGradientNorm(settings.clipNorm());
        if (monitorGradientNorm) {
            normSum += Math.sqrt(dev.optc.runtime.kernels.Reductions.sumOfSquares(grads));
            normSteps++;
        }
        update(step);
    }

    /**
     * Whether every epoch ends with the ill-conditioning diagnostic of 8.2.1 (three gradients on a monitoring batch;
     * see {@link ConditioningMonitor}); training is the same, bit for bit, either way.
     */
    public void monitorCurvature(boolean on) {
        this.monitorCurvature = on;
    }

    /**
     * The difficulty of every training row, in the order of the rows {@code fit} will get, for a recipe with a
     * curriculum: lower is easier. {@link CurriculumData} computes them from the recipe's score.
     */
    public void setDifficulty(double[] scores) {
        this.difficulty = scores == null ? null : scores.clone();
    }

    private CurriculumSampler curriculumFor(int rows) {
        CurriculumPlan plan = settings.curriculum();
        if (plan == null) return null;
        if (difficulty == null || difficulty.length != rows) {
            throw new IllegalStateException("recipe " + settings.recipe() + " has a curriculum: give the difficulty of each of its "
                    + rows + " training rows with setDifficulty (CurriculumData computes them from the recipe's score)"
                    + (difficulty == null ? "" : "; got " + difficulty.length));
        }
        return new CurriculumSampler(plan, difficulty);
    }

    /** Whether each step measures the global gradient norm for the epoch's report (one more pass over g). */
    public void monitorGradientNorm(boolean on) {
        this.monitorGradientNorm = on;
    }

    @Override
    public Evaluation evaluate(Dataset data) {
        checkShape(data);
        useAveragedWeights(true);
        try {
            return evaluateCurrent(data);
        } finally {
            useAveragedWeights(false);
        }
    }

    /**
     * Swaps the averaged weights into {@link #params} for evaluation (on) and back (off); nothing happens for
     * recipes that do not average.
     */
    private void useAveragedWeights(boolean on) {
        float[] averaged = averagedParameters();
        if (averaged == null || step == 0) return;
        if (on) {
            swappedOut = params.clone();
            System.arraycopy(averaged, 0, params, 0, params.length);
        } else if (swappedOut != null) {
            System.arraycopy(swappedOut, 0, params, 0, params.length);
            swappedOut = null;
        }
    }

    private Evaluation evaluateCurrent(Dataset data) {
        int chunk = chunk(data.rows());
        ensureCapacity(chunk);
        double lossSum = 0;
        int correct = 0;
        int width = settings.outputWidth();
        int[] all = identity(data.rows());
        for (int from = 0; from < data.rows(); from += chunk) {
            int rows = Math.min(chunk, data.rows() - from);
            gather(data, all, from, rows);
            infer(rows);
            float[] out = outputs();
            lossSum += loss(out, rows) * rows;
            for (int r = 0; r < rows; r++) if (Losses.predictedClass(settings.loss(), out, r, width) == labels[r]) correct++;
        }
        return new Evaluation(lossSum / data.rows(), (double) correct / data.rows(), data.rows());
    }

    @Override
    public float[] predict(float[] features, int rows) {
        int inWidth = settings.inputWidth();
        if (features.length != rows * inWidth) {
            throw new IllegalArgumentException(features.length + " features for " + rows + " rows of width " + inWidth);
        }
        useAveragedWeights(true);
        try {
            return predictCurrent(features, rows);
        } finally {
            useAveragedWeights(false);
        }
    }

    private float[] predictCurrent(float[] features, int rows) {
        int inWidth = settings.inputWidth();
        int chunk = chunk(rows);
        ensureCapacity(chunk);
        int width = settings.outputWidth();
        float[] result = new float[rows * width];
        for (int from = 0; from < rows; from += chunk) {
            int count = Math.min(chunk, rows - from);
            System.arraycopy(features, from * inWidth, input, 0, count * inWidth);
            infer(count);
            float[] out = outputs();
            if (settings.loss().equals("softmax_cross_entropy")) {
                float[] probabilities = new float[count * width];
                Activations.softmax(out, probabilities, count, width);
                System.arraycopy(probabilities, 0, result, from * width, count * width);
            } else {
                System.arraycopy(out, 0, result, from * width, count * width);
            }
        }
        return result;
    }

    private double loss(float[] out, int rows) {
        return Losses.of(settings.loss(), out, labels, rows, settings.outputWidth(), null);
    }

    private int chunk(int rows) {
        return Math.max(1, Math.min(rows, Math.max(capacity, settings.batch() == 0 ? 256 : settings.batch())));
    }

    /** The most rows the activation buffers hold now. */
    int capacity() {
        return capacity;
    }

    /**
     * Buffers for exactly {@code rows} rows again, after a larger batch (the curvature monitor's): evaluation works in
     * chunks of the capacity, so leaving it grown would regroup its sums.
     */
    void restoreCapacity(int rows) {
        if (rows == capacity) return;
        capacity = 0;
        ensureCapacity(rows);
    }

    void ensureCapacity(int rows) {
        if (rows <= capacity) return;
        capacity = rows;
        input = new float[rows * settings.inputWidth()];
        labels = new int[rows];
        targets = new float[rows * settings.outputWidth()];
        allocate(rows);
    }

    private void gather(Dataset data, int[] order, int from, int rows) {
        int width = data.width();
        float[] features = data.features();
        int[] dataLabels = data.labels();
        for (int r = 0; r < rows; r++) {
            int row = order[from + r];
            System.arraycopy(features, row * width, input, r * width, width);
            labels[r] = dataLabels[row];
        }
        if (data == targetRows) {
            int w = settings.outputWidth();
            for (int r = 0; r < rows; r++) System.arraycopy(allTargets, order[from + r] * w, targets, r * w, w);
        }
    }

    private void checkShape(Dataset data) {
        if (data.width() != settings.inputWidth()) {
            throw new DataException(data.name() + ": rows have " + data.width() + " features, but the model's input takes "
                    + settings.inputWidth());
        }
        // One sigmoid output trained by binary cross-entropy takes labels 0 and 1.
        int classes = settings.outputWidth() == 1 && settings.loss().equals("binary_cross_entropy") ? 2 : settings.outputWidth();
        if (data.classes() > classes) {
            throw new DataException(data.name() + ": labels go up to " + (data.classes() - 1) + ", but the model has "
                    + settings.outputWidth() + " output" + (classes == 2 ? " (labels 0 and 1)" : "s"));
        }
    }

    private static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        return order;
    }

    /** The settings the recipe was compiled with (its data sources among them). */
    public TrainingSettings settings() { return settings; }

    // ---- parameters and checkpoints ----

    @Override
    public String recipeName() { return settings.recipe(); }

    @Override
    public int inputWidth() { return settings.inputWidth(); }

    @Override
    public int outputWidth() { return settings.outputWidth(); }

    @Override
    public List<ParameterSpec> parameters() { return specs; }

    /** The model's statistics (running means and variances), at their offsets in {@link #statistics}. */
    public List<ParameterSpec> statisticSpecs() { return statisticSpecs; }

    /** Steps taken so far. */
    public long step() { return step; }

    @Override
    public float[] parameter(String name) {
        ParameterSpec p = spec(name);
        return Arrays.copyOfRange(params, p.offset(), p.offset() + p.size());
    }

    @Override
    public void setParameter(String name, float[] values) {
        ParameterSpec p = spec(name);
        if (values.length != p.size()) {
            throw new IllegalArgumentException(name + " holds " + p.size() + " values, not " + values.length);
        }
        System.arraycopy(values, 0, params, p.offset(), p.size());
        // New weights start a new average: θ̂ = θ for that tensor.
        float[] averaged = averagedParameters();
        if (averaged != null) System.arraycopy(values, 0, averaged, p.offset(), p.size());
    }

    private ParameterSpec spec(String name) {
        for (ParameterSpec p : specs) if (p.name().equals(name)) return p;
        throw new IllegalArgumentException("no parameter named " + name + "; the parameters are "
                + specs.stream().map(ParameterSpec::name).toList());
    }

    /** The weights, averaged ones when the recipe averages. */
    @Override
    public void save(Path file) throws IOException {
        float[] averaged = step > 0 ? averagedParameters() : null;
        ParameterFiles.write(file, specs, averaged != null ? averaged : params, statisticSpecs, statistics,
                settings.recipe(), step, batchesTracked);
    }

    @Override
    public void load(Path file) throws IOException {
        long tracked = ParameterFiles.read(file, specs, params, statisticSpecs, statistics);
        if (tracked >= 0) batchesTracked = tracked;
        lsuvPending = false;
        float[] averaged = averagedParameters();
        if (averaged != null) System.arraycopy(params, 0, averaged, 0, params.length);
    }

    // ---- what stages need: targets, and tensors by name ----

    /**
     * For a program whose loss regresses targets (a hint stage): {@code perRow} holds {@code outputWidth} targets for
     * each row of {@code rows}, the dataset {@code fit} is then given; {@code weight} scales the loss.
     */
    public void setTargets(Dataset rows, float[] perRow, double weight) {
        if (perRow.length != rows.rows() * settings.outputWidth()) {
            throw new IllegalArgumentException(perRow.length + " targets for " + rows.rows() + " rows of width " + settings.outputWidth());
        }
        this.targetRows = rows;
        this.allTargets = perRow;
        this.targetWeight = weight;
    }

    /** Every tensor as {@link #save} writes it (averaged weights when the recipe averages, then the statistics). */
    public Map<String, dev.optc.runtime.checkpoint.Tensor> tensors() {
        Map<String, dev.optc.runtime.checkpoint.Tensor> out = new java.util.LinkedHashMap<>();
        float[] weights = evaluationWeights();
        for (ParameterSpec p : specs) {
            out.put(p.name(), new dev.optc.runtime.checkpoint.Tensor(p.shape(), Arrays.copyOfRange(weights, p.offset(), p.offset() + p.size())));
        }
        for (ParameterSpec s : statisticSpecs) {
            out.put(s.name(), new dev.optc.runtime.checkpoint.Tensor(s.shape(), Arrays.copyOfRange(statistics, s.offset(), s.offset() + s.size())));
        }
        return out;
    }

    /** Sets a parameter or a statistic by name; false when the model has no tensor of that name. */
    public boolean setTensor(String name, float[] values) {
        for (ParameterSpec s : statisticSpecs) {
            if (s.name().equals(name)) {
                System.arraycopy(values, 0, statistics, s.offset(), s.size());
                return true;
            }
        }
        for (ParameterSpec p : specs) {
            if (p.name().equals(name)) {
                setParameter(name, values);
                return true;
            }
        }
        return false;
    }

    /** The shapes of every parameter and statistic, by name. */
    public Map<String, int[]> tensorShapes() {
        Map<String, int[]> out = new java.util.LinkedHashMap<>();
        for (ParameterSpec p : specs) out.put(p.name(), p.shape());
        for (ParameterSpec s : statisticSpecs) out.put(s.name(), s.shape());
        return out;
    }
}
