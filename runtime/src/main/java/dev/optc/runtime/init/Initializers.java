package dev.optc.runtime.init;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded weight initialization, filling a slice of the flat parameter buffer.
 *
 * <p>A weight W is [out, in], row-major, one row per unit: fan-in m = in (its columns), fan-out n = out (its rows).
 * Every kind draws only from the {@link SplittableRandom} it is given, in a fixed order, so one seed gives the same
 * weights on every JVM. Normal draws use Box–Muller on {@code nextDouble()} rather than {@code nextGaussian()}, whose
 * algorithm the JDK does not promise to keep.
 *
 * <ul>
 *   <li>{@code glorot_uniform}: U(−√(6/(m+n)), √(6/(m+n))) (Glorot and Bengio, 2010)</li>
 *   <li>{@code glorot_normal}: N(0, 2/(m+n))</li>
 *   <li>{@code he_uniform}: U(−√(6/m), √(6/m)) (He et al., 2015)</li>
 *   <li>{@code he_normal}: N(0, 2/m)</li>
 *   <li>{@code uniform_fan_in}: U(−1/√m, 1/√m)</li>
 *   <li>{@code orthogonal}, parameter gain g (1 when not given): g·Q with Q Haar-distributed, rows orthonormal when
 *       out ≤ in, columns orthonormal when out &gt; in (Saxe et al., 2014)</li>
 *   <li>{@code sparse}, parameter k (required): in every row exactly k non-zero weights, N(0, 1), at k distinct
 *       random columns (Martens, 2010, section 5)</li>
 *   <li>{@code constant}, parameter c (required): every value c, for biases</li>
 *   <li>{@code lsuv}: the start of layer-sequential unit variance, {@code orthogonal} with gain 1; the rescaling that
 *       follows needs data and a forward pass, and is {@link Lsuv}'s</li>
 * </ul>
 */
public final class Initializers {

    /** Every kind {@link #fill} knows, in the order of the list above. */
    public static final List<String> KINDS =
            List.of("glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "uniform_fan_in", "orthogonal", "sparse", "constant", "lsuv");

    private Initializers() {
    }

    /** Whether the kind reads the {@code parameter} of {@link #fill(String, double, float[], int, int, int, SplittableRandom)}. */
    public static boolean takesParameter(String kind) {
        return kind.equals("orthogonal") || kind.equals("sparse") || kind.equals("constant");
    }

    /**
     * Fills {@code values[offset .. offset + count)} for a weight with the given fan-in m and fan-out n.
     * The element-wise kinds fill any {@code count}; {@code orthogonal} (with gain 1) needs {@code count = m·n}.
     * {@code sparse} and {@code constant} need their parameter: use the other overload.
     */
    public static void fill(String kind, float[] values, int offset, int count, int fanIn, int fanOut, SplittableRandom random) {
        checkSlice(values, offset, count);
        switch (kind) {
            case "orthogonal", "lsuv" -> {
                if ((long) fanIn * fanOut != count) {
                    throw new IllegalArgumentException("orthogonal needs a whole [" + fanOut + ", " + fanIn + "] matrix, got " + count + " values");
                }
                orthogonal(1.0, values, offset, fanOut, fanIn, random);
            }
            case "sparse", "constant" -> throw new IllegalArgumentException(
                    kind + " needs its parameter (" + (kind.equals("sparse") ? "k" : "the value") + "): use fill(kind, parameter, ...)");
            default -> elementwise(kind, values, offset, count, fanIn, fanOut, random);
        }
    }

    /**
     * Fills the weight W [rows, cols] at {@code values[offset .. offset + rows·cols)}: fan-in m = cols, fan-out n = rows.
     *
     * @param parameter the gain of {@code orthogonal} (must be positive and finite), the k of {@code sparse} (a whole
     *                  number in [1, cols]), the value of {@code constant} (finite); ignored by the other kinds
     */
    public static void fill(String kind, double parameter, float[] values, int offset, int rows, int cols, SplittableRandom random) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException(kind + ": negative shape [" + rows + ", " + cols + "]");
        long count = (long) rows * cols;
        if (count > Integer.MAX_VALUE) throw new IllegalArgumentException(kind + ": [" + rows + ", " + cols + "] is too large for one array");
        checkSlice(values, offset, (int) count);
        switch (kind) {
            case "lsuv" -> orthogonal(1.0, values, offset, rows, cols, random);
            case "orthogonal" -> {
                if (!(parameter > 0) || Double.isInfinite(parameter)) {
                    throw new IllegalArgumentException("orthogonal: gain must be positive and finite, got " + parameter);
                }
                orthogonal(parameter, values, offset, rows, cols, random);
            }
            case "sparse" -> {
                if (parameter != Math.rint(parameter) || parameter < 1 || parameter > cols) {
                    throw new IllegalArgumentException("sparse: k must be a whole number from 1 to the fan-in " + cols + ", got " + parameter);
                }
                sparse((int) parameter, values, offset, rows, cols, random);
            }
            case "constant" -> {
                if (!Double.isFinite(parameter) || !Float.isFinite((float) parameter)) {
                    throw new IllegalArgumentException("constant: value must be a finite float, got " + parameter);
                }
                Arrays.fill(values, offset, offset + (int) count, (float) parameter);
            }
            default -> elementwise(kind, values, offset, (int) count, cols, rows, random);
        }
    }

    private static void elementwise(String kind, float[] values, int offset, int count, int fanIn, int fanOut, SplittableRandom random) {
        if (!KINDS.contains(kind)) throw new IllegalArgumentException("unknown initialization " + kind + "; known: " + String.join(", ", KINDS));
        if (count == 0) return; // an empty tensor: its fans do not matter
        switch (kind) {
            case "glorot_uniform", "he_uniform", "uniform_fan_in" -> {
                double limit = switch (kind) {
                    case "glorot_uniform" -> Math.sqrt(6.0 / positive(kind, "fan-in + fan-out", (long) fanIn + fanOut));
                    case "he_uniform" -> Math.sqrt(6.0 / positive(kind, "fan-in", fanIn));
                    default -> 1.0 / Math.sqrt(positive(kind, "fan-in", fanIn));
                };
                for (int i = 0; i < count; i++) values[offset + i] = (float) ((2 * random.nextDouble() - 1) * limit);
            }
            case "glorot_normal", "he_normal" -> {
                double sd = kind.equals("glorot_normal")
                        ? Math.sqrt(2.0 / positive(kind, "fan-in + fan-out", (long) fanIn + fanOut))
                        : Math.sqrt(2.0 / positive(kind, "fan-in", fanIn));
                Gaussian normal = new Gaussian(random);
                for (int i = 0; i < count; i++) values[offset + i] = (float) (sd * normal.next());
            }
            default -> throw new IllegalStateException(kind);
        }
    }

    /**
     * g·Q for a Gaussian matrix's QR decomposition (Householder, in double), each column of Q multiplied by the sign of
     * R's diagonal: without that the signs follow the algorithm, not the data, and Q is not Haar-distributed
     * (Mezzadri, "How to generate random matrices from the classical compact groups", 2007, section 5).
     * A wide W is the transpose of the Q of its transpose, so its rows are the orthonormal ones. Costs about
     * 4·max·min² flops and 2·max·min doubles: a fraction of a second for 512×512, minutes for 8192×8192.
     */
    private static void orthogonal(double gain, float[] values, int offset, int rows, int cols, SplittableRandom random) {
        if (rows == 0 || cols == 0) return;
        boolean wide = rows < cols;
        int m = Math.max(rows, cols);
        int n = Math.min(rows, cols);
        // a[j] is column j of the tall m×n matrix: column-major, since Householder works a column at a time.
        double[][] a = new double[n][m];
        Gaussian normal = new Gaussian(random);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (wide) a[r][c] = normal.next();
                else a[c][r] = normal.next();
            }
        }
        double[] diagonal = new double[n];
        for (int j = 0; j < n; j++) {
            double[] v = a[j];
            double norm = 0;
            for (int i = j; i < m; i++) norm += v[i] * v[i];
            norm = Math.sqrt(norm);
            // alpha has the opposite sign of v[j], so v[j] − alpha does not cancel.
            double alpha = v[j] >= 0 ? -norm : norm;
            diagonal[j] = alpha;
            double vNorm = Math.sqrt(2 * norm * (norm + Math.abs(v[j])));
            if (vNorm == 0) continue; // a zero column: H = I, left as zeros
            v[j] -= alpha;
            for (int i = j; i < m; i++) v[i] /= vNorm;
            for (int k = j + 1; k < n; k++) reflect(v, a[k], j, m);
        }
        // Q = H0 H1 ... H(n−1) applied to the first n columns of I, from the right end: H(j) leaves e(k < j) alone.
        double[][] q = new double[n][m];
        for (int k = 0; k < n; k++) q[k][k] = 1;
        for (int j = n - 1; j >= 0; j--) {
            for (int k = j; k < n; k++) reflect(a[j], q[k], j, m);
        }
        for (int k = 0; k < n; k++) {
            double scale = diagonal[k] < 0 ? -gain : gain;
            for (int i = 0; i < m; i++) {
                int at = wide ? offset + k * cols + i : offset + i * cols + k;
                values[at] = (float) (scale * q[k][i]);
            }
        }
    }

    /** x ← (I − 2vvᵀ)x on rows [from, m); v has unit norm there (or is zero). */
    private static void reflect(double[] v, double[] x, int from, int m) {
        double dot = 0;
        for (int i = from; i < m; i++) dot += v[i] * x[i];
        double s = 2 * dot;
        for (int i = from; i < m; i++) x[i] -= s * v[i];
    }

    /** k N(0, 1) weights per row at distinct columns, chosen by a partial Fisher–Yates shuffle; the rest 0. */
    private static void sparse(int k, float[] values, int offset, int rows, int cols, SplittableRandom random) {
        Arrays.fill(values, offset, offset + rows * cols, 0f);
        int[] columns = new int[cols];
        for (int c = 0; c < cols; c++) columns[c] = c;
        Gaussian normal = new Gaussian(random);
        for (int r = 0; r < rows; r++) {
            // Continuing from the previous row's order is fine: each pick is uniform over what is left.
            for (int i = 0; i < k; i++) {
                int j = i + random.nextInt(cols - i);
                int c = columns[j];
                columns[j] = columns[i];
                columns[i] = c;
                float w;
                do w = (float) normal.next(); while (w == 0f); // "exactly k non-zero", even at float's rounding
                values[offset + r * cols + c] = w;
            }
        }
    }

    private static void checkSlice(float[] values, int offset, int count) {
        if (offset < 0 || count < 0 || offset > values.length - count) {
            throw new IllegalArgumentException("slice [" + offset + ", " + ((long) offset + count) + ") is outside a buffer of " + values.length);
        }
    }

    private static long positive(String kind, String what, long value) {
        if (value <= 0) throw new IllegalArgumentException(kind + ": " + what + " must be positive, got " + value);
        return value;
    }

    /** Standard normal draws by the Box–Muller transform, both of each pair used. */
    private static final class Gaussian {
        private final SplittableRandom random;
        private double spare;
        private boolean hasSpare;

        Gaussian(SplittableRandom random) {
            this.random = random;
        }

        double next() {
            if (hasSpare) {
                hasSpare = false;
                return spare;
            }
            // StrictMath: Math's log and sin may differ in the last bit between JVMs and CPUs, and so would the weights.
            double radius = StrictMath.sqrt(-2 * StrictMath.log(1 - random.nextDouble())); // 1 − u is in (0, 1]: no log(0)
            double angle = 2 * StrictMath.PI * random.nextDouble();
            spare = radius * StrictMath.sin(angle);
            hasSpare = true;
            return radius * StrictMath.cos(angle);
        }
    }
}
