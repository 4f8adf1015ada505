package dev.optc.benchmark;

import dev.optc.runtime.kernels.BatchNormKernel;
import java.util.SplittableRandom;

/**
 * One training step of a batch-norm layer, forward then backward, through the runtime's entry points as a generated
 * trainer calls them. The only place {@code optc bench} names the batch-norm kernels: re-point it here when they change.
 */
final class BatchNormMeasurement {
    private static final float MOMENTUM = 0.1f, EPSILON = 1e-5f;
    private final int rows, width;
    private final float[] x, y, xhat, mean, invStd, params, stats, dy, dx, grads;

    BatchNormMeasurement(int rows, int width, SplittableRandom random) {
        this.rows = rows;
        this.width = width;
        x = UpdateStepBenchmark.uniform(random, rows * width);
        dy = UpdateStepBenchmark.uniform(random, rows * width);
        y = new float[rows * width];
        xhat = new float[rows * width];
        dx = new float[rows * width];
        mean = new float[width];
        invStd = new float[width];
        // γ at [0, width), β at [width, 2·width); the running mean and variance likewise in stats.
        params = new float[2 * width];
        java.util.Arrays.fill(params, 0, width, 1f);
        stats = new float[2 * width];
        java.util.Arrays.fill(stats, width, 2 * width, 1f);
        grads = new float[2 * width];
    }

    void forwardAndBackward() {
        BatchNormKernel.forwardTraining(x, y, xhat, mean, invStd, rows, width, params, 0, width, stats, 0, width, MOMENTUM, EPSILON);
        BatchNormKernel.backward(dy, xhat, invStd, dx, rows, width, params, 0, grads, width, false);
    }

    /** Something that depends on every output, so no part of the work is dead. */
    float checksum() {
        return y[0] + dx[dx.length - 1] + grads[0];
    }
}
