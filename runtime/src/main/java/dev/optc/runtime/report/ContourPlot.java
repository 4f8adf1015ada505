package dev.optc.runtime.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleBinaryOperator;

/**
 * The seed's kind of figure for a function of two parameters: contour lines of J over the region the paths visit, and
 * each optimizer's path through it as a polyline, with a legend. One self-contained SVG (styles inline, no fonts or
 * scripts to fetch), in {@link LineChart}'s palette, sizes and axis ticks.
 *
 * <p>The contours are traced by marching squares on a {@value #GRID}×{@value #GRID} grid. Their levels are quantiles
 * of the grid's values at the fractions ((k + 1)/(L + 1))², k = 0 … L − 1: most lines fall where J is low, so a narrow
 * valley shows as nested rings rather than one blank band, whatever the range of J (it may be negative).
 */
public final class ContourPlot {
    static final int GRID = 81;
    static final int LEVELS = 14;

    private static final double WIDTH = 560;
    private static final double LEFT = 64;
    private static final double RIGHT = 18;
    private static final double PLOT_HEIGHT = 400;
    private static final double BOTTOM = 44;
    private static final double LEGEND_ROW = 18;
    private static final double CHAR_WIDTH = 6.6;
    private static final int MARKED_POINTS = 60;

    /** One path: its points (x, y) in order; a dashed path is drawn for the averaged iterates of an optimizer. */
    public record Path2D(String label, double[][] points, boolean dashed) {
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Path2D> paths = new ArrayList<>();

    public ContourPlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public ContourPlot add(Path2D path) {
        paths.add(path);
        return this;
    }

    public void write(Path file, DoubleBinaryOperator f) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, svg(f), StandardCharsets.UTF_8);
    }

    /** The figure, with the function evaluated on the grid over the paths' region. */
    public String svg(DoubleBinaryOperator f) {
        double[] box = region();
        LineChart.Axis xAxis = LineChart.Axis.linear(box[0], box[1]);
        LineChart.Axis yAxis = LineChart.Axis.linear(box[2], box[3]);
        double[] xs = grid(xAxis.from(), xAxis.to());
        double[] ys = grid(yAxis.from(), yAxis.to());
        double[][] values = new double[GRID][GRID];
        for (int i = 0; i < GRID; i++) for (int j = 0; j < GRID; j++) values[i][j] = f.applyAsDouble(xs[i], ys[j]);
        double[] levels = levels(values);

        List<double[]> legend = legendLayout();
        double top = 18 + (legend.isEmpty() ? 0 : legend.get(legend.size() - 1)[1]) + LEGEND_ROW;
        double height = top + PLOT_HEIGHT + BOTTOM;
        double plotWidth = WIDTH - LEFT - RIGHT;
        Frame frame = new Frame(xAxis, yAxis, LEFT, top, plotWidth, PLOT_HEIGHT);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" "
                + "width=\"%.0f\" height=\"%.0f\" role=\"img\" aria-label=\"%s\" font-family=\"system-ui, sans-serif\" "
                + "font-size=\"12\">%n", WIDTH, height, WIDTH, height, HtmlReport.escape(title)));
        s.append("<title>").append(HtmlReport.escape(title)).append("</title>\n");
        s.append(String.format(Locale.ROOT, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"#fff\"/>%n", WIDTH, height));
        s.append(String.format(Locale.ROOT, "<clipPath id=\"plot\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>"
                + "</clipPath>%n", LEFT, top, plotWidth, PLOT_HEIGHT));

        // Contour lines, darker towards the lowest level.
        s.append("<g class=\"contours\" clip-path=\"url(#plot)\" fill=\"none\" stroke-width=\"1\">\n");
        for (int k = 0; k < levels.length; k++) {
            StringBuilder d = new StringBuilder();
            for (double[] seg : segments(xs, ys, values, levels[k])) {
                d.append(String.format(Locale.ROOT, "M%.1f,%.1fL%.1f,%.1f", frame.x(seg[0]), frame.y(seg[1]),
                        frame.x(seg[2]), frame.y(seg[3])));
            }
            if (d.isEmpty()) continue;
            int grey = 150 + (int) Math.round(70.0 * k / Math.max(1, levels.length - 1));
            s.append(String.format(Locale.ROOT, "<path stroke=\"rgb(%d,%d,%d)\" d=\"%s\"><title>J = %s</title></path>%n",
                    grey, grey + 6, grey + 12, d, HtmlReport.number(levels[k])));
        }
        s.append("</g>\n");

        // Axes and ticks.
        s.append("<g class=\"ticks\" fill=\"#5d6773\" stroke=\"#5d6773\">");
        for (double t : xAxis.ticks()) {
            double px = frame.x(t);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", px, top + PLOT_HEIGHT,
                    px, top + PLOT_HEIGHT + 4));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" stroke=\"none\" text-anchor=\"middle\">%s</text>",
                    px, top + PLOT_HEIGHT + 17, xAxis.label(t)));
        }
        for (double t : yAxis.ticks()) {
            double py = frame.y(t);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", LEFT - 4, py, LEFT, py));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" stroke=\"none\" text-anchor=\"end\" "
                    + "dominant-baseline=\"middle\">%s</text>", LEFT - 6, py, yAxis.label(t)));
        }
        s.append("</g>\n");
        s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
                + "stroke=\"#5d6773\"/>%n", LEFT, top, plotWidth, PLOT_HEIGHT));
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#5d6773\" text-anchor=\"middle\">%s</text>%n",
                LEFT + plotWidth / 2, top + PLOT_HEIGHT + 36, HtmlReport.escape(xLabel)));
        s.append(String.format(Locale.ROOT, "<text transform=\"translate(14 %.1f) rotate(-90)\" fill=\"#5d6773\" "
                + "text-anchor=\"middle\">%s</text>%n", top + PLOT_HEIGHT / 2, HtmlReport.escape(yLabel)));

        // Legend.
        for (int i = 0; i < legend.size(); i++) {
            double lx = legend.get(i)[0];
            double ly = 12 + legend.get(i)[1] + LEGEND_ROW / 2;
            s.append(String.format(Locale.ROOT, "<g class=\"legend\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                    + "stroke=\"%s\" stroke-width=\"2.5\"%s/><text x=\"%.1f\" y=\"%.1f\" dominant-baseline=\"middle\">%s</text></g>%n",
                    lx, ly, lx + 18, ly, color(i), dash(paths.get(i)), lx + 24, ly, HtmlReport.escape(paths.get(i).label())));
        }

        // The paths, then their ends: a ring at each start, a dot at each end.
        s.append("<g class=\"paths\" clip-path=\"url(#plot)\" fill=\"none\" stroke-width=\"1.8\" stroke-linejoin=\"round\">\n");
        for (int i = 0; i < paths.size(); i++) {
            Path2D path = paths.get(i);
            StringBuilder d = new StringBuilder();
            boolean pen = false;
            for (double[] p : path.points()) {
                if (!finite(p)) {
                    pen = false;
                    continue;
                }
                d.append(pen ? 'L' : 'M').append(String.format(Locale.ROOT, "%.1f,%.1f", frame.x(p[0]), frame.y(p[1])));
                pen = true;
            }
            s.append(String.format(Locale.ROOT, "<path data-series=\"%s\" stroke=\"%s\"%s d=\"%s\"/>%n",
                    HtmlReport.escape(path.label()), color(i), dash(path), d));
            if (path.points().length <= MARKED_POINTS && !path.dashed()) {
                s.append("<g fill=\"").append(color(i)).append("\" stroke=\"none\">");
                for (double[] p : path.points()) {
                    if (finite(p)) s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\"/>", frame.x(p[0]), frame.y(p[1])));
                }
                s.append("</g>\n");
            }
        }
        for (int i = 0; i < paths.size(); i++) {
            double[][] points = paths.get(i).points();
            double[] first = firstFinite(points, false), last = firstFinite(points, true);
            if (first == null) continue;
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" stroke=\"#1d232b\" stroke-width=\"1.2\"/>",
                    frame.x(first[0]), frame.y(first[1])));
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\" stroke=\"#fff\" stroke-width=\"1\">"
                    + "<title>%s ends at (%s, %s)</title></circle>%n", frame.x(last[0]), frame.y(last[1]), color(i),
                    HtmlReport.escape(paths.get(i).label()), HtmlReport.number(last[0]), HtmlReport.number(last[1])));
        }
        s.append("</g>\n");
        return s.append("</svg>\n").toString();
    }

    /**
     * The segments of the level set {f = level} in each cell of the grid (marching squares): {x₁, y₁, x₂, y₂}, the ends
     * interpolated linearly along the cell's edges. {@code values[i][j]} is f at (xs[i], ys[j]). A cell whose opposite
     * corners are on the same side (a saddle) is split by the mean of its corners, the usual disambiguation.
     */
    static List<double[]> segments(double[] xs, double[] ys, double[][] values, double level) {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i + 1 < xs.length; i++) {
            for (int j = 0; j + 1 < ys.length; j++) {
                // Corners counter-clockwise from the lower left; edge e runs from corner e to corner e + 1.
                double[] cx = {xs[i], xs[i + 1], xs[i + 1], xs[i]};
                double[] cy = {ys[j], ys[j], ys[j + 1], ys[j + 1]};
                double[] v = {values[i][j], values[i + 1][j], values[i + 1][j + 1], values[i][j + 1]};
                if (!(Double.isFinite(v[0]) && Double.isFinite(v[1]) && Double.isFinite(v[2]) && Double.isFinite(v[3]))) continue;
                boolean[] above = new boolean[4];
                int count = 0;
                for (int c = 0; c < 4; c++) if (above[c] = v[c] > level) count++;
                if (count == 0 || count == 4) continue;
                double[][] crossing = new double[4][];
                for (int e = 0; e < 4; e++) {
                    int a = e, b = (e + 1) % 4;
                    if (above[a] == above[b]) continue;
                    double t = (level - v[a]) / (v[b] - v[a]);
                    crossing[e] = new double[] {cx[a] + t * (cx[b] - cx[a]), cy[a] + t * (cy[b] - cy[a])};
                }
                boolean saddle = count == 2 && above[0] == above[2];
                if (!saddle) {
                    double[] p = null;
                    for (double[] c : crossing) {
                        if (c == null) continue;
                        if (p == null) p = c;
                        else out.add(new double[] {p[0], p[1], c[0], c[1]});
                    }
                } else {
                    // Cut off each corner on the other side from the centre: corner c lies between edges c − 1 and c.
                    boolean centre = (v[0] + v[1] + v[2] + v[3]) / 4 > level;
                    for (int c = 0; c < 4; c++) {
                        if (above[c] == centre) continue;
                        double[] p = crossing[(c + 3) % 4], q = crossing[c];
                        out.add(new double[] {p[0], p[1], q[0], q[1]});
                    }
                }
            }
        }
        return out;
    }

    /** Quantiles of the finite values at ((k + 1)/(L + 1))², distinct and increasing. */
    static double[] levels(double[][] values) {
        double[] all = Arrays.stream(values).flatMapToDouble(Arrays::stream).filter(Double::isFinite).sorted().toArray();
        if (all.length == 0) return new double[0];
        double[] levels = new double[LEVELS];
        int n = 0;
        for (int k = 0; k < LEVELS; k++) {
            double p = Math.pow((k + 1.0) / (LEVELS + 1), 2);
            double level = all[(int) Math.min(all.length - 1, Math.floor(p * (all.length - 1)))];
            if (n == 0 || level > levels[n - 1]) levels[n++] = level;
        }
        return Arrays.copyOf(levels, n);
    }

    /** The box around every finite point, padded by an eighth of its size (a zero span opens to ±1). */
    private double[] region() {
        double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY, y0 = x0, y1 = x1;
        for (Path2D path : paths) {
            for (double[] p : path.points()) {
                if (!finite(p)) continue;
                x0 = Math.min(x0, p[0]);
                x1 = Math.max(x1, p[0]);
                y0 = Math.min(y0, p[1]);
                y1 = Math.max(y1, p[1]);
            }
        }
        if (x0 > x1) return new double[] {-1, 1, -1, 1};
        double px = x1 > x0 ? (x1 - x0) / 8 : 1, py = y1 > y0 ? (y1 - y0) / 8 : 1;
        return new double[] {x0 - px, x1 + px, y0 - py, y1 + py};
    }

    private static double[] grid(double from, double to) {
        double[] g = new double[GRID];
        for (int i = 0; i < GRID; i++) g[i] = from + (to - from) * i / (GRID - 1);
        return g;
    }

    private List<double[]> legendLayout() {
        List<double[]> places = new ArrayList<>();
        double x = LEFT, row = 0;
        for (Path2D path : paths) {
            double width = 24 + path.label().length() * CHAR_WIDTH + 18;
            if (x > LEFT && x + width > WIDTH - RIGHT) {
                x = LEFT;
                row += LEGEND_ROW;
            }
            places.add(new double[] {x, row});
            x += width;
        }
        return places;
    }

    private static double[] firstFinite(double[][] points, boolean fromEnd) {
        for (int k = 0; k < points.length; k++) {
            double[] p = points[fromEnd ? points.length - 1 - k : k];
            if (finite(p)) return p;
        }
        return null;
    }

    private static boolean finite(double[] p) {
        return Double.isFinite(p[0]) && Double.isFinite(p[1]) && Math.abs(p[0]) < 1e12 && Math.abs(p[1]) < 1e12;
    }

    private static String dash(Path2D path) {
        return path.dashed() ? " stroke-dasharray=\"5 3\"" : "";
    }

    private static String color(int i) { return LineChart.PALETTE[i % LineChart.PALETTE.length]; }

    /** Data coordinates to the figure's. */
    private record Frame(LineChart.Axis x, LineChart.Axis y, double left, double top, double width, double height) {
        double x(double v) { return left + x.position(v) * width; }

        double y(double v) { return top + height - y.position(v) * height; }
    }
}
