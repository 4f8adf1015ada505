package dev.optc.benchmark;

import java.util.Locale;

/** A {@link BenchReport} as tables for people. */
public final class BenchReportText {
    private BenchReportText() {
    }

    public static String write(BenchReport report) {
        StringBuilder out = new StringBuilder();
        BenchReport.Setup s = report.setup();
        line(out, "optc bench %s: recipe %s", s.source(), s.recipe());
        line(out, "JDK %s, JMH %s, %s kernels, %d thread%s; %s: %s, %d × %d ms warm-up, %d × %d ms measured; each figure is JMH's mean",
                s.jdk(), s.jmh(), s.backend(), s.threads(), s.threads() == 1 ? "" : "s", s.quick() ? "quick" : "full",
                s.forks() == 0 ? "in this JVM" : s.forks() + " forked JVM per benchmark", s.warmupIterations(), s.warmupMillis(),
                s.measurementIterations(), s.measurementMillis());
        for (BenchReport.UpdateStep u : report.updates()) {
            out.append('\n');
            line(out, "Fused update: %s%s over %,d parameters, %d bytes each (%d arrays read + %d written)%s", u.rule(),
                    u.group() == null ? "" : " (group " + u.group() + ")", u.parameters(), u.bytesPerParameter(),
                    u.arraysRead(), u.arraysWritten(), u.lookahead() ? "; the lookahead pass is not timed" : "");
            line(out, "  %-8s %12s %10s %8s %8s", "kernel", "µs/step", "ns/param", "GB/s", "of twin");
            if (u.vector() != null) timing(out, "vector", u.vector(), u.vectorOfTwin());
            timing(out, "scalar", u.scalar(), u.scalarOfTwin());
            timing(out, "twin", u.twin(), 1);
            if (u.vector() != null) line(out, "  vector/scalar speed-up %.2f×", u.vectorSpeedup());
        }
        BenchReport.FmaPeak peak = report.peak();
        if (!report.products().isEmpty()) {
            out.append('\n');
            line(out, "Dense layers at batch %d: GFLOP/s against the FMA peak (%s, %d lanes: %.1f GFLOP/s per thread, %.1f on %d)",
                    report.products().get(0).rows(), peak.kind(), peak.lanes(), peak.gflopsPerThread(), peak.gflops(), peak.threads());
            line(out, "  %-10s %-16s %-6s %-15s %10s %9s %8s", "layer", "product", "", "rows×in×out", "µs/call", "GFLOP/s", "of peak");
            for (BenchReport.DenseProduct p : report.products()) {
                line(out, "  %-10s %-16s %-6s %-15s %10.2f %9.1f %7.0f%%%s", p.layer(), p.product(), p.formula(),
                        p.rows() + "×" + p.in() + "×" + p.out(), p.nsPerCall() / 1e3, p.gflops(), 100 * p.gflops() / peak.gflops(),
                        p.inTraining() ? "" : "  (not in training: the input needs no gradient)");
            }
        }
        if (!report.batchNorms().isEmpty()) {
            out.append('\n');
            line(out, "Batch norm, forward + backward of one training step");
            line(out, "  %-10s %-12s %10s %10s", "layer", "rows×width", "µs/step", "ns/value");
            for (BenchReport.BatchNorm b : report.batchNorms()) {
                line(out, "  %-10s %-12s %10.2f %10.3f", b.layer(), b.rows() + "×" + b.width(), b.nsPerCall() / 1e3, b.nsPerElement());
            }
        }
        BenchReport.Epoch e = report.epoch();
        out.append('\n');
        line(out, "Training epoch: %,d rows of %s%s, batch %d: %.4f s, %,.0f samples/s", e.rows(), e.data(),
                e.randomData() ? " (the recipe's data was not found)" : "", e.batch(), e.seconds(), e.samplesPerSecond());
        return out.toString();
    }

    private static void timing(StringBuilder out, String name, BenchReport.Timing t, double ofTwin) {
        line(out, "  %-8s %12.2f %10.4f %8.1f %8.2f", name, t.nsPerCall() / 1e3, t.nsPerParameter(), t.gigabytesPerSecond(), ofTwin);
    }

    private static void line(StringBuilder out, String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
