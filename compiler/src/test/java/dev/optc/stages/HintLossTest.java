package dev.optc.stages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompiledRecipe;
import dev.optc.api.Optc;
import dev.optc.api.StagedRun;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.checkpoint.Safetensors;
import dev.optc.runtime.checkpoint.Tensor;
import dev.optc.runtime.data.Dataset;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FitNets with the teacher loaded from a checkpoint: the hint stage's first loss, before any step, equals
 * w · mean ½‖relu(x·Wₜᵀ + bₜ) − r(tanh(tanh(x·W₁ᵀ + b₁)·W₂ᵀ + b₂))‖² written out here in double.
 */
class HintLossTest {
    private static final String SOURCE = """
            model Wide(x: 6) -> 3 {
                h1 = relu(dense(x, 8))
                return dense(h1, 3)
            }
            model Deep(x: 6) -> 3 {
                h1 = tanh(dense(x, 5))
                h2 = tanh(dense(h1, 4))
                h3 = tanh(dense(h2, 7))
                return dense(h3, 3)
            }
            recipe student {
                data      = csv("unused.csv")
                model     = Deep
                loss      = softmax_cross_entropy
                optimizer = sgd(lr: 0.05)
                batch     = full
                teacher   = load("wide.safetensors", model: Wide)
                hints     = [hint(student: h2, teacher: h1, weight: 0.5)]
                stages    = [hints(epochs: 1), finetune(epochs: 1)]
            }
            """;

    @Test
    void theFirstHintLossIsTheFormulaOnTheLoadedTeacher(@TempDir Path dir) throws Exception {
        SplittableRandom random = new SplittableRandom(21);
        float[] wt = new float[8 * 6], bt = new float[8];
        for (int i = 0; i < wt.length; i++) wt[i] = (float) random.nextGaussian();
        for (int i = 0; i < bt.length; i++) bt[i] = (float) (random.nextGaussian() * 0.1);
        Map<String, Tensor> teacher = new LinkedHashMap<>();
        teacher.put("h1.weight", new Tensor(new int[] {8, 6}, wt));
        teacher.put("h1.bias", new Tensor(new int[] {8}, bt));
        Safetensors.write(dir.resolve("wide.safetensors"), teacher, Map.of());
        CompiledRecipe recipe = Optc.compile(SOURCE, "hint.opt").recipe("student");
        Dataset data = StagesTest.data(40, 6);

        StagesTest.Recorder recorder = new StagesTest.Recorder();
        StagedRun.train(recipe, TrainOptions.defaults(), dir, data, null, recorder);
        StagesTest.Seen hints = recorder.seen.get(0);
        Map<String, float[]> p = hints.before();
        double total = 0;
        for (int r = 0; r < data.rows(); r++) {
            double[] x = new double[6];
            for (int j = 0; j < 6; j++) x[j] = data.features()[r * 6 + j];
            double[] target = layer(x, wt, bt, 8, true, false);
            double[] h1 = layer(x, p.get("h1.weight"), p.get("h1.bias"), 5, false, true);
            double[] h2 = layer(h1, p.get("h2.weight"), p.get("h2.bias"), 4, false, true);
            double[] regressed = layer(h2, p.get("h2_regressor.weight"), p.get("h2_regressor.bias"), 8, false, false);
            for (int j = 0; j < 8; j++) total += 0.5 * (target[j] - regressed[j]) * (target[j] - regressed[j]);
        }
        double expected = 0.5 * total / data.rows();
        double reported = hints.epochs().get(0).trainLoss(); // one full-batch step: the loss before it
        assertEquals(expected, reported, 1e-5 * expected, "hint loss");
        assertTrue(expected > 0.1, "a loss worth comparing: " + expected);
    }

    @Test
    void aTeacherCheckpointWithoutTheHintedLayerIsAnErrorNamingTheTensor(@TempDir Path dir) throws Exception {
        Safetensors.write(dir.resolve("wide.safetensors"), Map.of("h1.weight", new Tensor(new int[] {8, 6}, new float[48])), Map.of());
        CompiledRecipe recipe = Optc.compile(SOURCE, "hint.opt").recipe("student");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                StagedRun.train(recipe, TrainOptions.defaults(), dir, StagesTest.data(10, 1), null, new StagesTest.Recorder()));
        assertTrue(e.getMessage().contains("has no tensor h1.bias"), e.getMessage());
    }

    /** y = f(x·Wᵀ + b) for one row, W [out, in]: relu, tanh, or the identity. */
    private static double[] layer(double[] x, float[] w, float[] b, int out, boolean relu, boolean tanh) {
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = b[o];
            for (int k = 0; k < x.length; k++) s += (double) w[o * x.length + k] * x[k];
            y[o] = relu ? Math.max(0, s) : tanh ? Math.tanh(s) : s;
        }
        return y;
    }
}
