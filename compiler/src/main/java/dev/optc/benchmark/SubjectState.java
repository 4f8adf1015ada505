package dev.optc.benchmark;

import dev.optc.runtime.parallel.Workers;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What every benchmark of a recipe is given by {@link RecipeBench}: where to find its {@link BenchSubject} and the
 * thread count. The defaults are never used; {@code optc bench} always sets them.
 */
@State(Scope.Benchmark)
public abstract class SubjectState {
    /** The subject's key in this JVM's registry. */
    @Param("")
    public String key;
    /** The recipe's file, to compile it again in a forked JVM; empty when it was compiled from text. */
    @Param("")
    public String source;
    @Param("")
    public String recipe;
    /** The data file an epoch trains on, or "random". */
    @Param("random")
    public String data;
    @Param("1")
    public int threads;
    /** The longest {@link JitWarmup} a benchmark's setup may take. */
    @Param("1")
    public double compileSeconds;

    /** The subject, with the kernels' threads set. */
    protected BenchSubject subject() {
        Workers.setThreads(threads);
        return BenchSubject.find(key, source, recipe, data);
    }
}
