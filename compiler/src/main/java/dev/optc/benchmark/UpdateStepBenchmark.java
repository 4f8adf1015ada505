package dev.optc.benchmark;

import dev.optc.interpret.UpdateInterpreter;
import dev.optc.ir.ElementExpr;
import dev.optc.ir.UpdateKernel;
import dev.optc.runtime.kernels.Backend;
import dev.optc.runtime.kernels.FusedUpdate;
import dev.optc.runtime.kernels.UpdateRunner;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One fused update of an optimizer group over as many parameters as the recipe has, run as trainers run it
 * ({@link UpdateRunner}, split across the worker threads): the generated vector kernel, the generated scalar kernel,
 * or the rule's memory-only twin ({@link MemoryTwin}). θ and g are uniform in [-1, 1), the states start at their
 * declared values, the per-step scalars are those of step {@link #STEP}; g stays the same from call to call.
 */
@State(Scope.Benchmark)
public class UpdateStepBenchmark extends SubjectState {
    /** The step the per-step scalars (bias corrections) are computed for. */
    static final long STEP = 10;
    private static final int COMPILE_SIZE = 512;

    @Param("0")
    public int group;

    @Param({"vector", "scalar", "twin"})
    public String variant;

    private Call call;

    @Setup(Level.Trial)
    public void setUp() {
        BenchSubject subject = subject();
        FusedUpdate kernel = switch (variant) {
            case "vector" -> subject.compiled().newUpdateKernel(Backend.VECTOR, group);
            case "scalar" -> subject.compiled().newUpdateKernel(Backend.SCALAR, group);
            case "twin" -> MemoryTwin.newInstance(subject.compiled(), group);
            default -> throw new IllegalArgumentException("unknown variant " + variant);
        };
        UpdateKernel ir = subject.compiled().updateKernels().get(group);
        // On a small buffer: the first calls on a large one would run interpreted, where Vector API operations allocate.
        JitWarmup.repeat(new Call(kernel, ir, COMPILE_SIZE, new SplittableRandom(1))::run, JitWarmup.CALLS, compileSeconds);
        call = new Call(kernel, ir, subject.groupParameters(group), new SplittableRandom(42));
    }

    @Benchmark
    public void update() {
        call.run();
    }

    /** A kernel and its buffers. */
    private static final class Call {
        private final FusedUpdate kernel;
        private final float[] theta, grads, origin, scalars;
        private final float[][] states;

        Call(FusedUpdate kernel, UpdateKernel ir, int n, SplittableRandom random) {
            this.kernel = kernel;
            theta = uniform(random, n);
            grads = uniform(random, n);
            origin = ir.lookahead() != null ? theta.clone() : null;
            UpdateInterpreter interpreter = new UpdateInterpreter(ir, 1);
            states = new float[ir.states().size()][];
            for (int s = 0; s < states.length; s++) {
                if (ir.states().get(s).initial() instanceof ElementExpr.Theta) {
                    states[s] = theta.clone();
                } else {
                    states[s] = new float[n];
                    Arrays.fill(states[s], (float) interpreter.state(s, 0));
                }
            }
            double[] values = interpreter.scalars(STEP);
            scalars = new float[values.length];
            for (int k = 0; k < values.length; k++) scalars[k] = (float) values[k];
        }

        void run() {
            UpdateRunner.update(kernel, theta, grads, origin, states, scalars);
        }
    }

    static float[] uniform(SplittableRandom random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) values[i] = (float) random.nextDouble(-1, 1);
        return values;
    }
}
