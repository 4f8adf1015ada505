package dev.optc.benchmark;

import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** A batch-norm layer's forward and backward kernels at the recipe's batch and the layer's width. */
@State(Scope.Benchmark)
public class BatchNormBenchmark extends SubjectState {
    @Param("0")
    public int layer;

    private BatchNormMeasurement measurement;

    @Setup(Level.Trial)
    public void setUp() {
        BenchSubject subject = subject();
        measurement = new BatchNormMeasurement(subject.batchRows(), subject.batchNormLayers().get(layer).width(),
                new SplittableRandom(42));
        // Scalar loops: C2 compiles them after a few thousand calls at the real shape.
        JitWarmup.repeat(measurement::forwardAndBackward, JitWarmup.CALLS / 10, compileSeconds);
    }

    @Benchmark
    public float forwardAndBackward() {
        measurement.forwardAndBackward();
        return measurement.checksum();
    }
}
