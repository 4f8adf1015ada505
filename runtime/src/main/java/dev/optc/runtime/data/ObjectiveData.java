package dev.optc.runtime.data;

import java.nio.file.Path;

/**
 * The data input of an objective (`X: data`), loaded once, whole: a data source of n examples of d features is the
 * matrix X [d, n], one example per column, as in the sparse-coding cost ‖X − WᵀH‖² where column j of H codes example
 * j. The compiler read the file to fix d and n in the generated code; the file read at run time must have that shape.
 */
public final class ObjectiveData {
    private ObjectiveData() {
    }

    /** The examples of {@code source} (paths relative to {@code base}), without their labels. */
    public static Dataset examples(DataSource source, Path base) {
        return source.load(base, null);
    }

    /**
     * X [features, examples], row-major, from the source at {@code path} (already resolved), checked against the shape
     * the code was compiled for.
     */
    public static float[] load(String format, String path, String labels, String label, String split, double scale,
                               int features, int examples) {
        DataSource source = new DataSource(format, path, labels, label, split, scale, 0);
        Dataset data = examples(source, Path.of(""));
        if (data.width() != features || data.rows() != examples) {
            throw new DataException(path + ": " + data.rows() + " examples of " + data.width() + " features, but the objective was compiled for "
                    + examples + " of " + features + "; compile it again against this file");
        }
        return columns(data);
    }

    /** The features of a dataset as [width, rows]: one example per column. */
    public static float[] columns(Dataset data) {
        int d = data.width(), n = data.rows();
        float[] x = new float[d * n];
        float[] features = data.features();
        for (int e = 0; e < n; e++) for (int f = 0; f < d; f++) x[f * n + e] = features[e * d + f];
        return x;
    }
}
