package dev.optc.check;

import dev.optc.ast.Decl;
import dev.optc.ast.Expr;
import dev.optc.diagnostics.Diagnostics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Checks the settings that make a recipe train in stages — `stages`, `freeze`, `teacher`, `hints` and
 * `init = from(...)` — and builds the {@link StagePlan}: every stage's graph, trainable and frozen layers, and epochs.
 */
final class StagesChecker {
    static final Set<String> STAGE_KINDS = Set.of("greedy_layerwise", "finetune", "hints");

    private final Diagnostics diagnostics;
    private final Declarations declarations;
    private final Map<String, ModelGraph> models;
    private final Function<Expr, CheckedRecipe.OptimizerChoice> optimizers;

    StagesChecker(Diagnostics diagnostics, Declarations declarations, Map<String, ModelGraph> models,
                  Function<Expr, CheckedRecipe.OptimizerChoice> optimizers) {
        this.diagnostics = diagnostics;
        this.declarations = declarations;
        this.models = models;
        this.optimizers = optimizers;
    }

    /** Whether `init` is a transfer, `from("base.safetensors", layers: [...])`, which this checker reads. */
    static boolean isTransfer(Expr init) {
        return init instanceof Expr.Call c && c.callee().text().equals("from");
    }

    /** The plan, or null when the recipe trains in one ordinary stage or has errors (reported). */
    StagePlan check(Decl.RecipeDecl recipe, Map<String, Decl.Setting> settings, ModelGraph model, CheckedRecipe.Loss loss,
                    int epochs, CheckedRecipe.OptimizerChoice optimizer, List<CheckedRecipe.OptimizerGroup> groups,
                    CheckedRecipe.Around around) {
        Decl.Setting init = settings.get("init");
        boolean transferring = init != null && isTransfer(init.value());
        if (!transferring && !settings.containsKey("stages") && !settings.containsKey("freeze")
                && !settings.containsKey("teacher") && !settings.containsKey("hints")) {
            return null;
        }
        int errorsBefore = diagnostics.errorCount();
        if (model == null) return null;
        List<String> layers = RecipeChecker.layerNames(model);
        StagePlan.Transfer transfer = transferring ? transfer((Expr.Call) init.value(), model, layers) : null;
        StagePlan.Teacher teacher = settings.containsKey("teacher") ? teacher(recipe, settings.get("teacher").value()) : null;
        StagePlan.Hint hint = null;
        if (settings.containsKey("hints")) {
            Decl.Setting hints = settings.get("hints");
            if (!settings.containsKey("teacher")) {
                diagnostics.error(hints.name().span(), "E082", "`hints` regress a teacher's layer, but the recipe has no `teacher`",
                        "add `teacher = <another recipe>` or `teacher = load(\"wide.safetensors\", model: Wide)`");
            } else if (teacher != null) {
                hint = hint(hints.value(), model, teacher);
            }
        } else if (settings.containsKey("teacher")) {
            diagnostics.error(settings.get("teacher").name().span(), "E083", "the `teacher` is used by no hint",
                    "add `hints = [hint(student: h3, teacher: h1)]` and a `hints(epochs: 5)` stage, or remove `teacher`");
        }
        if (groups != null && groups.size() > 1) {
            Decl.Setting s = settings.containsKey("stages") ? settings.get("stages") : settings.containsKey("freeze")
                    ? settings.get("freeze") : settings.get("optimizer");
            diagnostics.error(s.name().span(), "E090", "stages and freezing with per-layer optimizer groups are not implemented in this version of optc",
                    "use one optimizer for all layers");
        }
        List<StagePlan.Stage> stages;
        if (settings.containsKey("stages")) {
            if (settings.containsKey("freeze")) {
                diagnostics.error(settings.get("freeze").name().span(), "E084", "`freeze` and `stages` cannot be combined",
                        "greedy stages freeze lower layers with `greedy_layerwise(freeze: true)`; or remove `stages`");
            }
            stages = stages(settings.get("stages").value(), model, loss, epochs, optimizer, hint, settings.containsKey("hints"), around);
        } else if (settings.containsKey("freeze")) {
            stages = freeze(settings.get("freeze").value(), model, layers, epochs, optimizer);
        } else {
            stages = List.of(new StagePlan.Stage("train", "train", model, layers, List.of(), epochs, optimizer, false));
        }
        if (hint != null && stages != null && stages.stream().noneMatch(StagePlan.Stage::hintLoss)) {
            diagnostics.error(settings.get("hints").name().span(), "E082", "the `hints` are used by no `hints(...)` stage",
                    "train on them first: `stages = [hints(epochs: 5), finetune(epochs: 20)]`");
        }
        if (diagnostics.errorCount() > errorsBefore || stages == null) return null;
        return new StagePlan(List.copyOf(stages), transfer, teacher, hint);
    }

    // ---- stages = [greedy_layerwise(epochs: 3), hints(epochs: 5), finetune(epochs: 10)] ----

    private List<StagePlan.Stage> stages(Expr value, ModelGraph model, CheckedRecipe.Loss loss, int epochs,
                                         CheckedRecipe.OptimizerChoice optimizer, StagePlan.Hint hint, boolean hasHints,
                                         CheckedRecipe.Around around) {
        // What a finetune stage trains: the model, or the network Yu et al.'s greedy stages built instead of it.
        ModelGraph current = model;
        if (!(value instanceof Expr.ListOf list) || list.elements().isEmpty()) {
            diagnostics.error(value.span(), "E080", "`stages` takes a list of stages",
                    "for example `stages = [greedy_layerwise(epochs: 3), finetune(epochs: 10)]`");
            return null;
        }
        List<StagePlan.Stage> stages = new ArrayList<>();
        boolean ok = true;
        for (Expr element : list.elements()) {
            String kind = element instanceof Expr.Call c ? c.callee().text() : element instanceof Expr.Name n ? n.name() : null;
            if (kind == null || !STAGE_KINDS.contains(kind)) {
                String hint2 = kind == null ? null : Spelling.didYouMean(kind, STAGE_KINDS);
                diagnostics.error(element instanceof Expr.Call c ? c.callee().span() : element.span(), "E080",
                        kind == null ? "not a stage" : "unknown stage `" + kind + "`",
                        hint2 != null ? hint2 : "the stages are finetune, greedy_layerwise and hints");
                ok = false;
                continue;
            }
            Expr.Call call = element instanceof Expr.Call c ? c : new Expr.Call(new dev.optc.ast.Identifier(kind, element.span()),
                    List.of(), element.span());
            Arguments args = new Arguments(call, diagnostics);
            Expr epochsArg = args.get(-1, "epochs");
            int stageEpochs = epochs;
            if (epochsArg != null) {
                Integer e = ModelChecker.positiveInteger(epochsArg);
                if (e == null) {
                    diagnostics.error(epochsArg.span(), "E080", "`epochs` of a stage must be a positive integer",
                            epochsArg instanceof Expr.Quantity ? "write the number alone: `epochs: 3`" : null);
                    ok = false;
                } else {
                    stageEpochs = e;
                }
            }
            Expr optimizerArg = args.get(-1, "optimizer");
            CheckedRecipe.OptimizerChoice rule = optimizer;
            if (optimizerArg != null) {
                rule = optimizers.apply(optimizerArg);
                if (rule == null) ok = false;
                // The recipe's schedules run in every stage: the stage's rule must have what they schedule.
                for (CheckedRecipe.ScheduleSpec s : around == null ? List.<CheckedRecipe.ScheduleSpec>of() : around.schedules()) {
                    if (rule != null && !rule.hyperparameters().containsKey(s.hyperparameter())) {
                        diagnostics.error(optimizerArg.span(), "E080", "the recipe schedules `" + s.hyperparameter() + "`, which `"
                                + rule.rule().name().text() + "` does not have", "give this stage a rule with `" + s.hyperparameter()
                                + "`, or schedule another hyperparameter");
                        ok = false;
                    }
                }
            }
            switch (kind) {
                case "finetune" -> stages.add(new StagePlan.Stage(kind, "finetune", current, RecipeChecker.layerNames(current),
                        List.of(), stageEpochs, rule, false));
                case "greedy_layerwise" -> {
                    boolean freeze = args.bool("freeze", true);
                    boolean raw = args.bool("raw_input", false);
                    List<StagePlan.Stage> greedy = greedy(call, model, loss, freeze, raw, stageEpochs, rule);
                    if (greedy == null) {
                        ok = false;
                    } else {
                        stages.addAll(greedy);
                        current = greedy.get(greedy.size() - 1).model();
                    }
                }
                case "hints" -> {
                    if (!hasHints) {
                        diagnostics.error(element.span(), "E082", "a `hints` stage needs the recipe's `hints`",
                                "add `hints = [hint(student: h3, teacher: h1)]` and a `teacher`");
                        ok = false;
                    } else if (hint != null) {
                        ModelGraph.Node studentOutput = LayerChain.layerOutput(model, hint.student());
                        ModelGraph.Node target = hint.teacherPrefix().output();
                        ModelGraph.Dense regressor = new ModelGraph.Dense(studentOutput, target.width(), true, 0, null,
                                hint.regressor(), call.span());
                        ModelGraph graph = LayerChain.extend(model, regressor, List.of(regressor), model.name() + "_hints");
                        stages.add(new StagePlan.Stage(kind, "hints", graph, RecipeChecker.layerNames(graph), List.of(),
                                stageEpochs, rule, true));
                    }
                }
                default -> throw new IllegalStateException(kind);
            }
            args.reportUnknown();
        }
        return ok ? stages : null;
    }

    /**
     * Figure 8.7: for hidden layers h1..hk, stage i trains h1..hi and a new output layer fed by hi (the last stage's is
     * the model's own), the layers below hi frozen when {@code freeze}. With {@code raw}, Yu et al. (2010): stage i's
     * hidden layer reads the raw input beside the previous stage's output (its class posteriors under softmax
     * cross-entropy), and every earlier stage stays in the network.
     */
    private List<StagePlan.Stage> greedy(Expr.Call call, ModelGraph model, CheckedRecipe.Loss loss, boolean freeze, boolean raw,
                                         int epochs, CheckedRecipe.OptimizerChoice rule) {
        List<ModelGraph.Node> obstacle = new ArrayList<>();
        List<LayerChain.Layer> chain = LayerChain.chain(model, obstacle);
        if (chain == null) {
            diagnostics.error(call.callee().span(), "E081", "greedy layer-wise pretraining needs a chain of dense layers, but model `"
                    + model.name() + "` " + (obstacle.isEmpty() ? "has none" : "has a residual connection at line " + obstacle.get(0).span().line()),
                    "stack the layers one after the other: `h2 = relu(dense(h1, 64))`, with no `+`");
            return null;
        }
        if (chain.size() < 2) {
            diagnostics.error(call.callee().span(), "E081", "greedy layer-wise pretraining adds hidden layers one at a time, but model `"
                    + model.name() + "` has none", "give the model a hidden layer: `h1 = relu(dense(x, 64))`");
            return null;
        }
        LayerChain.Layer out = chain.get(chain.size() - 1);
        for (ModelGraph.Node n : out.after()) {
            if (!(n instanceof ModelGraph.Activation)) {
                diagnostics.error(n.span(), "E081", "greedy pretraining gives every stage a new output layer, so only activations may follow the output layer",
                        "end the model with `return dense(h, " + out.dense().width() + ")`");
                return null;
            }
        }
        int hidden = chain.size() - 1;
        List<StagePlan.Stage> stages = new ArrayList<>();
        Set<String> taken = new TreeSet<>(RecipeChecker.layerNames(model));
        ModelGraph previous = null;
        for (int i = 1; i <= hidden; i++) {
            ModelGraph graph;
            String outName = out.dense().name();
            if (raw && i > 1) {
                if (i < hidden) outName = freshName(out.dense().name() + "_greedy" + i, taken);
                graph = yuStage(model, previous, chain.get(i - 1), out, outName, i,
                        loss == CheckedRecipe.Loss.SOFTMAX_CROSS_ENTROPY && out.after().isEmpty(), call);
                List<String> before = RecipeChecker.layerNames(previous);
                List<String> frozen = freeze ? before : List.of();
                List<String> trainable = RecipeChecker.layerNames(graph).stream().filter(l -> !frozen.contains(l)).toList();
                stages.add(new StagePlan.Stage("greedy_layerwise", "greedy " + i + "/" + hidden + " (raw input)", graph, trainable,
                        List.copyOf(frozen), epochs, rule, false));
                previous = graph;
                continue;
            }
            if (i == hidden) {
                graph = model;
            } else {
                outName = out.dense().name() + "_greedy" + i;
                for (int n = 2; taken.contains(outName); n++) outName = out.dense().name() + "_greedy" + i + "_" + n;
                ModelGraph.Dense d = out.dense();
                List<ModelGraph.Node> added = new ArrayList<>();
                ModelGraph.Node top = new ModelGraph.Dense(chain.get(i - 1).output(), d.width(), d.bias(), d.biasInit(), d.init(),
                        outName, d.span());
                added.add(top);
                for (ModelGraph.Node n : out.after()) {
                    ModelGraph.Activation a = (ModelGraph.Activation) n;
                    top = new ModelGraph.Activation(a.kind(), top, a.alpha(), a.span());
                    added.add(top);
                }
                graph = LayerChain.extend(model, top, added, model.name() + "_greedy" + i);
            }
            List<String> frozen = new ArrayList<>();
            List<String> trainable = new ArrayList<>();
            for (int j = 0; j < i; j++) (freeze && j < i - 1 ? frozen : trainable).addAll(chain.get(j).names());
            trainable.add(outName);
            if (i == hidden) trainable.addAll(out.names().subList(1, out.names().size()));
            stages.add(new StagePlan.Stage("greedy_layerwise", "greedy " + i + "/" + hidden, graph, List.copyOf(trainable),
                    List.copyOf(frozen), epochs, rule, false));
            previous = graph;
        }
        return stages;
    }

    /** Yu et al.'s stage i: [x | previous output] → hidden layer i (rebuilt on that input) → a new output layer. */
    private static ModelGraph yuStage(ModelGraph model, ModelGraph previous, LayerChain.Layer hidden, LayerChain.Layer out,
                                      String outName, int i, boolean posteriors, Expr.Call call) {
        List<ModelGraph.Node> added = new ArrayList<>();
        ModelGraph.Node feed = previous.output();
        if (posteriors) {
            feed = new ModelGraph.Activation(ModelGraph.ActivationKind.SOFTMAX, feed, 0, call.span());
            added.add(feed);
        }
        ModelGraph.Node top = new ModelGraph.Concat(model.input(), feed, call.span());
        added.add(top);
        ModelGraph.Dense d = hidden.dense();
        top = new ModelGraph.Dense(top, d.width(), d.bias(), d.biasInit(), d.init(), d.name(), d.span());
        added.add(top);
        for (ModelGraph.Node n : hidden.after()) {
            top = switch (n) {
                case ModelGraph.Activation a -> new ModelGraph.Activation(a.kind(), top, a.alpha(), a.span());
                case ModelGraph.BatchNorm b -> new ModelGraph.BatchNorm(top, b.momentum(), b.epsilon(), b.name(), b.span());
                case ModelGraph.Maxout m -> new ModelGraph.Maxout(top, m.k(), m.span());
                case ModelGraph.Dropout p -> new ModelGraph.Dropout(top, p.p(), p.span());
                default -> throw new IllegalStateException("not in a layer of a chain: " + n);
            };
            added.add(top);
        }
        ModelGraph.Dense o = out.dense();
        top = new ModelGraph.Dense(top, o.width(), o.bias(), o.biasInit(), o.init(), outName, o.span());
        added.add(top);
        for (ModelGraph.Node n : out.after()) {
            ModelGraph.Activation a = (ModelGraph.Activation) n;
            top = new ModelGraph.Activation(a.kind(), top, a.alpha(), a.span());
            added.add(top);
        }
        List<ModelGraph.Node> layers = new ArrayList<>(previous.layers());
        layers.addAll(added);
        return new ModelGraph(model.name() + "_yu" + i, model.input(), top, List.copyOf(layers));
    }

    private static String freshName(String base, Set<String> taken) {
        String name = base;
        for (int n = 2; taken.contains(name); n++) name = base + "_" + n;
        return name;
    }

    // ---- freeze = [[h1, h2] for 5 epochs] ----

    private List<StagePlan.Stage> freeze(Expr value, ModelGraph model, List<String> layers, int epochs,
                                         CheckedRecipe.OptimizerChoice optimizer) {
        if (!(value instanceof Expr.ListOf list) || list.elements().isEmpty()) {
            diagnostics.error(value.span(), "E084", "`freeze` takes a list of layers, each frozen for the whole run or `for N epochs`",
                    "for example `freeze = [[h1, h2] for 5 epochs]`");
            return null;
        }
        Map<String, Integer> until = new LinkedHashMap<>();
        boolean ok = true;
        for (Expr element : list.elements()) {
            Expr targets = element instanceof Expr.For f ? f.value() : element;
            int duration = epochs;
            if (element instanceof Expr.For f) {
                Integer n = f.targets() instanceof Expr.Quantity q && q.unit() == Expr.Unit.EPOCHS ? ModelChecker.positiveInteger(
                        new Expr.Number(q.value(), "", q.span())) : null;
                if (n == null) {
                    diagnostics.error(f.targets().span(), "E084", "a layer is frozen `for N epochs`", "for example `[h1, h2] for 5 epochs`");
                    ok = false;
                    continue;
                }
                if (n > epochs) {
                    diagnostics.error(f.targets().span(), "E084", "frozen for " + n + " epochs, but the recipe trains for " + epochs,
                            "freeze for at most " + epochs + " epochs");
                    ok = false;
                    continue;
                }
                duration = n;
            }
            for (Expr t : targets instanceof Expr.ListOf l ? l.elements() : List.of(targets)) {
                String name = layer(t, model, layers, "E084");
                if (name == null) {
                    ok = false;
                } else if (until.putIfAbsent(name, duration) != null) {
                    diagnostics.error(t.span(), "E084", "layer `" + name + "` is frozen twice", "name it once");
                    ok = false;
                }
            }
        }
        if (!ok) return null;
        // A stage per period in which the same layers are frozen.
        TreeSet<Integer> bounds = new TreeSet<>(until.values());
        bounds.add(epochs);
        List<StagePlan.Stage> stages = new ArrayList<>();
        int from = 0;
        for (int to : bounds) {
            if (to == from) continue;
            int start = from;
            List<String> frozen = layers.stream().filter(l -> until.containsKey(l) && until.get(l) > start).toList();
            List<String> trainable = layers.stream().filter(l -> !frozen.contains(l)).toList();
            if (trainable.isEmpty()) {
                diagnostics.error(value.span(), "E084", "every layer is frozen during epochs " + (from + 1) + ".." + to + ", so nothing trains",
                        "leave some layers trainable, or freeze for fewer epochs");
                return null;
            }
            String label = frozen.isEmpty() ? "train" : "frozen " + String.join(", ", frozen);
            stages.add(new StagePlan.Stage(frozen.isEmpty() ? "train" : "frozen", label, model, trainable, frozen, to - from, optimizer, false));
            from = to;
        }
        return stages;
    }

    // ---- init = from("base.safetensors", layers: [h1, h2]) ----

    private StagePlan.Transfer transfer(Expr.Call call, ModelGraph model, List<String> layers) {
        Arguments args = new Arguments(call, diagnostics);
        Expr file = args.get(0, "file");
        Expr named = args.get(-1, "layers");
        args.reportUnknown();
        if (!(file instanceof Expr.Str path)) {
            diagnostics.error(file == null ? call.span() : file.span(), "E085", "`from` takes the checkpoint's path as a string",
                    "for example `init = from(\"base.safetensors\", layers: [h1, h2])`");
            return null;
        }
        if (!(named instanceof Expr.ListOf list) || list.elements().isEmpty()) {
            diagnostics.error(named == null ? call.span() : named.span(), "E085", "`from` needs the list of layers it takes from the checkpoint",
                    "for example `layers: [h1, h2]`; the other layers are initialized as usual");
            return null;
        }
        List<String> taken = new ArrayList<>();
        for (Expr e : list.elements()) {
            String name = layer(e, model, layers, "E085");
            if (name == null) return null;
            taken.add(name);
        }
        return new StagePlan.Transfer(path.value(), List.copyOf(taken), call.span());
    }

    // ---- teacher and hints ----

    private StagePlan.Teacher teacher(Decl.RecipeDecl recipe, Expr value) {
        if (value instanceof Expr.Call c && c.callee().text().equals("load")) {
            Arguments args = new Arguments(c, diagnostics);
            Expr file = args.get(0, "file");
            Expr modelArg = args.get(-1, "model");
            args.reportUnknown();
            if (!(file instanceof Expr.Str path)) {
                diagnostics.error(file == null ? c.span() : file.span(), "E083", "`load` takes the teacher's checkpoint as a string",
                        "for example `teacher = load(\"wide.safetensors\", model: Wide)`");
                return null;
            }
            ModelGraph model = modelArg == null ? null : model(modelArg);
            if (modelArg == null) {
                diagnostics.error(c.span(), "E083", "`load` needs the teacher's model to read the checkpoint with",
                        "for example `teacher = load(\"wide.safetensors\", model: Wide)`");
            }
            return model == null ? null : new StagePlan.Teacher(null, path.value(), model, value.span());
        }
        if (!(value instanceof Expr.Name n)) {
            diagnostics.error(value.span(), "E083", "`teacher` takes another recipe of this file, or `load(\"file.safetensors\", model: M)`",
                    "for example `teacher = wide`");
            return null;
        }
        Decl d = declarations.byName().get(n.name());
        boolean inFile = declarations.main().declarations().contains(d);
        if (!(d instanceof Decl.RecipeDecl teacherRecipe) || !inFile) {
            diagnostics.error(value.span(), "E083", d == null ? "unknown recipe `" + n.name() + "`"
                            : "`" + n.name() + "` is not a recipe of this file",
                    hintOr(Spelling.didYouMean(n.name(), recipeNames()), "the teacher is trained first, by another recipe of this file"));
            return null;
        }
        // Teachers are trained before their students: a cycle would never start.
        List<String> seen = new ArrayList<>(List.of(recipe.name().text()));
        for (Decl.RecipeDecl at = teacherRecipe; at != null; at = teacherOf(at)) {
            if (seen.contains(at.name().text())) {
                seen.add(at.name().text());
                diagnostics.error(value.span(), "E083", "recipes teach each other in a cycle: " + String.join(" ← ", seen),
                        "a teacher is trained before its student; break the cycle");
                return null;
            }
            seen.add(at.name().text());
        }
        Decl.Setting modelSetting = teacherRecipe.settings().stream().filter(s -> s.name().text().equals("model")).findFirst().orElse(null);
        ModelGraph model = modelSetting != null && modelSetting.value() instanceof Expr.Name m ? models.get(m.name()) : null;
        if (model == null) {
            if (modelSetting == null) {
                diagnostics.error(value.span(), "E083", "recipe `" + n.name() + "` trains no model, so it cannot teach",
                        "the teacher is a recipe with a `model`");
            }
            return null; // else its error is reported at the teacher recipe
        }
        return new StagePlan.Teacher(n.name(), null, model, value.span());
    }

    private Decl.RecipeDecl teacherOf(Decl.RecipeDecl recipe) {
        for (Decl.Setting s : recipe.settings()) {
            if (s.name().text().equals("teacher") && s.value() instanceof Expr.Name n
                    && declarations.byName().get(n.name()) instanceof Decl.RecipeDecl r) {
                return r;
            }
        }
        return null;
    }

    private StagePlan.Hint hint(Expr value, ModelGraph student, StagePlan.Teacher teacher) {
        if (!(value instanceof Expr.ListOf list) || list.elements().isEmpty()) {
            diagnostics.error(value.span(), "E082", "`hints` takes a list of hints", "for example `hints = [hint(student: h3, teacher: h1, weight: 1.0)]`");
            return null;
        }
        if (list.elements().size() > 1) {
            diagnostics.error(list.elements().get(1).span(), "E090", "more than one hint is not implemented in this version of optc",
                    "keep one hint, from a middle layer of the student to a middle layer of the teacher (FitNets)");
            return null;
        }
        Expr element = list.elements().get(0);
        if (!(element instanceof Expr.Call call) || !call.callee().text().equals("hint")) {
            diagnostics.error(element.span(), "E082", "each element of `hints` is `hint(student: layer, teacher: layer, weight: 1.0)`");
            return null;
        }
        Arguments args = new Arguments(call, diagnostics);
        Expr s = args.get(-1, "student");
        Expr t = args.get(-1, "teacher");
        double weight = args.number(-1, "weight", 1.0);
        args.reportUnknown();
        if (s == null || t == null) {
            diagnostics.error(call.span(), "E082", "a hint names a `student` layer and a `teacher` layer",
                    "for example `hint(student: h3, teacher: h1)`");
            return null;
        }
        String studentLayer = dense(s, student, "student");
        String teacherLayer = dense(t, teacher.model(), "teacher");
        if (!(weight > 0)) {
            diagnostics.error(call.named("weight").value().span(), "E082", "a hint's `weight` must be > 0");
            return null;
        }
        if (studentLayer == null || teacherLayer == null) return null;
        ModelGraph.Node target = LayerChain.layerOutput(teacher.model(), teacherLayer);
        ModelGraph prefix = LayerChain.cut(teacher.model(), target, teacher.model().name() + "_to_" + teacherLayer);
        String regressor = studentLayer + "_regressor";
        List<String> names = RecipeChecker.layerNames(student);
        for (int n = 2; names.contains(regressor); n++) regressor = studentLayer + "_regressor" + n;
        return new StagePlan.Hint(studentLayer, teacherLayer, weight, prefix, regressor);
    }

    /** The dense layer a hint names on one side, or null (reported). */
    private String dense(Expr e, ModelGraph model, String side) {
        List<String> names = LayerChain.denseNames(model);
        if (!(e instanceof Expr.Name n)) {
            diagnostics.error(e.span(), "E082", "the hint's `" + side + "` is a layer of the " + side + "'s model, such as `h1`");
            return null;
        }
        if (!names.contains(n.name())) {
            diagnostics.error(e.span(), "E082", side + " model `" + model.name() + "` has no dense layer `" + n.name() + "`",
                    hintOr(Spelling.didYouMean(n.name(), names), "its dense layers are " + String.join(", ", names)));
            return null;
        }
        return n.name();
    }

    /** A layer of the model named by {@code e}, or null (reported with {@code code}). */
    private String layer(Expr e, ModelGraph model, List<String> layers, String code) {
        if (!(e instanceof Expr.Name n)) {
            diagnostics.error(e.span(), code, "expected the name of a layer, such as `h1`");
            return null;
        }
        if (!layers.contains(n.name())) {
            diagnostics.error(e.span(), code, "model `" + model.name() + "` has no layer `" + n.name() + "`",
                    hintOr(Spelling.didYouMean(n.name(), layers), "its layers are " + String.join(", ", layers)));
            return null;
        }
        return n.name();
    }

    private ModelGraph model(Expr value) {
        if (value instanceof Expr.Name n && declarations.byName().get(n.name()) instanceof Decl.ModelDecl) return models.get(n.name());
        String name = value instanceof Expr.Name n ? n.name() : value.span().text();
        diagnostics.error(value.span(), "E083", "unknown model `" + name + "`",
                Spelling.didYouMean(name, declarations.all(Decl.ModelDecl.class).keySet()));
        return null;
    }

    private Set<String> recipeNames() {
        Set<String> names = new TreeSet<>();
        for (Decl d : declarations.main().declarations()) if (d instanceof Decl.RecipeDecl r) names.add(r.name().text());
        return names;
    }

    private static String hintOr(String hint, String fallback) {
        return hint != null ? hint : fallback;
    }
}
