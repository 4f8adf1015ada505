package dev.optc.runtime;

import dev.optc.runtime.data.Dataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A compiled recipe ready to train: its model's parameters, its optimizer's state and its training loop.
 * Generated classes implement it. A trainer is not thread-safe: use one per thread; its kernels may use worker
 * threads of their own, with results that do not depend on timing.
 */
public interface Trainer {

    String recipeName();

    /** Trains for the recipe's epochs; {@code validation} may be null. */
    TrainResult fit(Dataset train, Dataset validation, TrainListener listener);

    Evaluation evaluate(Dataset data);

    /**
     * The model's outputs for {@code rows} examples of {@code features} (row-major): class probabilities when the
     * loss is softmax cross-entropy, the raw outputs otherwise; {@code rows * outputWidth()} values.
     */
    float[] predict(float[] features, int rows);

    int inputWidth();

    int outputWidth();

    List<ParameterSpec> parameters();

    /** A copy of one parameter tensor's values. */
    float[] parameter(String name);

    void setParameter(String name, float[] values);

    List<String> hyperparameterNames();

    double hyperparameter(String name);

    /** Takes effect at the next step; nothing is recompiled. */
    void setHyperparameter(String name, double value);

    /** The parameters in the safetensors format, with PyTorch's names and layouts, written atomically. */
    void save(Path file) throws IOException;

    void load(Path file) throws IOException;
}
