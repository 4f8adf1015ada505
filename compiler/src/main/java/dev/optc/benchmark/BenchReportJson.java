package dev.optc.benchmark;

import dev.optc.runtime.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link BenchReport} as one JSON object for machines. Every figure's name ends in its unit ({@code _ns},
 * {@code _gb_per_s}, {@code _gflop_per_s}, {@code _samples_per_s}, ...); fractions and speed-ups are plain ratios.
 */
public final class BenchReportJson {
    private BenchReportJson() {
    }

    public static String write(BenchReport report) {
        Map<String, Object> root = new LinkedHashMap<>();
        BenchReport.Setup s = report.setup();
        root.put("recipe", s.recipe());
        root.put("source", s.source());
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("jdk", s.jdk());
        setup.put("jmh", s.jmh());
        setup.put("backend", s.backend());
        setup.put("threads", s.threads());
        setup.put("quick", s.quick());
        setup.put("forks", s.forks());
        setup.put("warmup_iterations", s.warmupIterations());
        setup.put("warmup_ms", s.warmupMillis());
        setup.put("measurement_iterations", s.measurementIterations());
        setup.put("measurement_ms", s.measurementMillis());
        root.put("setup", setup);

        List<Object> updates = new ArrayList<>();
        for (BenchReport.UpdateStep u : report.updates()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rule", u.rule());
            m.put("group", u.group());
            m.put("parameters", u.parameters());
            m.put("arrays_read", u.arraysRead());
            m.put("arrays_written", u.arraysWritten());
            m.put("bytes_per_parameter", u.bytesPerParameter());
            m.put("lookahead_not_timed", u.lookahead());
            if (u.vector() != null) m.put("vector", timing(u.vector()));
            m.put("scalar", timing(u.scalar()));
            m.put("twin", timing(u.twin()));
            if (u.vector() != null) {
                m.put("vector_fraction_of_twin", u.vectorOfTwin());
                m.put("vector_speedup_over_scalar", u.vectorSpeedup());
            }
            m.put("scalar_fraction_of_twin", u.scalarOfTwin());
            updates.add(m);
        }
        root.put("update", updates);

        Map<String, Object> peak = new LinkedHashMap<>();
        peak.put("kind", report.peak().kind());
        peak.put("lanes", report.peak().lanes());
        peak.put("per_thread_gflop_per_s", report.peak().gflopsPerThread());
        peak.put("threads", report.peak().threads());
        peak.put("gflop_per_s", report.peak().gflops());
        root.put("fma_peak", peak);

        List<Object> dense = new ArrayList<>();
        for (BenchReport.DenseProduct p : report.products()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", p.layer());
            m.put("product", p.product());
            m.put("formula", p.formula());
            m.put("rows", p.rows());
            m.put("in", p.in());
            m.put("out", p.out());
            m.put("in_training", p.inTraining());
            m.put("flop", p.flops());
            m.put("time_ns", p.nsPerCall());
            m.put("gflop_per_s", p.gflops());
            m.put("fraction_of_peak", p.gflops() / report.peak().gflops());
            dense.add(m);
        }
        root.put("dense", dense);

        List<Object> batchNorms = new ArrayList<>();
        for (BenchReport.BatchNorm b : report.batchNorms()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", b.layer());
            m.put("rows", b.rows());
            m.put("width", b.width());
            m.put("forward_backward_ns", b.nsPerCall());
            m.put("ns_per_element", b.nsPerElement());
            batchNorms.add(m);
        }
        root.put("batch_norm", batchNorms);

        BenchReport.Epoch e = report.epoch();
        Map<String, Object> epoch = new LinkedHashMap<>();
        epoch.put("data", e.data());
        epoch.put("random_data", e.randomData());
        epoch.put("rows", e.rows());
        epoch.put("batch", e.batch());
        epoch.put("time_s", e.seconds());
        epoch.put("samples_per_s", e.samplesPerSecond());
        root.put("epoch", epoch);
        return Json.write(root);
    }

    private static Map<String, Object> timing(BenchReport.Timing t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time_ns", t.nsPerCall());
        m.put("ns_per_parameter", t.nsPerParameter());
        m.put("gb_per_s", t.gigabytesPerSecond());
        return m;
    }
}
