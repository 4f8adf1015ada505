package dev.optc.runtime;

/**
 * What a caller may override of a recipe when creating a trainer. Null fields keep the recipe's value.
 *
 * @param seed   the seed of initialization and shuffling
 * @param epochs the number of epochs {@code fit} runs
 * @param steps  the number of steps minimizing an objective runs
 */
public record TrainOptions(Long seed, Integer epochs, Integer steps) {

    public static TrainOptions defaults() { return new TrainOptions(null, null, null); }

    public static TrainOptions seed(long seed) { return new TrainOptions(seed, null, null); }

    public TrainOptions withEpochs(int epochs) { return new TrainOptions(seed, epochs, steps); }

    public TrainOptions withSteps(int steps) { return new TrainOptions(seed, epochs, steps); }

    public TrainOptions withSeed(long seed) { return new TrainOptions(seed, epochs, steps); }
}
