package dev.optc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.runtime.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code optc bench --quick --json samples/digits.opt} as a user runs it: one JSON object with every figure the issue
 * names, each positive and finite, for the sample's own shapes (written out here from digits.opt: 64 → 128 → 64 → 10,
 * batch 32, sgd, 20% of the rows held out). No figure is compared with a time: the machine is shared.
 */
class BenchCommandTest {
    private static final int[][] LAYERS = {{64, 128}, {128, 64}, {64, 10}};

    @Test
    @SuppressWarnings("unchecked")
    void quickJsonHasEveryFigureOfTheDigitsRecipePositiveAndFinite() throws Exception {
        DigitsSampleTest.Run run = DigitsSampleTest.optc("bench", "--quick", "--json", "digits.opt");
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(1, lines.size(), "one JSON object on one line:\n" + run.out());
        Map<String, Object> report = (Map<String, Object>) Json.parse(lines.get(0));
        assertEquals("digits", report.get("recipe"));

        List<Object> updates = (List<Object>) report.get("update");
        assertEquals(1, updates.size(), "one optimizer");
        Map<String, Object> update = (Map<String, Object>) updates.get(0);
        assertEquals("sgd", update.get("rule"));
        int parameters = 0;
        for (int[] l : LAYERS) parameters += l[0] * l[1] + l[1];
        assertEquals(parameters, number(update.get("parameters")));
        // sgd reads θ and g and writes θ: 4 bytes each.
        assertEquals(12.0, number(update.get("bytes_per_parameter")));
        for (String kernel : List.of("vector", "scalar", "twin")) {
            Map<String, Object> timing = (Map<String, Object>) update.get(kernel);
            for (String figure : List.of("time_ns", "ns_per_parameter", "gb_per_s")) positive(timing, figure, kernel);
        }
        for (String figure : List.of("vector_fraction_of_twin", "scalar_fraction_of_twin", "vector_speedup_over_scalar")) {
            positive(update, figure, "update");
        }

        Map<String, Object> peak = (Map<String, Object>) report.get("fma_peak");
        positive(peak, "per_thread_gflop_per_s", "fma_peak");
        positive(peak, "gflop_per_s", "fma_peak");

        List<Object> dense = (List<Object>) report.get("dense");
        assertEquals(3 * LAYERS.length, dense.size(), "three products per dense layer");
        for (int i = 0; i < dense.size(); i++) {
            Map<String, Object> product = (Map<String, Object>) dense.get(i);
            int[] layer = LAYERS[i / 3];
            assertEquals(List.of("forward", "backwardInput", "backwardWeights").get(i % 3), product.get("product"));
            assertEquals(32.0, number(product.get("rows")));
            assertEquals(layer[0], number(product.get("in")));
            assertEquals(layer[1], number(product.get("out")));
            assertEquals(2.0 * 32 * layer[0] * layer[1], number(product.get("flop")));
            for (String figure : List.of("time_ns", "gflop_per_s", "fraction_of_peak")) positive(product, figure, "dense " + i);
        }
        // The first layer's input is the data: training never computes its dY·W.
        assertEquals(false, ((Map<String, Object>) dense.get(1)).get("in_training"));
        assertEquals(true, ((Map<String, Object>) dense.get(4)).get("in_training"));

        assertEquals(List.of(), report.get("batch_norm"), "digits.opt has no batch norm");

        Map<String, Object> epoch = (Map<String, Object>) report.get("epoch");
        assertEquals(false, epoch.get("random_data"), "the sample's data is shipped");
        long rows = Files.readAllLines(Path.of("data/digits.csv")).stream().filter(l -> !l.isBlank()).count() - 1;
        assertEquals(rows - Math.round(0.2 * rows), number(epoch.get("rows")), "the training rows, validation held out");
        positive(epoch, "time_s", "epoch");
        positive(epoch, "samples_per_s", "epoch");
    }

    @Test
    void anObjectiveRecipeIsRefusedWithOneLine() {
        DigitsSampleTest.Run run = DigitsSampleTest.optc("bench", "--quick", "objectives/rosenbrock.opt");
        assertEquals(1, run.exitCode(), run.out());
        assertTrue(run.err().contains("optc bench measures model recipes"), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
    }

    private static void positive(Map<String, Object> figures, String name, String where) {
        Object value = figures.get(name);
        assertInstanceOf(Number.class, value, where + "." + name + " is missing or not a number: " + figures);
        double d = ((Number) value).doubleValue();
        assertTrue(Double.isFinite(d) && d > 0, where + "." + name + " = " + d);
    }

    /** A JSON number (integers read as Long, others as Double) as a double. */
    private static double number(Object value) {
        assertInstanceOf(Number.class, value, "not a number: " + value);
        return ((Number) value).doubleValue();
    }
}
