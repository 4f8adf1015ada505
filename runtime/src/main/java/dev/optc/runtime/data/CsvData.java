package dev.optc.runtime.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Loads a classification table from a CSV file: a header row of column names, then one example per line, every cell a
 * number, one column holding the class index.
 *
 * <p>Every problem is a {@link DataException} whose message starts {@code file:line:column:}, with the file's own
 * 1-based line numbers (the header is line 1) and 1-based column numbers, so an editor can jump to the cell.
 * Quoting is limited to stripping one pair of double quotes around a cell: a comma inside quotes is not supported.
 */
public final class CsvData {

    /** Past this many names the "no such column" message lists the first ones only: MNIST has 785 columns. */
    private static final int LISTED_COLUMNS = 16;

    private CsvData() {
    }

    /**
     * @param labelColumn the name of the column holding the class index, or null for the last column
     * @param scale       multiplies every feature (1/255 for 8-bit pixels, say)
     */
    public static Dataset load(Path file, String labelColumn, float scale) {
        if (!Float.isFinite(scale)) throw new IllegalArgumentException("scale must be finite, got " + scale);
        String name = file.toString();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return new Reader(name, in).read(labelColumn, scale);
        } catch (NoSuchFileException e) {
            throw new DataException(name + ": no such file", e);
        } catch (MalformedInputException e) {
            throw new DataException(name + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new DataException(name + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** One pass over one file; holds the line number every message needs. */
    private static final class Reader {
        private final String name;
        private final BufferedReader in;
        private int line;

        Reader(String name, BufferedReader in) {
            this.name = name;
            this.in = in;
        }

        Dataset read(String labelColumn, float scale) throws IOException {
            String header = in.readLine();
            line = 1;
            while (header != null && header.isBlank()) {
                header = in.readLine();
                line++;
            }
            if (header == null) throw new DataException(name + ": no data rows");
            // Spreadsheet exports often start with a byte order mark; it is not part of the first name.
            if (header.charAt(0) == '\uFEFF') header = header.substring(1);
            List<String> names = splitHeader(header);
            int cells = names.size();
            if (cells < 2) throw new DataException(name + ":" + line + ":1: only one column; need at least one feature column and a label column");
            int label = labelColumn == null ? cells - 1 : labelIndex(names, labelColumn);
            int width = cells - 1;

            float[] features = new float[(int) Math.min(Integer.MAX_VALUE - 8L, width * 256L)];
            int[] labels = new int[256];
            int rows = 0;
            int maxLabel = -1;
            int[] starts = new int[cells];
            int[] ends = new int[cells];
            String text;
            while ((text = in.readLine()) != null) {
                line++;
                // Blank lines are skipped wherever they are, as pandas does; trailing ones are common.
                if (text.isBlank()) continue;
                cut(text, starts, ends, cells);
                if ((long) (rows + 1) * width > Integer.MAX_VALUE - 8) {
                    throw new DataException(name + ":" + line + ":1: too many values for one array (" + rows + " rows of " + width + ")");
                }
                if (rows == labels.length) {
                    int grown = (int) Math.min(Integer.MAX_VALUE - 8L, rows + (rows >> 1) + 1L);
                    labels = Arrays.copyOf(labels, grown);
                    features = Arrays.copyOf(features, (int) Math.min(Integer.MAX_VALUE - 8L, (long) grown * width));
                }
                int at = rows * width;
                for (int c = 0; c < cells; c++) {
                    if (c == label) {
                        int value = parseLabel(cell(text, starts[c], ends[c], c), c);
                        labels[rows] = value;
                        maxLabel = Math.max(maxLabel, value);
                        continue;
                    }
                    // Pixel files are mostly short unsigned integers: skip the substring and parseFloat for them.
                    int whole = shortWholeNumber(text, starts[c], ends[c]);
                    float scaled = whole * scale;
                    features[at++] = whole >= 0 && Float.isFinite(scaled) ? scaled : parseFeature(cell(text, starts[c], ends[c], c), c, scale);
                }
                rows++;
            }
            if (rows == 0) throw new DataException(name + ": no data rows");
            return new Dataset(name, Arrays.copyOf(features, rows * width), Arrays.copyOf(labels, rows), rows, width, maxLabel + 1);
        }

        private List<String> splitHeader(String header) {
            List<String> names = new ArrayList<>();
            int start = 0;
            while (true) {
                int comma = header.indexOf(',', start);
                int end = comma < 0 ? header.length() : comma;
                names.add(unquote(header, start, end));
                if (comma < 0) return names;
                start = comma + 1;
            }
        }

        private int labelIndex(List<String> names, String wanted) {
            int index = names.indexOf(wanted);
            if (index >= 0) return index;
            StringBuilder message = new StringBuilder(name).append(':').append(line).append(": no column named \"").append(wanted).append('"');
            String near = nearest(names, wanted);
            if (near != null) message.append(" (did you mean \"").append(near).append("\"?)");
            message.append("; the columns are: ");
            int listed = Math.min(names.size(), LISTED_COLUMNS);
            message.append(String.join(", ", names.subList(0, listed)));
            if (listed < names.size()) message.append(", ... and ").append(names.size() - listed).append(" more");
            throw new DataException(message.toString());
        }

        /** Finds where each cell starts and ends, checking the count first: a short row is one error, not many. */
        private void cut(String text, int[] starts, int[] ends, int cells) {
            int found = 1;
            for (int i = text.indexOf(','); i >= 0; i = text.indexOf(',', i + 1)) found++;
            if (found != cells) {
                throw new DataException(name + ":" + line + ":" + found + ": expected " + cells + " cells, found " + found);
            }
            int start = 0;
            for (int c = 0; c < cells; c++) {
                int comma = c == cells - 1 ? text.length() : text.indexOf(',', start);
                starts[c] = start;
                ends[c] = comma;
                start = comma + 1;
            }
        }

        private String cell(String text, int start, int end, int column) {
            String cell = unquote(text, start, end);
            if (cell.isEmpty()) throw error(column, "missing value");
            return cell;
        }

        private float parseFeature(String cell, int column, float scale) {
            float value = parseNumber(cell, column);
            float scaled = value * scale;
            if (!Float.isFinite(scaled)) throw error(column, "out of float range after scaling by " + scale + ": \"" + cell + '"');
            return scaled;
        }

        private float parseNumber(String cell, int column) {
            String word = cell.charAt(0) == '-' || cell.charAt(0) == '+' ? cell.substring(1) : cell;
            if (word.equalsIgnoreCase("nan")) throw error(column, "NaN is not allowed");
            if (word.equalsIgnoreCase("inf") || word.equalsIgnoreCase("infinity")) throw error(column, "Infinity is not allowed");
            // Float.parseFloat also takes Java suffixes ("1f", "2d"), which are not numbers in a CSV file.
            char last = cell.charAt(cell.length() - 1);
            if ((last < '0' || last > '9') && last != '.') throw error(column, "not a number: \"" + cell + '"');
            float value;
            try {
                value = Float.parseFloat(cell);
            } catch (NumberFormatException e) {
                throw error(column, "not a number: \"" + cell + '"');
            }
            if (Float.isInfinite(value)) throw error(column, "out of float range: \"" + cell + '"');
            return value;
        }

        private int parseLabel(String cell, int column) {
            boolean digits = cell.length() <= 9;
            for (int i = 0; i < cell.length() && digits; i++) digits = cell.charAt(i) >= '0' && cell.charAt(i) <= '9';
            if (digits) return Integer.parseInt(cell);
            // "3.0" and "1e2" are whole numbers too: pandas writes integer labels as floats once a column had a gap.
            double value;
            try {
                char last = cell.charAt(cell.length() - 1);
                value = (last >= '0' && last <= '9') || last == '.' ? Double.parseDouble(cell) : Double.NaN;
            } catch (NumberFormatException e) {
                value = Double.NaN;
            }
            if (!(value >= 0) || value != Math.rint(value)) {
                throw error(column, "label must be a non-negative integer, found \"" + cell + '"');
            }
            if (value >= Integer.MAX_VALUE) throw error(column, "label too large: \"" + cell + '"');
            return (int) value;
        }

        private DataException error(int column, String what) {
            return new DataException(name + ":" + line + ":" + (column + 1) + ": " + what);
        }
    }

    /** The cell's value if it is 1 to 7 plain digits, so exact as a float; otherwise -1. */
    private static int shortWholeNumber(String text, int start, int end) {
        if (end <= start || end - start > 7) return -1;
        int value = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') return -1;
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** The cell between {@code start} and {@code end}, without surrounding blanks or one pair of double quotes. */
    private static String unquote(String text, int start, int end) {
        while (start < end && isBlank(text.charAt(start))) start++;
        while (end > start && isBlank(text.charAt(end - 1))) end--;
        if (end - start >= 2 && text.charAt(start) == '"' && text.charAt(end - 1) == '"') {
            start++;
            end--;
            while (start < end && isBlank(text.charAt(start))) start++;
            while (end > start && isBlank(text.charAt(end - 1))) end--;
        }
        return text.substring(start, end);
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    /** The column name closest to a mistyped one, if any is close enough to be a likely typo. */
    private static String nearest(List<String> names, String wanted) {
        String lower = wanted.toLowerCase();
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : names) {
            int d = editDistance(lower, candidate.toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        // One edit per three characters: "lable" finds "label", "y" does not find "x".
        boolean close = bestDistance <= Math.max(1, wanted.length() / 3) && bestDistance < wanted.length();
        return close ? best : null;
    }

    /** Levenshtein distance counting a swap of neighbours as one edit (optimal string alignment). */
    private static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
