package dev.optc.runtime.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Examples held in memory: a row-major {@code float} feature matrix and one class index per row.
 * Immutable by convention: nothing in optc writes into the arrays of a dataset it did not create.
 *
 * @param name     where the data came from (a file name), used in messages
 * @param features {@code rows * width} values, row-major
 * @param labels   the class index of every row, in {@code [0, classes)}
 */
public record Dataset(String name, float[] features, int[] labels, int rows, int width, int classes) {

    public Dataset {
        if (features.length != (long) rows * width) {
            throw new IllegalArgumentException(name + ": " + features.length + " values for " + rows + " rows of " + width);
        }
        if (labels.length != rows) throw new IllegalArgumentException(name + ": " + labels.length + " labels for " + rows + " rows");
    }

    /** The rows at the given indices, in that order. */
    public Dataset subset(int[] indices, String subsetName) {
        float[] f = new float[indices.length * width];
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(features, indices[i] * width, f, i * width, width);
            l[i] = labels[indices[i]];
        }
        return new Dataset(subsetName, f, l, indices.length, width, classes);
    }

    /** A training and a validation part: {@code validationRows} rows drawn by a seeded permutation. */
    public Split split(int validationRows, long seed) {
        if (validationRows < 0 || validationRows >= rows) {
            throw new IllegalArgumentException(name + ": cannot hold out " + validationRows + " of " + rows + " rows for validation");
        }
        int[] order = permutation(rows, new SplittableRandom(seed));
        int[] validation = Arrays.copyOfRange(order, 0, validationRows);
        int[] train = Arrays.copyOfRange(order, validationRows, rows);
        // Keep the file's order inside each part: only membership is random.
        Arrays.sort(validation);
        Arrays.sort(train);
        return new Split(subset(train, name + " (training)"), validationRows == 0 ? null : subset(validation, name + " (validation)"));
    }

    /** Fisher-Yates over 0..n-1 with the given generator; the one shuffle of the runtime, so runs are reproducible. */
    public static int[] permutation(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        shuffle(order, random);
        return order;
    }

    public static void shuffle(int[] order, SplittableRandom random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** Training rows and validation rows (null when nothing is held out). */
    public record Split(Dataset train, Dataset validation) {
    }
}
