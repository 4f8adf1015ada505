package dev.optc.ir;

import java.util.List;

/**
 * A model lowered for training: the buffers, the parameters' layout in the flat buffer, the forward ops, the loss
 * on the output, and the backward ops that autodiff derived from the forward ones.
 *
 * @param statistics     state of the model that is not trained by the optimizer (batch norm's running mean and
 *                       variance), in its own flat buffer
 * @param outputGradient the loss's gradient with respect to the output; where the backward pass starts
 */
public record TensorProgram(String sourceName, List<Buffer> buffers, List<ParameterSlice> parameters, int parameterCount,
                            List<ParameterSlice> statistics, int statisticCount,
                            Buffer input, Buffer output, Buffer outputGradient, List<TensorOp> forward,
                            List<TensorOp> backward, Loss loss) {

    /** HINT: FitNets' ½‖t − y‖² per example against targets given with the batch (a teacher's hidden layer). */
    public enum Loss { SOFTMAX_CROSS_ENTROPY, MSE, CROSS_ENTROPY, BINARY_CROSS_ENTROPY, L1, HINT }
}
