package dev.optc.ir;

import java.util.List;

/**
 * An objective lowered for minimization: its tensors (static shapes), its parameters' layout in the flat buffer, the
 * forward ops that compute the scalar {@code result}, and the backward ops that autodiff derived from them (which
 * leave ∂result/∂θ in the flat gradient buffer), and the data inputs it reads.
 */
public record ObjectiveProgram(String sourceName, List<Tensor> tensors, List<ParameterSlice> parameters,
                               List<double[]> initialValues, int parameterCount, Tensor result,
                               List<ObjectiveOp> forward, List<ObjectiveOp> backward, List<DataInput> data) {

    /**
     * A data input: a tensor whose values are loaded once, when the minimizer is created, from {@code source}
     * (as [features, examples], see the runtime's {@code ObjectiveData}); no op writes it.
     */
    public record DataInput(Tensor tensor, dev.optc.runtime.data.DataSource source) {
    }

    /** A dense tensor of the objective, row-major; a scalar has shape []. */
    public record Tensor(int id, String name, int[] shape) {
        public int size() {
            int n = 1;
            for (int d : shape) n *= d;
            return n;
        }
    }
}
