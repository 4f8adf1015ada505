package dev.optc.runtime.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One SVG line chart of figures against the epoch: axes with ticks, a light grid, a legend, and one {@code <path>} per
 * series. A missing value (NaN) breaks the line rather than bridging the gap. The value axis turns logarithmic when
 * every value is positive and they span more than {@link #LOG_RATIO} (a loss falling from 2 to 0.01 would otherwise be
 * a flat line after the first few epochs).
 */
final class LineChart {
    static final double LOG_RATIO = 20;
    /** Tableau 10: distinct for the common kinds of colour blindness and in greyscale by lightness. */
    static final String[] PALETTE = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
            "#ff9da7", "#9c755f", "#bab0ac"};
    /** Series with at most this many points also get a marker (with a tooltip) at every point. */
    static final int MARKED_POINTS = 60;

    private static final double WIDTH = 560;
    private static final double LEFT = 64;
    private static final double RIGHT = 18;
    private static final double PLOT_HEIGHT = 220;
    private static final double BOTTOM = 44;
    private static final double LEGEND_ROW = 18;
    /** Average advance of a 12px sans-serif character, for laying out the legend without measuring text. */
    private static final double CHAR_WIDTH = 6.6;

    record Series(String label, double[] values) { }

    private final String title;
    private final String valueLabel;
    private final double[] epochs;
    private final List<Series> series = new ArrayList<>();
    private boolean linearOnly;

    LineChart(String title, String valueLabel, double[] epochs) {
        this.title = title;
        this.valueLabel = valueLabel;
        this.epochs = epochs;
    }

    /** Adds a series unless it has no finite value at all; returns this. */
    LineChart add(String label, double[] values) {
        for (double v : values) {
            if (Double.isFinite(v)) {
                series.add(new Series(label, values));
                break;
            }
        }
        return this;
    }

    /**
     * Keeps the value axis linear: for accuracy, whose differences near 1 are what matter, and for the learning rate,
     * whose schedules (linear, cosine, warm-up) are drawn as they are written.
     */
    LineChart linear() {
        linearOnly = true;
        return this;
    }

    boolean isEmpty() { return series.isEmpty(); }

    /** Whether every series holds one value throughout (a learning rate no schedule changes). */
    boolean isFlat() {
        for (Series one : series) {
            double first = Double.NaN;
            for (double v : one.values()) {
                if (!Double.isFinite(v)) continue;
                if (Double.isNaN(first)) first = v;
                else if (v != first) return false;
            }
        }
        return true;
    }

    List<Series> series() { return series; }

    String title() { return title; }

    String svg() {
        List<double[]> legend = legendLayout();
        // One legend row is reserved even without a legend, so charts side by side have their plots level.
        double top = 18 + (legend.isEmpty() ? 0 : legend.get(legend.size() - 1)[1]) + LEGEND_ROW;
        double height = top + PLOT_HEIGHT + BOTTOM;
        double plotWidth = WIDTH - LEFT - RIGHT;
        Axis x = Axis.epochs(min(epochs), max(epochs));
        Axis y = valueAxis();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" "
                + "role=\"img\" aria-label=\"%s\">%n", WIDTH, height, HtmlReport.escape(title)));
        s.append("<title>").append(HtmlReport.escape(title)).append("</title>\n");

        // Grid and value ticks.
        s.append("<g class=\"grid\">");
        for (double t : y.ticks) {
            double py = top + PLOT_HEIGHT - y.position(t) * PLOT_HEIGHT;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", LEFT, py,
                    LEFT + plotWidth, py));
        }
        s.append("</g>\n<g class=\"ticks\">");
        for (double t : y.ticks) {
            double py = top + PLOT_HEIGHT - y.position(t) * PLOT_HEIGHT;
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
                    + "dominant-baseline=\"middle\">%s</text>", LEFT - 6, py, y.label(t)));
        }
        for (double t : x.ticks) {
            double px = LEFT + x.position(t) * plotWidth;
            s.append(String.format(Locale.ROOT, "<line class=\"tick\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                    px, top + PLOT_HEIGHT, px, top + PLOT_HEIGHT + 4));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>", px,
                    top + PLOT_HEIGHT + 17, x.label(t)));
        }
        s.append("</g>\n");
        s.append(String.format(Locale.ROOT, "<path class=\"axis\" d=\"M%.1f,%.1fV%.1fH%.1f\"/>%n", LEFT, top, top + PLOT_HEIGHT,
                LEFT + plotWidth));
        s.append(String.format(Locale.ROOT, "<text class=\"axis-label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">epoch</text>%n",
                LEFT + plotWidth / 2, top + PLOT_HEIGHT + 36));
        s.append(String.format(Locale.ROOT, "<text class=\"axis-label\" transform=\"translate(14 %.1f) rotate(-90)\" "
                + "text-anchor=\"middle\">%s</text>%n", top + PLOT_HEIGHT / 2,
                HtmlReport.escape(valueLabel + (y.log ? " (log scale)" : ""))));

        // Legend.
        for (int i = 0; i < legend.size() && series.size() > 1; i++) {
            double lx = legend.get(i)[0];
            double ly = 12 + legend.get(i)[1] + LEGEND_ROW / 2;
            s.append(String.format(Locale.ROOT, "<g class=\"legend\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                    + "stroke=\"%s\"/><text x=\"%.1f\" y=\"%.1f\" dominant-baseline=\"middle\">%s</text></g>%n", lx, ly,
                    lx + 18, ly, color(i), lx + 24, ly, HtmlReport.escape(series.get(i).label())));
        }

        // The series: one path each, its points in epoch order.
        for (int i = 0; i < series.size(); i++) {
            Series one = series.get(i);
            StringBuilder d = new StringBuilder();
            StringBuilder marks = new StringBuilder();
            int count = 0;
            for (double v : one.values()) if (Double.isFinite(v)) count++;
            double[] values = one.values();
            for (int k = 0; k < values.length; k++) {
                if (!Double.isFinite(values[k]) || (y.log && values[k] <= 0)) continue;
                double px = LEFT + x.position(epochs[k]) * plotWidth;
                double py = top + PLOT_HEIGHT - y.position(values[k]) * PLOT_HEIGHT;
                boolean starts = k == 0 || !Double.isFinite(values[k - 1]);
                boolean isolated = starts && (k + 1 == values.length || !Double.isFinite(values[k + 1]));
                d.append(starts ? 'M' : 'L').append(String.format(Locale.ROOT, "%.1f,%.1f", px, py));
                if (count <= MARKED_POINTS || isolated) {
                    marks.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"><title>%s, epoch %s: %s"
                            + "</title></circle>", px, py, HtmlReport.escape(one.label()), Axis.plain(epochs[k]),
                            HtmlReport.number(values[k])));
                }
            }
            s.append(String.format(Locale.ROOT, "<path class=\"series\" data-series=\"%s\" stroke=\"%s\" d=\"%s\"/>%n",
                    HtmlReport.escape(one.label()), color(i), d));
            if (!marks.isEmpty()) {
                s.append("<g class=\"marks\" fill=\"").append(color(i)).append("\">").append(marks).append("</g>\n");
            }
        }
        return s.append("</svg>").toString();
    }

    private static String color(int i) { return PALETTE[i % PALETTE.length]; }

    /** Where each legend entry goes: {x, row offset}, wrapping to a new row when the chart's width is used up. */
    private List<double[]> legendLayout() {
        List<double[]> places = new ArrayList<>();
        if (series.size() < 2) return places;
        double x = LEFT;
        double row = 0;
        for (Series one : series) {
            double width = 24 + one.label().length() * CHAR_WIDTH + 18;
            if (x > LEFT && x + width > WIDTH - RIGHT) {
                x = LEFT;
                row += LEGEND_ROW;
            }
            places.add(new double[] {x, row});
            x += width;
        }
        return places;
    }

    private Axis valueAxis() {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series one : series) {
            for (double v : one.values()) {
                if (!Double.isFinite(v)) continue;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (!linearOnly && lo > 0 && hi / lo > LOG_RATIO) return Axis.logarithmic(lo, hi);
        return Axis.linear(lo, hi);
    }

    private static double min(double[] values) {
        double m = Double.POSITIVE_INFINITY;
        for (double v : values) m = Math.min(m, v);
        return m;
    }

    private static double max(double[] values) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : values) m = Math.max(m, v);
        return m;
    }

    /** A domain, its ticks, and where a value falls in it (0 at the low end, 1 at the high end). */
    record Axis(double from, double to, boolean log, double[] ticks, double step) {

        static Axis epochs(double first, double last) {
            if (first == last) return new Axis(first - 0.5, last + 0.5, false, new double[] {first}, 1);
            double step = Math.max(1, niceStep((last - first) / 12));
            double[] ticks = ticksBetween(Math.ceil(first / step) * step, last, step);
            // The first epoch gets a label too, unless it would crowd the first whole tick (1, 5, 10 but 2, 4, 6).
            if (ticks.length > 0 && ticks[0] - first >= 0.75 * step) {
                double[] more = new double[ticks.length + 1];
                more[0] = first;
                System.arraycopy(ticks, 0, more, 1, ticks.length);
                ticks = more;
            }
            return new Axis(first, last, false, ticks, step);
        }

        /** Rounded outwards to whole ticks, about five of them, so a line never runs along the frame. */
        static Axis linear(double lo, double hi) {
            if (lo == hi) {
                double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
                lo -= pad;
                hi += pad;
            }
            double step = niceStep((hi - lo) / 5);
            double from = Math.floor(lo / step) * step;
            double to = Math.ceil(hi / step) * step;
            return new Axis(from, to, false, ticksBetween(from, to, step), step);
        }

        /**
         * Rounded outwards to whole ticks, as a linear axis is: decades, and also 2× and 5× them when the data spans three
         * decades or less, so there are enough labels.
         */
        static Axis logarithmic(double lo, double hi) {
            double[] multiples = Math.log10(hi / lo) <= 3 ? new double[] {1, 2, 5} : new double[] {1};
            List<Double> candidates = new ArrayList<>();
            for (int e = (int) Math.floor(Math.log10(lo)) - 1; e <= (int) Math.ceil(Math.log10(hi)); e++) {
                for (double m : multiples) candidates.add(m * Math.pow(10, e));
            }
            // A tolerance, so 0.1 read back as 0.1000000000000001 still sits on its tick.
            double from = candidates.getFirst();
            double to = candidates.getLast();
            for (double t : candidates) {
                if (t <= lo * (1 + 1e-9)) from = t;
                if (t >= hi * (1 - 1e-9) && t < to) to = t;
            }
            List<Double> ticks = new ArrayList<>();
            for (double t : candidates) if (t >= from && t <= to) ticks.add(t);
            return new Axis(from, to, true, ticks.stream().mapToDouble(Double::doubleValue).toArray(), 0);
        }

        double position(double v) {
            if (log) return (Math.log10(v) - Math.log10(from)) / (Math.log10(to) - Math.log10(from));
            return (v - from) / (to - from);
        }

        String label(double v) {
            if (log) return HtmlReport.number(v);
            if (Math.abs(v) < step * 1e-6) return "0";
            if (step >= 1e-3 && Math.abs(v) < 1e6) {
                int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
                return String.format(Locale.ROOT, "%." + decimals + "f", v).replace('-', '−');
            }
            int digits = Math.max(0, Math.min(3, (int) (Math.floor(Math.log10(Math.abs(v)) + 1e-9)
                    - Math.floor(Math.log10(step) + 1e-9))));
            return HtmlReport.scientific(v, digits);
        }

        static String plain(double v) {
            return v == Math.rint(v) ? Long.toString((long) v) : HtmlReport.number(v);
        }

        /** 1, 2 or 5 times a power of ten, the nearest at or above {@code raw}. */
        static double niceStep(double raw) {
            double power = Math.pow(10, Math.floor(Math.log10(raw)));
            double m = raw / power;
            double nice = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10;
            return nice * power;
        }

        private static double[] ticksBetween(double from, double to, double step) {
            List<Double> ticks = new ArrayList<>();
            // Counted, not accumulated, so 0.1 steps do not drift to 0.30000000000000004.
            long n = Math.round(Math.floor((to - from) / step + 1e-9));
            for (long i = 0; i <= n; i++) ticks.add(from + i * step);
            return ticks.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }
}
