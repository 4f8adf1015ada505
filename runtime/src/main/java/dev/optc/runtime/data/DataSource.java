package dev.optc.runtime.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a recipe's examples come from, as the recipe says it: {@code csv} (one file; {@code label} names the label
 * column, null for the last), {@code idx} (a directory holding {@code <split>-images-idx3-ubyte[.gz]} and
 * {@code <split>-labels-idx1-ubyte[.gz]}), {@code npy} (a features file and a labels file). Relative paths are
 * resolved against a base directory (the recipe's folder for `optc`, the working directory for a compiled jar).
 *
 * @param validation rows held out for validation: a count when ≥ 1, else a fraction of the rows
 */
public record DataSource(String format, String path, String labels, String label, String split, double scale,
                         double validation) {

    /** Loads the examples; {@code override} (may be null) replaces the recipe's path. */
    public Dataset load(Path base, Path override) {
        Path main = override != null ? override : resolve(base, path);
        return switch (format) {
            case "csv" -> CsvData.load(main, label, (float) scale);
            case "idx" -> {
                if (!Files.isDirectory(main)) {
                    throw new DataException(main + ": no such directory. The Fashion-MNIST files come with Debian's package "
                            + "dataset-fashion-mnist (apt-get install dataset-fashion-mnist, into /usr/share/datasets/fashion-mnist); "
                            + "or give the directory that holds train-images-idx3-ubyte.gz and its siblings with --data DIR");
                }
                yield IdxData.loadDirectory(main, split, (float) scale);
            }
            case "npy" -> NpyData.load(main, resolve(base, labels), (float) scale);
            default -> throw new IllegalArgumentException("unknown data format " + format);
        };
    }

    /** How many rows of {@code rows} are held out for validation. */
    public int validationRows(int rows) {
        return validation >= 1 ? (int) validation : (int) Math.round(validation * rows);
    }

    /** A path as written, relative to {@code base}; shown relative to the working directory when inside it. */
    public static Path resolve(Path base, String written) {
        Path path = Path.of(written);
        if (path.isAbsolute()) return path;
        Path absolute = base.toAbsolutePath().resolve(path).normalize();
        Path here = Path.of("").toAbsolutePath();
        return absolute.startsWith(here) ? here.relativize(absolute) : absolute;
    }
}
