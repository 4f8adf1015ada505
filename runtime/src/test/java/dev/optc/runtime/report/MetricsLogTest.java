package dev.optc.runtime.report;

import dev.optc.runtime.json.Json;
import dev.optc.runtime.EpochReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsLogTest {

    @TempDir
    Path dir;

    /** 8.2.1's figures under their keys: εgᵀg and ½ε²gᵀHg worked out here from gᵀg, gᵀHg and ε. */
    @Test
    void curvatureIsLoggedWithBothTaylorTerms() throws IOException {
        Path run = dir.resolve("runs/curved");
        try (MetricsLog log = MetricsLog.open(run, "curved", Map.of())) {
            log.epoch(new EpochReport(1, 1, 1, 1, 1, 1, 1, 0.5, 2.0, new dev.optc.runtime.Curvature(4.0, 6.0, 0.5)), Map.of());
            log.epoch(new EpochReport(2, 2, 1, 1, 1, 1, 2, Double.NaN, 2.0, new dev.optc.runtime.Curvature(4.0, 6.0, Double.NaN)), Map.of());
        }
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertTrue(lines.get(0).endsWith(",\"lr\":0.5,\"grad_norm\":2,\"curvature.gTg\":4,\"curvature.gTHg\":6,"
                + "\"taylor.eps_gTg\":2,\"taylor.half_eps2_gTHg\":0.75}"), lines.get(0));
        assertTrue(lines.get(1).endsWith(",\"grad_norm\":2,\"curvature.gTg\":4,\"curvature.gTHg\":6}"),
                "without a learning rate, no Taylor terms: " + lines.get(1));
    }

    @Test
    void writesOneFlushedLinePerEpochWithNaNAsNull() throws IOException {
        Path run = dir.resolve("runs/digits");
        Map<String, Double> extra = new LinkedHashMap<>();
        extra.put("lr", 0.1);
        extra.put("weight_norm.h1.weight", 3.5);
        try (MetricsLog log = MetricsLog.open(run, "digits", Map.of("parameters", "17226"))) {
            log.epoch(new EpochReport(1, 2, 1.5, Double.NaN, Double.NaN, 0.25, 45), extra);
            // Flushed as written: a run killed now keeps the line.
            assertEquals(List.of("{\"epoch\":1,\"epochs\":2,\"train_loss\":1.5,\"val_loss\":null,\"val_accuracy\":null,"
                            + "\"seconds\":0.25,\"steps\":45,\"lr\":0.1,\"weight_norm.h1.weight\":3.5}"),
                    Files.readAllLines(run.resolve("metrics.jsonl")));
            log.epoch(new EpochReport(2, 2, 0.75, 0.5, 0.875, 0.5, 90), Map.of("lr", 1e-4));
        }

        RunHistory history = RunHistory.read(run);
        assertEquals(2, history.epochs().size());
        assertEquals(List.of("epoch", "epochs", "train_loss", "val_loss", "val_accuracy", "seconds", "steps", "lr",
                "weight_norm.h1.weight"), List.copyOf(history.keys()));
        assertTrue(Double.isNaN(history.series("val_loss")[0]));
        assertEquals(0.5, history.series("val_loss")[1]);
        assertEquals(0.875, history.series("val_accuracy")[1]);
        assertEquals(1e-4, history.series("lr")[1]);
        assertTrue(Double.isNaN(history.series("weight_norm.h1.weight")[1]), "absent from the second line");
        assertEquals(90.0, history.series("steps")[1]);

        assertEquals("digits", history.run().get("recipe"));
        assertEquals("17226", history.run().get("parameters"));
        assertTrue(history.run().get("started") instanceof String s && s.endsWith("Z"), history.run().toString());
        assertTrue(history.run().containsKey("finished"));
    }

    @Test
    void reopeningStartsAFreshLog() throws IOException {
        try (MetricsLog log = MetricsLog.open(dir, "r", Map.of())) {
            log.epoch(new EpochReport(1, 1, 1, 1, 1, 1, 1), Map.of());
        }
        try (MetricsLog log = MetricsLog.open(dir, "r", Map.of())) {
            log.epoch(new EpochReport(1, 1, 2, 2, 2, 2, 2), Map.of());
        }
        assertEquals(1, Files.readAllLines(dir.resolve("metrics.jsonl")).size());
    }

    @Test
    void theReportsLearningRateAndGradientNormComeFirst() throws IOException {
        try (MetricsLog log = MetricsLog.open(dir, "r", Map.of())) {
            log.epoch(new EpochReport(1, 1, 1, 1, 1, 1, 1, 0.5, 2.0), Map.of("lr", 9.0, "grad_norm", 9.0));
            log.epoch(new EpochReport(1, 1, 1, 1, 1, 1, 1, Double.NaN, Double.NaN), Map.of("lr", 9.0));
        }
        RunHistory history = RunHistory.read(dir);
        assertEquals(List.of(0.5, 9.0), List.of(history.series("lr")[0], history.series("lr")[1]));
        assertEquals(2.0, history.series("grad_norm")[0]);
        assertTrue(Double.isNaN(history.series("grad_norm")[1]));
    }

    @Test
    void resumingKeepsTheCheckpointedEpochsAndDropsTheRest() throws IOException {
        try (MetricsLog log = MetricsLog.open(dir, "r", Map.of("seed", "1"))) {
            for (int e = 1; e <= 4; e++) log.epoch(new EpochReport(e, 6, 1.0 / e, 1, 1, 1, e), Map.of());
        }
        String started = (String) RunHistory.read(dir).run().get("started");
        // A kill in the middle of writing epoch 5's line.
        Files.writeString(dir.resolve("metrics.jsonl"), "{\"epoch\":5,\"train_lo", java.nio.file.StandardOpenOption.APPEND);
        assertEquals(4, RunHistory.read(dir).epochs().size(), "a line cut short at the end is left out");
        try (MetricsLog log = MetricsLog.resume(dir, "r", Map.of("seed", "1"), 3)) {
            log.epoch(new EpochReport(4, 6, 0.2, 1, 1, 1, 4), Map.of());
        }
        RunHistory history = RunHistory.read(dir);
        assertEquals(List.of(1.0, 2.0, 3.0, 4.0), java.util.Arrays.stream(history.series("epoch")).boxed().toList());
        assertEquals(0.2, history.series("train_loss")[3], "epoch 4 is the resumed run's");
        assertEquals(started, history.run().get("started"));
        assertTrue(history.run().containsKey("resumed"));
        assertEquals("1", history.run().get("seed"));
    }

    @Test
    void extrasMayNotShadowTheStandardFigures() throws IOException {
        try (MetricsLog log = MetricsLog.open(dir, "r", Map.of())) {
            assertThrows(IllegalArgumentException.class,
                    () -> log.epoch(new EpochReport(1, 1, 1, 1, 1, 1, 1), Map.of("train_loss", 0.0)));
        }
    }

    @Test
    void jsonReadsWhatOtherWritersWrite() {
        // Written by hand, in forms this class's writer never produces: spaces, escapes, exponents, nesting.
        Object parsed = Json.parse(" { \"a\\\"b\" : [1.5e2, -0.25, true, null], \"c\" : {\"d\": \"\\u00e9\\n\"} } ");
        assertEquals(Map.of("a\"b", java.util.Arrays.asList(150.0, -0.25, true, null), "c", Map.of("d", "é\n")), parsed);
        Map<String, Object> written = new LinkedHashMap<>();
        written.put("k", "tab\tquote\"");
        written.put("n", null);
        written.put("x", List.of(1, 2.5, Double.POSITIVE_INFINITY));
        assertEquals("{\"k\":\"tab\\tquote\\\"\",\"n\":null,\"x\":[1,2.5,null]}", Json.write(written));
        Json.SyntaxError e = assertThrows(Json.SyntaxError.class, () -> Json.parse("{\"a\":1,}"));
        assertEquals(8, e.position());
    }
}
