package dev.optc.bench;

import dev.optc.api.CompilationFailed;
import dev.optc.api.CompiledRecipe;
import dev.optc.api.Optc;
import dev.optc.codegen.SuperWordShape;
import dev.optc.interpret.UpdateInterpreter;
import dev.optc.ir.UpdateKernel;
import dev.optc.runtime.kernels.Backend;
import java.util.Set;

/**
 * One prelude rule compiled, as the compiler does it for a recipe, for a model of exactly {@code parameters}
 * parameters; with what the benchmarks need from it: its arrays, the bytes it moves, its per-step scalars.
 */
record CompiledRule(String rule, int parameters, CompiledRecipe recipe, UpdateKernel kernel) {

    static CompiledRule compile(String rule, int parameters) {
        return compile(rule, parameters, "");
    }

    /** With more recipe settings around the rule, e.g. {@code average = polyak()}, one per line. */
    static CompiledRule compile(String rule, int parameters, String settings) {
        String source = """
                model Flat(x: 1) -> %d {
                    return dense(x, %d, bias: false)
                }
                recipe bench {
                    data = csv("unused.csv")
                    model = Flat
                    loss = mse
                    optimizer = %s()
                    %s
                }
                """.formatted(parameters, parameters, rule, settings);
        try {
            CompiledRecipe recipe = Optc.compile(source, "bench.opt").first();
            return new CompiledRule(rule, parameters, recipe, recipe.updateKernel());
        } catch (CompilationFailed e) {
            throw new IllegalStateException("the benchmark recipe for " + rule + " does not compile: " + e.getMessage(), e);
        }
    }

    /**
     * The backend a trainer of this rule runs it with, by default, on a machine where the Vector API is available:
     * the scalar kernel when C2 vectorizes its loop itself, the Vector API kernel otherwise ({@link Backend#forKernel}).
     */
    Backend defaultBackend() {
        return Backend.automatic(Backend.VECTOR, SuperWordShape.of(kernel));
    }

    /** The backend a trainer of this rule runs it with in this JVM, as the generated trainer asks for it. */
    Backend trainerBackend() {
        return Backend.forKernel(SuperWordShape.of(kernel));
    }

    /** States the update reads from memory (each once per element, whatever the number of uses). */
    Set<Integer> statesRead() {
        return kernel.statesRead();
    }

    Set<Integer> statesWritten() {
        return kernel.statesWritten();
    }

    /** Arrays read per element: θ and g always (the kernels load both), then each state the body reads. */
    int arraysRead() { return 2 + statesRead().size(); }

    /** Arrays written per element: θ always (the kernels store it), then each state the body assigns. */
    int arraysWritten() { return 1 + statesWritten().size(); }

    /** What the rule must move through memory per parameter, in float32. */
    int bytesPerParameter() { return Float.BYTES * (arraysRead() + arraysWritten()); }

    /** The state's index in {@link UpdateKernel#states()}, the order the generated kernels take them in. */
    int state(String name) {
        for (int s = 0; s < kernel.states().size(); s++) if (kernel.states().get(s).name().equals(name)) return s;
        throw new IllegalArgumentException(rule + " has no state " + name);
    }

    float hyperparameter(String name) {
        return (float) kernel.hyperparameters().stream().filter(h -> h.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(rule + " has no hyperparameter " + name)).value();
    }

    /** Every state's initial value (a constant or a hyperparameter), as the interpreter evaluates it. */
    float[] initialStates() {
        UpdateInterpreter interpreter = new UpdateInterpreter(kernel, 1);
        float[] initial = new float[kernel.states().size()];
        for (int s = 0; s < initial.length; s++) initial[s] = (float) interpreter.state(s, 0);
        return initial;
    }

    /**
     * Fresh state arrays of θ's length, each at its initial value; θ̂, when the rule averages, starts at θ, as the
     * trainer starts it.
     */
    float[][] newStates(float[] theta) {
        float[] initial = initialStates();
        float[][] states = new float[initial.length][];
        for (int s = 0; s < states.length; s++) {
            states[s] = new float[theta.length];
            java.util.Arrays.fill(states[s], initial[s]);
        }
        if (kernel.averageState() >= 0) states[kernel.averageState()] = theta.clone();
        return states;
    }

    /** The per-step scalars of step t, as the generated trainer passes them to the kernel. */
    float[] scalars(long t) {
        double[] values = new UpdateInterpreter(kernel, 1).scalars(t);
        float[] scalars = new float[values.length];
        for (int k = 0; k < values.length; k++) scalars[k] = (float) values[k];
        return scalars;
    }
}
