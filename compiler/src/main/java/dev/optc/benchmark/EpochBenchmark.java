package dev.optc.benchmark;

import dev.optc.runtime.TrainListener;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.TrainResult;
import dev.optc.runtime.Trainer;
import dev.optc.runtime.data.Dataset;
import dev.optc.runtime.train.TrainingDiverged;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One training epoch of the recipe, as {@code optc train} runs it (batching, shuffling, forward, backward, the
 * fused update), without the validation pass: each call of {@code fit} trains one more epoch of the same trainer.
 */
@State(Scope.Benchmark)
public class EpochBenchmark extends SubjectState {
    private BenchSubject subject;
    private Dataset train;
    private Trainer trainer;

    @Setup(Level.Trial)
    public void setUp() {
        subject = subject();
        train = subject.train();
        trainer = newTrainer();
        // A few epochs first, so that JMH's warm-up starts from compiled code; then a fresh trainer.
        JitWarmup.repeat(this::epoch, 20, compileSeconds);
        trainer = newTrainer();
    }

    private Trainer newTrainer() {
        return subject.compiled().newTrainer(TrainOptions.defaults().withEpochs(1));
    }

    @Benchmark
    public TrainResult epoch() {
        try {
            return trainer.fit(train, null, TrainListener.silent());
        } catch (TrainingDiverged e) {
            // Hundreds of epochs on the same rows may diverge where the recipe's epochs would not: start again.
            trainer = newTrainer();
            return null;
        }
    }
}
