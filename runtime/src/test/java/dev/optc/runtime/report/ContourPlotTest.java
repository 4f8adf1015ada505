package dev.optc.runtime.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Marching squares against level sets known in closed form, and the figure as a standalone SVG document. */
class ContourPlotTest {
    private static double[] grid(double from, double to, int n) {
        double[] g = new double[n];
        for (int i = 0; i < n; i++) g[i] = from + (to - from) * i / (n - 1);
        return g;
    }

    private static double[][] sample(double[] xs, double[] ys, java.util.function.DoubleBinaryOperator f) {
        double[][] v = new double[xs.length][ys.length];
        for (int i = 0; i < xs.length; i++) for (int j = 0; j < ys.length; j++) v[i][j] = f.applyAsDouble(xs[i], ys[j]);
        return v;
    }

    @Test
    void theLevelSetOfADiscIsTheCircle() {
        double[] xs = grid(-2, 2, 81), ys = grid(-2, 2, 81);
        List<double[]> segments = ContourPlot.segments(xs, ys, sample(xs, ys, (x, y) -> x * x + y * y), 1.0);
        double length = 0;
        for (double[] s : segments) {
            // Linear interpolation of r² across a cell of side h = 0.05 misses the circle by at most about h²/8.
            assertEquals(1, Math.hypot(s[0], s[1]), 1e-3);
            assertEquals(1, Math.hypot(s[2], s[3]), 1e-3);
            length += Math.hypot(s[2] - s[0], s[3] - s[1]);
        }
        assertEquals(2 * Math.PI, length, 2 * Math.PI * 1e-3, "the polygon is the whole circle, once");
    }

    @Test
    void saddlesAreSplitByTheCellsMean() {
        // f = xy crosses 0 along both axes; a cell centred on the origin has opposite corners on the same side.
        double[] xs = {-1, 1}, ys = {-1, 1};
        List<double[]> segments = ContourPlot.segments(xs, ys, sample(xs, ys, (x, y) -> x * y + 0.1), 0.0);
        assertEquals(2, segments.size());
        for (double[] s : segments) {
            // The mean (0.1) is above 0, so the two corners below (where xy = −1) are cut off on their own.
            assertTrue(Math.signum(s[0] + s[2]) == -Math.signum(s[1] + s[3]), java.util.Arrays.toString(s));
        }
    }

    @Test
    void levelsAreIncreasingQuantilesConcentratedLow() {
        double[][] values = new double[10][10];
        for (int i = 0; i < 10; i++) for (int j = 0; j < 10; j++) values[i][j] = i * 10 + j;
        double[] levels = ContourPlot.levels(values);
        for (int k = 1; k < levels.length; k++) assertTrue(levels[k] > levels[k - 1]);
        assertTrue(levels[ContourPlot.LEVELS / 2] < 50, "more lines below the median than above it");
    }

    @Test
    void theFigureIsAStandaloneSvgWithAPathAndALegendEntryPerOptimizer() throws Exception {
        ContourPlot plot = new ContourPlot("valley <test>", "θ₁", "θ₂")
                .add(new ContourPlot.Path2D("sgd", new double[][] {{-8, 1}, {-7, -0.9}, {-6, 0.8}}, false))
                .add(new ContourPlot.Path2D("sgd: θ̂", new double[][] {{-8, 1}, {-7.5, 0.05}, {Double.NaN, 0}, {-7, 0.3}}, true));
        String svg = plot.svg((x, y) -> 0.5 * (x * x + 100 * y * y));
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertEquals("svg", doc.getDocumentElement().getTagName());
        NodeList paths = doc.getElementsByTagName("path");
        int series = 0, contours = 0;
        for (int i = 0; i < paths.getLength(); i++) {
            Element p = (Element) paths.item(i);
            if (p.hasAttribute("data-series")) series++;
            else contours++;
        }
        assertEquals(2, series);
        assertTrue(contours >= 5, contours + " contour levels");
        assertTrue(svg.contains("stroke-dasharray"), "the averaged path is dashed");
        assertTrue(svg.contains("valley &lt;test&gt;"));
        assertTrue(!svg.contains("href"), "nothing to fetch");
    }
}
