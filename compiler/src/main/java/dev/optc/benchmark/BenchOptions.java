package dev.optc.benchmark;

import dev.optc.runtime.parallel.Workers;
import java.nio.file.Path;

/**
 * How {@code optc bench} measures a recipe.
 *
 * @param quick   a few hundred milliseconds per benchmark, in this JVM: seconds in all, indicative figures
 * @param threads the worker threads of the kernels ({@code Workers}), as {@code -Doptc.threads} sets them for training
 * @param data    the training data to time an epoch on, instead of the recipe's; null: the recipe's own (random
 *                data of the model's shape when it cannot be found)
 * @param forks   JMH forks per benchmark: 0 runs everything in this JVM; null chooses (0 when quick or when the
 *                class path cannot start another JVM with optc on it, 1 otherwise)
 */
public record BenchOptions(boolean quick, int threads, Path data, Integer forks) {

    public BenchOptions {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        if (forks != null && forks < 0) throw new IllegalArgumentException("forks must be 0 or more, not " + forks);
    }

    /** The full measurement with the threads training would use (every core, or {@code -Doptc.threads}). */
    public static BenchOptions defaults() {
        return new BenchOptions(false, Workers.threads(), null, null);
    }

    public BenchOptions withQuick(boolean quick) { return new BenchOptions(quick, threads, data, forks); }

    public BenchOptions withThreads(int threads) { return new BenchOptions(quick, threads, data, forks); }

    public BenchOptions withData(Path data) { return new BenchOptions(quick, threads, data, forks); }

    public BenchOptions withForks(Integer forks) { return new BenchOptions(quick, threads, data, forks); }
}
