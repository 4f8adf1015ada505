package dev.optc.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompiledRecipe;
import dev.optc.api.Optc;
import dev.optc.runtime.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code CompiledRecipe.benchmark} from the embedding API, on a recipe compiled from text whose data file does not
 * exist: Adam's 28 bytes per parameter, a batch-norm layer, two dense layers, an epoch on random rows. Shapes are
 * written out from the recipe below; times are only required to be positive and finite.
 */
class RecipeBenchTest {
    private static final String SOURCE = """
            model Bn(x: 8) -> 4 {
                h1 = relu(batchnorm(dense(x, 16, bias: false)))
                return dense(h1, 4)
            }
            recipe bn {
                data      = csv("no-such-file.csv")
                model     = Bn
                loss      = softmax_cross_entropy
                optimizer = adam(lr: 0.01)
                batch     = 16
                epochs    = 1
                seed      = 3
            }
            """;

    @Test
    void quickBenchmarkOfARecipeCompiledFromText() throws Exception {
        CompiledRecipe recipe = Optc.compile(SOURCE, "bn.opt").first();
        BenchReport report = recipe.benchmark(BenchOptions.defaults().withQuick(true).withThreads(1));

        assertEquals(0, report.setup().forks(), "a recipe compiled from text is measured in this JVM");
        BenchReport.UpdateStep update = report.updates().get(0);
        assertEquals(1, report.updates().size());
        assertEquals("adam", update.rule());
        assertNull(update.group());
        // h1.weight 16×8, h1_bn.weight and .bias 16 each, out.weight 4×16, out.bias 4.
        assertEquals(16 * 8 + 16 + 16 + 4 * 16 + 4, update.parameters());
        // θ, g, s, r read; θ, s, r written.
        assertEquals(4, update.arraysRead());
        assertEquals(3, update.arraysWritten());
        assertEquals(28, update.bytesPerParameter());
        for (BenchReport.Timing t : new BenchReport.Timing[] {update.scalar(), update.twin()}) positive(t.nsPerCall(), "update");

        assertEquals(List.of("h1", "h1", "h1", "out", "out", "out"),
                report.products().stream().map(BenchReport.DenseProduct::layer).toList());
        BenchReport.DenseProduct first = report.products().get(0);
        assertEquals(16, first.rows());
        assertEquals(8, first.in());
        assertEquals(16, first.out());
        report.products().forEach(p -> positive(p.gflops(), p.layer() + " " + p.product()));
        positive(report.peak().gflopsPerThread(), "peak");

        assertEquals(1, report.batchNorms().size());
        BenchReport.BatchNorm bn = report.batchNorms().get(0);
        assertEquals("h1_bn", bn.layer());
        assertEquals(16, bn.rows());
        assertEquals(16, bn.width());
        positive(bn.nsPerCall(), "batch norm");

        assertTrue(report.epoch().randomData(), "no-such-file.csv: random rows stand in");
        assertEquals(BenchSubject.RANDOM_ROWS, report.epoch().rows());
        positive(report.epoch().samplesPerSecond(), "epoch");

        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(BenchReportJson.write(report));
        @SuppressWarnings("unchecked")
        Map<String, Object> bnJson = (Map<String, Object>) ((List<Object>) json.get("batch_norm")).get(0);
        positive(((Number) bnJson.get("forward_backward_ns")).doubleValue(), "json batch norm");
        positive(((Number) bnJson.get("ns_per_element")).doubleValue(), "json batch norm");
        assertTrue(BenchReportText.write(report).contains("h1_bn"), "the text names the batch-norm layer");
    }

    @Test
    void anObjectiveIsNotAModelRecipe() throws Exception {
        CompiledRecipe recipe = Optc.compile("""
                objective bowl(p: 2 = [1, 1]) { return sum(p ^ 2) }
                recipe r { objective = bowl  optimizer = sgd(lr: 0.1)  steps = 5 }
                """, "o.opt").first();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> recipe.benchmark(BenchOptions.defaults().withQuick(true)));
        assertTrue(e.getMessage().contains("model recipes"), e.getMessage());
    }

    private static void positive(double value, String what) {
        assertTrue(Double.isFinite(value) && value > 0, what + " = " + value);
    }
}
