package dev.optc.check;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Every recipe setting the language knows, what it takes, and whether this version of optc carries it out. A setting
 * that is known but not yet carried out is an error, never silently ignored.
 */
final class RecipeSchema {
    private RecipeSchema() {
    }

    record Setting(String name, String takes, boolean implemented, boolean required) {
    }

    static final Map<String, Setting> SETTINGS = new LinkedHashMap<>();

    private static void add(String name, String takes, boolean implemented, boolean required) {
        SETTINGS.put(name, new Setting(name, takes, implemented, required));
    }

    static {
        add("data", "a data source such as `csv(\"digits.csv\", validation: 0.2)`", true, true);
        add("test", "a data source held out for the final test, such as `idx(\"fashion-mnist\", split: \"t10k\")`", true, false);
        add("model", "the name of a model", true, true);
        add("objective", "the name of an objective, with hyperparameters if any: `coupled(alpha: 0.1)`", true, false);
        add("steps", "the number of steps minimizing an objective", true, false);
        add("loss", "a loss: `softmax_cross_entropy`, `cross_entropy`, `binary_cross_entropy`, `mse` or `l1`", true, true);
        add("optimizer", "an optimizer such as `sgd(lr: 0.1)`", true, true);
        add("init", "an initialization such as `glorot_uniform`", true, false);
        add("batch", "a positive integer, or `full`", true, false);
        add("epochs", "a positive integer", true, false);
        add("shuffle", "`every_epoch` or `none`", true, false);
        add("drop_last", "`true` or `false`", true, false);
        add("seed", "an integer", true, false);
        add("decay", "the L2 weight decay λ, a number ≥ 0", true, false);
        add("clip", "`value(c)` (element-wise) or `norm(c)` (global norm)", true, false);
        add("average", "`polyak()` or `ema(0.999)`", true, false);
        add("schedule", "a schedule such as `linear(to: 1e-4, over: 20 epochs)`, or a list `[... for lr, ... for alpha]`", true, false);
        add("accumulate", "the number of batches whose gradients make one step", true, false);
        add("stop", "`early(patience: 3, watch: validation.loss, min_delta: 0)`", true, false);
        add("checkpoint", "`every(2 epochs)`, `best`, or a list of both", true, false);
        add("monitor", "a list of loss, accuracy, grad_norm, lr, curvature", true, false);
        add("compare", "a list of optimizers and solvers run on the objective from the same start: `[sgd(lr: 0.03), lbfgs()]`", true, false);
        add("plot", "`trajectories(\"file.svg\")`: contour lines and each optimizer's path, for two-parameter objectives", true, false);
        add("continuation", "`gaussian_smoothing(sigma: 1.0, stages: 5)` or `anneal(alpha, from: 1.0, stages: 5)`", true, false);
        add("stages", "a list of stages: `[greedy_layerwise(epochs: 3), finetune(epochs: 10)]` or `[hints(epochs: 5), finetune(epochs: 20)]`", true, false);
        add("teacher", "another recipe of this file, or `load(\"wide.safetensors\", model: Wide)`", true, false);
        add("hints", "`[hint(student: h3, teacher: h1, weight: 1.0)]`", true, false);
        add("freeze", "layers the optimizer leaves as they are: `[h1, h2]`, or `[[h1, h2] for 5 epochs]`", true, false);
        add("curriculum", "`difficulty(score: column(\"difficulty\"), pace: linear(from: 0.2, to: 1.0, over: 10 epochs))`", true, false);
        add("alternate", "blocks of an objective's tensors, each with its optimizer: `[block(H, optimizer: sgd(lr: 0.1), steps: 20), block(W, optimizer: newton())]`", true, false);
    }

    /** Settings about data and batches, which have no meaning for an objective minimized on its own. */
    static final Set<String> MODEL_ONLY = Set.of("data", "test", "model", "stop", "checkpoint", "monitor", "loss", "init", "batch", "shuffle", "drop_last", "epochs",
            "accumulate", "stages", "teacher", "hints", "freeze", "curriculum");

    static final Set<String> LOSSES = Set.of("softmax_cross_entropy", "mse", "cross_entropy", "binary_cross_entropy", "l1");
    static final Set<String> DATA_FORMATS = Set.of("csv", "idx", "npy");
}
