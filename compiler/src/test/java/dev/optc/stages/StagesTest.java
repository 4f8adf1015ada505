package dev.optc.stages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.api.CompiledRecipe;
import dev.optc.api.Optc;
import dev.optc.api.StagedRun;
import dev.optc.runtime.EpochReport;
import dev.optc.runtime.ParameterSpec;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.TrainResult;
import dev.optc.runtime.checkpoint.Safetensors;
import dev.optc.runtime.checkpoint.Tensor;
import dev.optc.runtime.data.Dataset;
import dev.optc.runtime.stages.Stage;
import dev.optc.runtime.stages.StageListener;
import dev.optc.runtime.train.CompiledTrainer;
import dev.optc.runtime.train.Optimizable;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stages as the seed's 8.7.4 describes them: greedy pretraining (figure 8.7), freezing, transfer and FitNets hints. */
class StagesTest {
    private static final String MODEL = """
            model Deep(x: 6) -> 3 {
                h1 = tanh(dense(x, 5))
                h2 = tanh(dense(h1, 4))
                h3 = tanh(dense(h2, 7))
                return dense(h3, 3)
            }
            """;

    /** What a listener saw of one stage: its trainer's tensors when it started (tensors moved in) and when it ended. */
    record Seen(Stage stage, Map<String, int[]> shapes, Map<String, float[]> before, Map<String, float[]> after,
                float[][] statesBefore, float[][] statesAfter, float[] gradients, List<EpochReport> epochs) {
    }

    static final class Recorder implements StageListener {
        final List<Seen> seen = new ArrayList<>();
        private Map<String, float[]> before;
        private float[][] statesBefore;
        private final List<EpochReport> epochs = new ArrayList<>();

        @Override
        public void stageStarted(int index, int count, Stage stage, CompiledTrainer trainer) {
            before = copy(trainer);
            statesBefore = states(trainer);
            epochs.clear();
        }

        @Override
        public void epochEnded(int index, Stage stage, EpochReport report) {
            epochs.add(report);
        }

        @Override
        public void stageEnded(int index, Stage stage, CompiledTrainer trainer, TrainResult result) {
            if (index < 0) return;
            seen.add(new Seen(stage, trainer.tensorShapes(), before, copy(trainer), statesBefore, states(trainer),
                    trainer.flatGradients().clone(), List.copyOf(epochs)));
        }
    }

    static Map<String, float[]> copy(CompiledTrainer trainer) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (ParameterSpec p : trainer.parameters()) out.put(p.name(), trainer.parameter(p.name()));
        return out;
    }

    /** The optimizer's per-element state arrays (protected: the checkpoint's view of them). */
    static float[][] states(CompiledTrainer trainer) {
        try {
            Method m = Optimizable.class.getDeclaredMethod("optimizerStates");
            m.setAccessible(true);
            float[][] live = (float[][]) m.invoke(trainer);
            float[][] out = new float[live.length][];
            for (int i = 0; i < live.length; i++) out[i] = live[i].clone();
            return out;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Three classes told apart by the sign pattern of the first features, with noise: learnable, not trivial. */
    static Dataset data(int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[rows * 6];
        int[] y = new int[rows];
        for (int r = 0; r < rows; r++) {
            y[r] = random.nextInt(3);
            for (int j = 0; j < 6; j++) x[r * 6 + j] = (float) ((j == y[r] ? 1.5 : 0) + random.nextGaussian() * 0.5);
        }
        return new Dataset("synthetic", x, y, rows, 6, 3);
    }

    static CompiledRecipe compile(String source, String recipe) throws Exception {
        return Optc.compile(source, "stages.opt").recipe(recipe);
    }

    @Test
    void greedyPretrainingHasTheStagesOfFigure87AndLeavesFrozenLayersAndTheirStateUntouched() throws Exception {
        CompiledRecipe recipe = compile(MODEL + """
                recipe deep {
                    data      = csv("unused.csv")
                    model     = Deep
                    loss      = softmax_cross_entropy
                    optimizer = adam(lr: 0.01)
                    batch     = 16
                    seed      = 5
                    stages    = [greedy_layerwise(epochs: 2, freeze: true), finetune(epochs: 2)]
                }
                """, "deep");
        Recorder recorder = new Recorder();
        StagedRun.train(recipe, TrainOptions.defaults(), Path.of("."), data(200, 1), data(60, 2), recorder);
        List<Seen> seen = recorder.seen;
        assertEquals(4, seen.size(), "three greedy stages (one per hidden layer), then finetune");

        // (a) a shallow network: x → h1 → a new output layer.
        assertShapes(seen.get(0), Map.of("h1.weight", new int[] {5, 6}, "h1.bias", new int[] {5},
                "out_greedy1.weight", new int[] {3, 5}, "out_greedy1.bias", new int[] {3}));
        // (c) keep h1, add h2 and another new output layer.
        assertShapes(seen.get(1), Map.of("h1.weight", new int[] {5, 6}, "h1.bias", new int[] {5}, "h2.weight", new int[] {4, 5},
                "h2.bias", new int[] {4}, "out_greedy2.weight", new int[] {3, 4}, "out_greedy2.bias", new int[] {3}));
        // The last hidden layer gets the model's own output layer: the result of (d).
        assertShapes(seen.get(2), Map.of("h1.weight", new int[] {5, 6}, "h1.bias", new int[] {5}, "h2.weight", new int[] {4, 5},
                "h2.bias", new int[] {4}, "h3.weight", new int[] {7, 4}, "h3.bias", new int[] {7},
                "out.weight", new int[] {3, 7}, "out.bias", new int[] {3}));
        assertEquals(seen.get(2).shapes().keySet(), seen.get(3).shapes().keySet(), "finetune trains the whole model");

        assertEquals(List.of(), seen.get(0).stage().frozen());
        assertEquals(List.of("h1"), seen.get(1).stage().frozen());
        assertEquals(List.of("h1", "h2"), seen.get(2).stage().frozen());
        assertEquals(List.of(), seen.get(3).stage().frozen());
        assertEquals(List.of("h1", "h2", "h3", "out"), seen.get(3).stage().trainable());

        for (int s = 0; s < seen.size(); s++) {
            Seen stage = seen.get(s);
            for (String name : stage.after().keySet()) {
                String layer = name.substring(0, name.indexOf('.'));
                boolean frozen = stage.stage().frozen().contains(layer);
                if (frozen) {
                    assertArrayEquals(stage.before().get(name), stage.after().get(name), "frozen " + name + " in stage " + (s + 1));
                } else {
                    assertFalse(Arrays.equals(stage.before().get(name), stage.after().get(name)), name + " trains in stage " + (s + 1));
                }
                // Tensors pass by name: what a stage starts from is what the previous one ended with.
                if (s > 0 && seen.get(s - 1).after().containsKey(name)) {
                    assertArrayEquals(seen.get(s - 1).after().get(name), stage.before().get(name), name + " moved into stage " + (s + 1));
                }
            }
            // The new output layers are discarded: nothing carries out_greedy1 into stage 2.
            if (s > 0) assertFalse(stage.after().containsKey("out_greedy" + s));
        }

        // requires_grad=False: frozen ranges get no gradient, and Adam's s and r there never move from 0.
        Seen third = seen.get(2);
        int frozenEnd = 5 * 6 + 5 + 4 * 5 + 4; // h1 and h2 come first in the flat buffer
        for (int i = 0; i < frozenEnd; i++) assertEquals(0f, third.gradients()[i], "gradient of a frozen element " + i);
        boolean moved = false;
        for (int k = 0; k < third.statesAfter().length; k++) {
            for (int i = 0; i < frozenEnd; i++) assertEquals(third.statesBefore()[k][i], third.statesAfter()[k][i], "state " + k + " at " + i);
            for (int i = frozenEnd; i < third.statesAfter()[k].length; i++) moved |= third.statesAfter()[k][i] != third.statesBefore()[k][i];
        }
        assertTrue(moved, "the trainable layers' state moves");
    }

    @Test
    void theSameSeedTrainsTheSameStagesBitForBit() throws Exception {
        String source = MODEL + """
                recipe deep {
                    data      = csv("unused.csv")
                    model     = Deep
                    loss      = softmax_cross_entropy
                    optimizer = momentum(lr: 0.05)
                    batch     = 8
                    seed      = 12
                    stages    = [greedy_layerwise(epochs: 1), finetune(epochs: 2)]
                }
                """;
        Map<String, Tensor> first = StagedRun.train(compile(source, "deep"), TrainOptions.defaults(), Path.of("."), data(64, 7), null,
                new Recorder()).trainer().tensors();
        Map<String, Tensor> second = StagedRun.train(compile(source, "deep"), TrainOptions.defaults(), Path.of("."), data(64, 7), null,
                new Recorder()).trainer().tensors();
        assertEquals(first.keySet(), second.keySet());
        first.forEach((name, t) -> assertArrayEquals(t.data(), second.get(name).data(), name));
    }

    @Test
    void aStageMayNameItsOwnUpdateRuleAndTheOthersUseTheRecipes() throws Exception {
        CompiledRecipe recipe = compile(MODEL + """
                recipe deep {
                    data      = csv("unused.csv")
                    model     = Deep
                    loss      = softmax_cross_entropy
                    optimizer = adam(lr: 0.01)
                    stages    = [greedy_layerwise(epochs: 1), finetune(epochs: 1, optimizer: momentum(lr: 0.02, alpha: 0.8))]
                }
                """, "deep");
        var stages = recipe.stages().stages();
        CompiledTrainer greedy = (CompiledTrainer) stages.get(0).trainer().newTrainer(TrainOptions.defaults());
        CompiledTrainer finetune = (CompiledTrainer) stages.get(3).trainer().newTrainer(TrainOptions.defaults());
        assertEquals(0.01, greedy.hyperparameter("lr"), 1e-12);
        assertTrue(greedy.hyperparameterNames().contains("rho2"), "adam in the greedy stages");
        assertEquals(0.02, finetune.hyperparameter("lr"), 1e-12);
        assertEquals(0.8, finetune.hyperparameter("alpha"), 1e-12);
    }

    @Test
    void withoutFreezingEveryGreedyStageTrainsAllItsLayers() throws Exception {
        CompiledRecipe recipe = compile(MODEL + """
                recipe deep {
                    data      = csv("unused.csv")
                    model     = Deep
                    loss      = softmax_cross_entropy
                    optimizer = sgd(lr: 0.1)
                    stages    = [greedy_layerwise(epochs: 1, freeze: false)]
                }
                """, "deep");
        Recorder recorder = new Recorder();
        StagedRun.train(recipe, TrainOptions.defaults(), Path.of("."), data(100, 3), null, recorder);
        assertEquals(3, recorder.seen.size());
        assertEquals(List.of("h1", "h2", "out_greedy2"), recorder.seen.get(1).stage().trainable());
        assertFalse(Arrays.equals(recorder.seen.get(1).before().get("h1.weight"), recorder.seen.get(1).after().get("h1.weight")));
    }

    @Test
    void transferLoadsExactlyTheNamedLayersAndFreezesThemForTheirEpochs(@TempDir Path dir) throws Exception {
        String source = MODEL + """
                recipe moved {
                    data      = csv("unused.csv")
                    model     = Deep
                    init      = from("base.safetensors", layers: [h1, h3])
                    freeze    = [h1 for 2 epochs, h3 for 1 epoch]
                    loss      = softmax_cross_entropy
                    optimizer = sgd(lr: 0.1)
                    epochs    = 3
                    seed      = 9
                }
                """;
        CompiledRecipe recipe = compile(source, "moved");
        // A checkpoint of the whole model with recognisable values; only h1.* and h3.* may be taken from it.
        Map<String, Tensor> file = new LinkedHashMap<>();
        int[][] shapes = {{5, 6}, {5}, {4, 5}, {4}, {7, 4}, {7}, {3, 7}, {3}};
        String[] names = {"h1.weight", "h1.bias", "h2.weight", "h2.bias", "h3.weight", "h3.bias", "out.weight", "out.bias"};
        for (int t = 0; t < names.length; t++) {
            float[] v = new float[Arrays.stream(shapes[t]).reduce(1, (a, b) -> a * b)];
            for (int i = 0; i < v.length; i++) v[i] = 0.01f * (t + 1) + 0.001f * i;
            file.put(names[t], new Tensor(shapes[t], v));
        }
        Safetensors.write(dir.resolve("base.safetensors"), file, Map.of());
        CompiledTrainer fresh = (CompiledTrainer) recipe.newTrainer(TrainOptions.defaults());

        Recorder recorder = new Recorder();
        StagedRun.train(recipe, TrainOptions.defaults(), dir, data(100, 4), null, recorder);
        Seen first = recorder.seen.get(0);
        for (String name : names) {
            boolean taken = name.startsWith("h1.") || name.startsWith("h3.");
            float[] expected = taken ? file.get(name).data() : fresh.parameter(name);
            assertArrayEquals(expected, first.before().get(name), name + (taken ? " from the checkpoint" : " initialized as usual"));
        }
        // Epoch 1: h1 and h3 frozen; epoch 2: h1; epoch 3: nothing.
        assertEquals(3, recorder.seen.size());
        assertEquals(List.of("h1", "h3"), recorder.seen.get(0).stage().frozen());
        assertEquals(List.of("h1"), recorder.seen.get(1).stage().frozen());
        assertEquals(List.of(), recorder.seen.get(2).stage().frozen());
        assertArrayEquals(file.get("h1.weight").data(), recorder.seen.get(1).after().get("h1.weight"));
        assertFalse(Arrays.equals(file.get("h3.weight").data(), recorder.seen.get(1).after().get("h3.weight")));
    }

    @Test
    void aTransferredTensorOfAnotherShapeIsAnErrorNamingItAndBothShapes(@TempDir Path dir) throws Exception {
        CompiledRecipe recipe = compile(MODEL + """
                recipe moved {
                    data      = csv("unused.csv")
                    model     = Deep
                    init      = from("base.safetensors", layers: [h1])
                    loss      = softmax_cross_entropy
                    optimizer = sgd(lr: 0.1)
                    epochs    = 1
                }
                """, "moved");
        Safetensors.write(dir.resolve("base.safetensors"), Map.of("h1.weight", new Tensor(new int[] {8, 6}, new float[48]),
                "h1.bias", new Tensor(new int[] {8}, new float[8])), Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                StagedRun.train(recipe, TrainOptions.defaults(), dir, data(50, 5), null, new Recorder()));
        assertTrue(e.getMessage().contains("h1.weight") && e.getMessage().contains("[8, 6]") && e.getMessage().contains("[5, 6]"),
                e.getMessage());
    }

    @Test
    void theHintLossFallsDuringTheHintStageAndTheRegressorIsDropped() throws Exception {
        Path data = Path.of("").toAbsolutePath().resolve("../samples/data").normalize();
        CompiledRecipe recipe = Optc.compile("""
                model Wide(x: 64) -> 10 {
                    h1 = relu(dense(x, 48))
                    return dense(h1, 10)
                }
                model Thin(x: 64) -> 10 {
                    h1 = tanh(dense(x, 12))
                    h2 = tanh(dense(h1, 12))
                    h3 = tanh(dense(h2, 12))
                    return dense(h3, 10)
                }
                recipe wide {
                    data      = csv("digits.csv", scale: 1/16, validation: 0.2)
                    model     = Wide
                    loss      = softmax_cross_entropy
                    optimizer = sgd(lr: 0.1)
                    epochs    = 3
                }
                recipe student {
                    data      = csv("digits.csv", scale: 1/16, validation: 0.2)
                    model     = Thin
                    loss      = softmax_cross_entropy
                    optimizer = sgd(lr: 0.05)
                    teacher   = wide
                    hints     = [hint(student: h2, teacher: h1, weight: 1.0)]
                    stages    = [hints(epochs: 4), finetune(epochs: 1)]
                }
                """, "fitnets.opt").recipe("student");
        Dataset digits = dev.optc.runtime.data.CsvData.load(data.resolve("digits.csv"), null, 1f / 16);
        Recorder recorder = new Recorder();
        StagedRun.train(recipe, TrainOptions.defaults(), data, digits, null, recorder);
        Seen hints = recorder.seen.get(0);
        assertTrue(hints.stage().hint());
        assertEquals(List.of("h1", "h2", "h2_regressor"), hints.stage().trainable());
        assertArrayEquals(new int[] {48, 12}, hints.shapes().get("h2_regressor.weight"), "from the student's h2 to the teacher's h1");
        List<EpochReport> epochs = hints.epochs();
        for (int e = 1; e < epochs.size(); e++) {
            assertTrue(epochs.get(e).trainLoss() < epochs.get(e - 1).trainLoss(), "hint loss by epoch: " + epochs);
        }
        Seen finetune = recorder.seen.get(1);
        assertFalse(finetune.shapes().containsKey("h2_regressor.weight"));
        assertArrayEquals(hints.after().get("h2.weight"), finetune.before().get("h2.weight"));
        assertNotNull(finetune.after().get("out.weight"));
    }

    static void assertShapes(Seen stage, Map<String, int[]> expected) {
        assertEquals(new java.util.TreeSet<>(expected.keySet()), new java.util.TreeSet<>(stage.shapes().keySet()), stage.stage().label());
        expected.forEach((name, shape) -> assertArrayEquals(shape, stage.shapes().get(name), name));
    }

    @Test
    void theHintLossIsHalfTheSquaredDistancePerExampleWithItsGradient() {
        float[] y = {0.5f, -1f, 2f, 0f, 1f, 3f};
        float[] t = {1f, 1f, 1f, -1f, 0f, 2.5f};
        float[] grad = new float[6];
        double weight = 0.7;
        double loss = dev.optc.runtime.kernels.Losses.hint(y, t, 2, 3, weight, grad);
        // w · mean over the 2 rows of ½‖t − y‖²
        double row0 = 0.5 * (0.25 + 4 + 1), row1 = 0.5 * (1 + 1 + 0.25);
        assertEquals(weight * (row0 + row1) / 2, loss, 1e-12);
        for (int i = 0; i < 6; i++) {
            double h = 1e-3;
            float[] plus = y.clone(), minus = y.clone();
            plus[i] += (float) h;
            minus[i] -= (float) h;
            double numeric = (dev.optc.runtime.kernels.Losses.hint(plus, t, 2, 3, weight, null)
                    - dev.optc.runtime.kernels.Losses.hint(minus, t, 2, 3, weight, null)) / (2 * h);
            assertEquals(numeric, grad[i], 1e-4, "dL/dy" + i);
        }
    }
}
