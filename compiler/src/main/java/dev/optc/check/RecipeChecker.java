package dev.optc.check;

import dev.optc.ast.Decl;
import dev.optc.ast.Expr;
import dev.optc.diagnostics.Diagnostics;
import dev.optc.runtime.solvers.SolverChoice;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks a recipe's settings against {@link RecipeSchema} and builds the {@link CheckedRecipe}. */
public final class RecipeChecker {
    private final Diagnostics diagnostics;
    private final Declarations declarations;
    private final Map<String, ModelGraph> models;
    private final Map<String, ObjectiveGraph> objectives;

    /** Where the main file's relative data paths start; null when unknown. */
    private final java.nio.file.Path recipeDirectory;

    public RecipeChecker(Diagnostics diagnostics, Declarations declarations, Map<String, ModelGraph> models,
                         Map<String, ObjectiveGraph> objectives) {
        this(diagnostics, declarations, models, objectives, null);
    }

    public RecipeChecker(Diagnostics diagnostics, Declarations declarations, Map<String, ModelGraph> models,
                         Map<String, ObjectiveGraph> objectives, java.nio.file.Path recipeDirectory) {
        this.recipeDirectory = recipeDirectory;
        this.diagnostics = diagnostics;
        this.declarations = declarations;
        this.models = models;
        this.objectives = objectives;
    }

    /** The checked recipe, or null when it has errors. */
    public CheckedRecipe check(Decl.RecipeDecl recipe) {
        int errorsBefore = diagnostics.errorCount();
        Map<String, Decl.Setting> settings = new LinkedHashMap<>();
        for (Decl.Setting s : recipe.settings()) {
            String name = s.name().text();
            RecipeSchema.Setting known = RecipeSchema.SETTINGS.get(name);
            if (known == null) {
                String hint = Spelling.didYouMean(name, RecipeSchema.SETTINGS.keySet());
                diagnostics.error(s.name().span(), "E041", "unknown setting `" + name + "`",
                        hint != null ? hint : "the settings are " + String.join(", ", RecipeSchema.SETTINGS.keySet()));
                continue;
            }
            if (s.value() instanceof Expr.Invalid) continue; // its syntax error is reported
            if (settings.containsKey(name)) {
                diagnostics.error(s.name().span(), "E042", "setting `" + name + "` is given twice",
                        "the first is at line " + settings.get(name).span().line());
                continue;
            }
            if (!known.implemented()) {
                diagnostics.error(s.name().span(), "E090", "setting `" + name + "` is not implemented in this version of optc",
                        "remove it to train without it");
                continue;
            }
            settings.put(name, s);
        }
        boolean objectiveRecipe = recipe.settings().stream().anyMatch(x -> x.name().text().equals("objective"));
        if (objectiveRecipe) {
            for (Decl.Setting s : settings.values()) {
                if (RecipeSchema.MODEL_ONLY.contains(s.name().text())) {
                    diagnostics.error(s.name().span(), "E047", "`" + s.name().text() + "` has no meaning for a recipe that minimizes an objective",
                            "an objective is minimized on its own, for `steps` steps; remove `" + s.name().text() + "`");
                }
            }
        } else if (settings.containsKey("alternate")) {
            diagnostics.error(settings.get("alternate").name().span(), "E076", "`alternate` takes blocks of an objective's tensors; this recipe trains a model",
                    "alternating over groups of layers is not implemented; give layers their own optimizers with `optimizer = [adam() for h1, sgd()]`");
        }
        if (!objectiveRecipe && settings.containsKey("steps")) {
            Decl.Setting s = settings.get("steps");
            diagnostics.error(s.name().span(), "E047", "`steps` counts the steps of an objective; a model trains for `epochs`",
                    "write `epochs = ...`");
        }
        if (recipe.complete()) {
            for (RecipeSchema.Setting s : RecipeSchema.SETTINGS.values()) {
                boolean required = s.required() && !(objectiveRecipe && RecipeSchema.MODEL_ONLY.contains(s.name()))
                        && !(s.name().equals("optimizer") && (settings.containsKey("compare") || settings.containsKey("alternate")));
                if (required && !settings.containsKey(s.name())
                        && recipe.settings().stream().noneMatch(x -> x.name().text().equals(s.name()))) {
                    String hint = s.name().equals("model")
                            ? "a recipe trains a `model` on `data`, or minimizes an `objective`"
                            : "add `" + s.name() + " = ...`: " + s.takes();
                    diagnostics.error(recipe.name().span(), "E043", "recipe `" + recipe.name().text()
                            + "` has no `" + s.name() + "` setting", hint);
                }
            }
        }
        if (objectiveRecipe) return objectiveRecipe(recipe, settings, errorsBefore);
        for (String s : new String[] {"plot", "continuation"}) {
            if (settings.containsKey(s)) {
                diagnostics.error(settings.get(s).name().span(), "E090", "`" + s + "` on a model recipe is not implemented in this version of optc",
                        "it works on recipes that minimize an `objective`");
            }
        }
        ModelGraph model = settings.containsKey("model") ? model(settings.get("model").value()) : null;
        DataSourceChecker sources = new DataSourceChecker(diagnostics);
        CheckedRecipe.DataSpec data = settings.containsKey("data") ? sources.check(settings.get("data").value(), true) : null;
        CheckedRecipe.DataSpec test = settings.containsKey("test") ? sources.check(settings.get("test").value(), false) : null;
        CheckedRecipe.Loss loss = settings.containsKey("loss") ? loss(settings.get("loss").value()) : null;
        // A full-batch solver (8.6) takes the place of the update rule: it minimizes the loss over the training split.
        Expr solverValue = settings.containsKey("optimizer") && SolverChecker.isSolver(settings.get("optimizer").value())
                ? settings.get("optimizer").value() : null;
        SolverChoice solver = solverValue == null ? null : new SolverChecker(diagnostics).check(solverValue);
        List<CheckedRecipe.OptimizerGroup> groups = settings.containsKey("optimizer") && solverValue == null
                ? optimizerGroups(settings.get("optimizer").value(), model) : null;
        CheckedRecipe.OptimizerChoice optimizer = groups == null ? null : groups.get(0).choice();
        // `from(...)` takes some layers from a checkpoint (the stage plan's transfer); the others start as by default.
        Initialization init = settings.containsKey("init") && !StagesChecker.isTransfer(settings.get("init").value())
                ? Initialization.check(settings.get("init").value(), diagnostics) : Initialization.DEFAULT;
        int batch = settings.containsKey("batch") ? batch(settings.get("batch")) : 32;
        int epochs = settings.containsKey("epochs") ? positiveInteger(settings.get("epochs"), 10) : 10;
        boolean shuffle = !settings.containsKey("shuffle") || shuffle(settings.get("shuffle").value());
        boolean dropLast = settings.containsKey("drop_last") && bool(settings.get("drop_last"));
        long seed = settings.containsKey("seed") ? integer(settings.get("seed")) : 0;
        List<Contender> contenders = List.of();
        if (settings.containsKey("compare")) {
            if (settings.containsKey("optimizer")) {
                diagnostics.error(settings.get("optimizer").name().span(), "E062", "`optimizer` and `compare` both say how to train",
                        "put this optimizer into the `compare` list");
            }
            contenders = new CompareChecker(diagnostics, this::optimizer, false).check(settings.get("compare").value(), settings);
            if (!contenders.isEmpty() && model != null) {
                optimizer = contenders.get(0).optimizer();
                groups = List.of(new CheckedRecipe.OptimizerGroup(optimizer, layerNames(model)));
            }
        }
        if (solver != null) new ModelSolverChecker(diagnostics).check(solver, solverValue, settings, model, batch);
        CheckedRecipe.Around around = !contenders.isEmpty() ? contenders.get(0).around()
                : solverValue != null ? CheckedRecipe.Around.NONE
                : new AroundChecker(diagnostics).check(settings, rules(optimizer, groups));
        if (model != null && loss == CheckedRecipe.Loss.SOFTMAX_CROSS_ENTROPY
                && model.output() instanceof ModelGraph.Activation a && a.kind() == ModelGraph.ActivationKind.SOFTMAX) {
            diagnostics.warning(a.span(), "W001", "`softmax_cross_entropy` applies softmax itself, so this softmax is applied twice",
                    "return the logits (the last `dense`) and let the loss apply softmax");
        }
        dev.optc.runtime.train.CurriculumPlan curriculum = settings.containsKey("curriculum")
                ? new CurriculumChecker(diagnostics).check(settings.get("curriculum").value(), data, recipeDirectory) : null;
        if (curriculum != null && !shuffle) {
            diagnostics.error(settings.get("shuffle").value().span(), "E040", "a curriculum draws every epoch's order itself, "
                    + "so `shuffle = none` cannot hold", "remove `shuffle`, or the curriculum");
        }
        if (model != null && loss != null) LossPairing.check(loss, model, settings.get("loss").value(), diagnostics);
        if (diagnostics.errorCount() > errorsBefore || model == null || data == null || loss == null || (optimizer == null && solver == null)) {
            return null;
        }
        ProgressChecker.Progress progress = new ProgressChecker(diagnostics).check(settings);
        if (solver != null) ModelSolverChecker.monitor(progress.monitor(), settings.get("monitor"), solver.kind(), diagnostics);
        if (progress.stop() != null && !progress.stop().watch().startsWith("train") && (data == null || data.source().validation() == 0)) {
            diagnostics.error(settings.get("stop").value().span(), "E040", "early stopping watches " + progress.stop().watch()
                    + ", but the data holds out no validation rows", "add `validation: 0.2` to the data source, or watch train.loss");
        }
        StagePlan stages = new StagesChecker(diagnostics, declarations, models, this::optimizer)
                .check(recipe, settings, model, loss, epochs, optimizer, groups, around);
        if (curriculum != null && (stages != null || !contenders.isEmpty())) {
            diagnostics.error(settings.get("curriculum").name().span(), "E090", "a `curriculum` together with `"
                    + (stages != null ? "stages" : "compare") + "` is not implemented in this version of optc",
                    "train with the curriculum in a recipe of its own");
        }
        if (diagnostics.errorCount() > errorsBefore) return null;
        return new CheckedRecipe(recipe, model, null, 0, data, test, loss, optimizer, init, batch, epochs, shuffle, dropLast, seed,
                around, solver, progress, groups == null ? List.of() : groups, contenders, null, null, stages, curriculum, List.of());
    }

    private CheckedRecipe objectiveRecipe(Decl.RecipeDecl recipe, Map<String, Decl.Setting> settings, int errorsBefore) {
        CheckedRecipe.ObjectiveChoice objective = settings.containsKey("objective") ? objective(settings.get("objective").value()) : null;
        Expr optimizerValue = settings.containsKey("optimizer") ? settings.get("optimizer").value() : null;
        SolverChoice solver = optimizerValue != null && SolverChecker.isSolver(optimizerValue)
                ? new SolverChecker(diagnostics).check(optimizerValue) : null;
        CheckedRecipe.OptimizerChoice optimizer = optimizerValue != null && solver == null && !SolverChecker.isSolver(optimizerValue)
                ? optimizer(optimizerValue) : null;
        int steps = settings.containsKey("steps") ? positiveInteger(settings.get("steps"), 100) : 100;
        long seed = settings.containsKey("seed") ? integer(settings.get("seed")) : 0;
        List<CheckedRecipe.Block> blocks = List.of();
        if (settings.containsKey("alternate")) {
            blocks = new AlternateChecker(diagnostics, this::optimizer).check(settings.get("alternate").value(),
                    objective == null ? null : objective.graph());
            for (String s : new String[] {"optimizer", "schedule", "decay", "clip", "average", "compare", "plot", "continuation"}) {
                if (settings.containsKey(s)) {
                    diagnostics.error(settings.get(s).name().span(), "E076", s.equals("optimizer")
                                    ? "`optimizer` has no meaning beside `alternate`: each block has its own"
                                    : "`" + s + "` with `alternate` is not implemented in this version of optc",
                            s.equals("optimizer") ? "remove it, and give each block `optimizer: ...`" : "remove `" + s + "`");
                }
            }
            if (diagnostics.errorCount() > errorsBefore || blocks == null || objective == null) return null;
            List<CheckedRecipe.OptimizerGroup> groups = blocks.stream()
                    .map(b -> new CheckedRecipe.OptimizerGroup(b.optimizer(), b.tensors())).toList();
            return new CheckedRecipe(recipe, null, objective, steps, null, null, null, null, null, 0, 1, false, false, seed,
                    CheckedRecipe.Around.NONE, null, ProgressChecker.Progress.NONE, groups, List.of(), null, null, null, null, blocks);
        }
        List<Contender> contenders = List.of();
        if (settings.containsKey("compare")) {
            if (optimizerValue != null) {
                diagnostics.error(settings.get("optimizer").name().span(), "E062", "`optimizer` and `compare` both say what minimizes the objective",
                        "put this optimizer into the `compare` list");
            }
            contenders = new CompareChecker(diagnostics, this::optimizer, true).check(settings.get("compare").value(), settings);
            if (!contenders.isEmpty()) {
                optimizer = contenders.get(0).optimizer();
                solver = contenders.get(0).solver();
            }
        }
        CheckedRecipe.Around around = contenders.isEmpty() ? new AroundChecker(diagnostics).check(settings, optimizer) : contenders.get(0).around();
        TrajectoryPlot plot = settings.containsKey("plot") ? new PlotChecker(diagnostics).check(settings.get("plot").value(), objective) : null;
        Continuation continuation = settings.containsKey("continuation")
                ? new ContinuationChecker(diagnostics).check(settings.get("continuation").value(), objective,
                        contenders.isEmpty() ? (solver == null ? null : solver.kind())
                                : contenders.stream().filter(c -> c.solver() != null).map(c -> c.solver().kind()).findFirst().orElse(null))
                : null;
        if (solver != null && contenders.isEmpty()) {
            for (String s : new String[] {"schedule", "decay", "clip", "average"}) {
                if (settings.containsKey(s)) {
                    diagnostics.error(settings.get(s).name().span(), "E049", "`" + s + "` acts on an update rule; `"
                            + solver.kind() + "` is a full-batch solver", "remove `" + s + "`, or use an update rule such as sgd or adam");
                }
            }
        }
        if (diagnostics.errorCount() > errorsBefore || objective == null || (optimizer == null && solver == null)) return null;
        return new CheckedRecipe(recipe, null, objective, steps, null, null, null, optimizer, null, 0, 1, false, false, seed,
                around, solver, ProgressChecker.Progress.NONE,
                optimizer == null ? List.of() : List.of(new CheckedRecipe.OptimizerGroup(optimizer, List.of())), contenders, plot, continuation, null, null, List.of());
    }

    private CheckedRecipe.ObjectiveChoice objective(Expr value) {
        Expr.Call call = value instanceof Expr.Call c ? c : null;
        String name = call != null ? call.callee().text() : value instanceof Expr.Name n ? n.name() : null;
        if (name == null) {
            diagnostics.error(value.span(), "E040", "`objective` takes the name of an objective", "for example `objective = rosenbrock`");
            return null;
        }
        Decl d = declarations.byName().get(name);
        if (!(d instanceof Decl.ObjectiveDecl decl)) {
            if (d != null) {
                diagnostics.error(value.span(), "E013", "`" + name + "` is " + article(Resolver.kindOf(d)) + ", not an objective");
            } else {
                diagnostics.error(call != null ? call.callee().span() : value.span(), "E013", "unknown objective `" + name + "`",
                        Spelling.didYouMean(name, declarations.all(Decl.ObjectiveDecl.class).keySet()));
            }
            return null;
        }
        ObjectiveGraph graph = objectives.get(name);
        List<String> dataNames = DataInputs.names(decl);
        if (graph == null && !dataNames.isEmpty()) graph = objectiveOverData(decl, value);
        if (graph == null) return null; // its own errors are reported at its declaration
        Map<String, Double> values = new LinkedHashMap<>();
        for (Decl.Param p : decl.params()) {
            if (graph.hyperparameters().contains(p.name().text())) values.put(p.name().text(), Constants.evaluate(p.value()));
        }
        if (call != null) {
            for (Expr.Argument a : call.arguments()) {
                if (a.name() == null) {
                    diagnostics.error(a.span(), "E022", "name the hyperparameter: `" + name + "(alpha: 0.1)`");
                    continue;
                }
                String h = a.name().text();
                if (dataNames.contains(h)) continue; // read by objectiveOverData
                if (!values.containsKey(h)) {
                    String hint = Spelling.didYouMean(h, values.keySet());
                    diagnostics.error(a.name().span(), "E025", "`" + name + "` has no hyperparameter `" + h + "`",
                            hint != null ? hint : values.isEmpty() ? "it has none" : "its hyperparameters are " + String.join(", ", values.keySet()));
                    continue;
                }
                Double v = Constants.evaluate(a.value());
                if (v == null) diagnostics.error(a.value().span(), "E036", "hyperparameter `" + h + "` must be a number");
                else values.put(h, v);
            }
        }
        return new CheckedRecipe.ObjectiveChoice(graph, values, value.span());
    }

    /**
     * The graph of an objective over data once the recipe's data is read (see {@link DataInputs}); null when the
     * declaration has errors (reported there), the data cannot be read, or it does not fit the objective's shapes.
     */
    private ObjectiveGraph objectiveOverData(Decl.ObjectiveDecl decl, Expr value) {
        Diagnostics declarationOnly = new Diagnostics();
        new ObjectiveChecker(declarationOnly).check(decl);
        if (declarationOnly.hasErrors()) return null;
        java.nio.file.Path from = recipeDirectory != null ? recipeDirectory
                : java.util.Objects.requireNonNullElse(java.nio.file.Path.of(decl.span().file().name()).toAbsolutePath().getParent(),
                java.nio.file.Path.of(""));
        Map<String, DataInputs.Input> inputs = new DataInputs(diagnostics, from).read(decl, value);
        if (inputs == null) return null;
        Diagnostics fitting = new Diagnostics();
        ObjectiveGraph graph = new ObjectiveChecker(fitting).check(decl, inputs);
        if (fitting.hasErrors() || graph == null) {
            String shapes = String.join(", ", inputs.entrySet().stream()
                    .map(e -> e.getKey() + " " + ObjectiveChecker.describe(e.getValue().shape())).toList());
            String why = fitting.hasErrors() ? fitting.sorted().get(0).message() : "some of its shapes stay unknown";
            diagnostics.error(value.span(), "E075", "the data does not fit objective `" + decl.name().text() + "` (" + shapes
                    + ", one example per column): " + why, "a data input is [features, examples]; check the shapes that meet it");
            return null;
        }
        return graph;
    }

    private ModelGraph model(Expr value) {
        if (!(value instanceof Expr.Name n)) {
            diagnostics.error(value.span(), "E040", "`model` takes the name of a model", "for example `model = Mlp`");
            return null;
        }
        Decl d = declarations.byName().get(n.name());
        if (!(d instanceof Decl.ModelDecl)) {
            if (d != null) {
                diagnostics.error(value.span(), "E013", "`" + n.name() + "` is " + article(Resolver.kindOf(d)) + ", not a model");
            } else {
                diagnostics.error(value.span(), "E013", "unknown model `" + n.name() + "`",
                        Spelling.didYouMean(n.name(), declarations.all(Decl.ModelDecl.class).keySet()));
            }
            return null;
        }
        return models.get(n.name());
    }

    private CheckedRecipe.Loss loss(Expr value) {
        String name = value instanceof Expr.Name n ? n.name() : null;
        if (name != null && RecipeSchema.LOSSES.contains(name)) return CheckedRecipe.Loss.valueOf(name.toUpperCase());
        diagnostics.error(value.span(), "E013", "unknown loss `" + value.span().text() + "`",
                hintOr(name == null ? null : Spelling.didYouMean(name, RecipeSchema.LOSSES), "the losses are softmax_cross_entropy, cross_entropy, binary_cross_entropy, mse and l1"));
        return null;
    }

    /**
     * `optimizer = adam()`: one group of every layer; `optimizer = [adam() for [h1, h2], sgd(lr: 0.1) for out]`: a group
     * per element, each layer in exactly one, where a last element without `for` takes every layer not named before it.
     */
    private List<CheckedRecipe.OptimizerGroup> optimizerGroups(Expr value, ModelGraph model) {
        List<String> layers = model == null ? List.of() : layerNames(model);
        if (!(value instanceof Expr.ListOf list)) {
            if (value instanceof Expr.For f) {
                diagnostics.error(value.span(), "E048", "per-layer optimizers are written as a list",
                        "write `optimizer = [" + f.span().text() + ", sgd(lr: 0.1)]`; the last element without `for` takes the other layers");
                return null;
            }
            CheckedRecipe.OptimizerChoice choice = optimizer(value);
            return choice == null ? null : List.of(new CheckedRecipe.OptimizerGroup(choice, layers));
        }
        if (list.elements().isEmpty()) {
            diagnostics.error(value.span(), "E048", "`optimizer` needs at least one optimizer", "for example `optimizer = [adam() for h1, sgd(lr: 0.1)]`");
            return null;
        }
        int errorsBefore = diagnostics.errorCount();
        Map<String, Expr> owner = new LinkedHashMap<>();
        List<CheckedRecipe.OptimizerChoice> choices = new java.util.ArrayList<>();
        List<List<String>> groupLayers = new java.util.ArrayList<>();
        Expr rest = null;
        for (int i = 0; i < list.elements().size(); i++) {
            Expr element = list.elements().get(i);
            Expr rule = element instanceof Expr.For f ? f.value() : element;
            if (!(rule instanceof Expr.Call || rule instanceof Expr.Name)) {
                diagnostics.error(element.span(), "E048", "each element of `optimizer` is `rule(...) for layer` or `rule(...) for [layers]`",
                        "for example `optimizer = [adam() for [h1, h2], sgd(lr: 0.1) for out]`");
                continue;
            }
            List<Expr> targets;
            if (element instanceof Expr.For f) {
                targets = f.targets() instanceof Expr.ListOf l ? l.elements() : List.of(f.targets());
            } else if (i == list.elements().size() - 1) {
                targets = null;
                rest = element;
            } else {
                diagnostics.error(element.span(), "E048", "only the last element of `optimizer` may leave out `for`",
                        "it takes every layer the others do not name; write `" + element.span().text() + " for layer` here");
                continue;
            }
            List<String> named = new java.util.ArrayList<>();
            for (Expr t : targets == null ? List.<Expr>of() : targets) {
                if (!(t instanceof Expr.Name n)) {
                    diagnostics.error(t.span(), "E048", "after `for` comes a layer or a list of layers",
                            "for example `adam() for h1` or `adam() for [h1, h2]`");
                    continue;
                }
                if (model == null) continue;
                if (!layers.contains(n.name())) {
                    diagnostics.error(t.span(), "E048", "model `" + model.name() + "` has no layer `" + n.name() + "`",
                            hintOr(Spelling.didYouMean(n.name(), layers), "its layers are " + String.join(", ", layers)));
                    continue;
                }
                Expr first = owner.putIfAbsent(n.name(), t);
                if (first != null) {
                    diagnostics.error(t.span(), "E048", "layer `" + n.name() + "` is given two optimizers",
                            "it is first named at line " + first.span().line() + ":" + first.span().column() + "; keep it in one group");
                    continue;
                }
                named.add(n.name());
            }
            if (targets != null && targets.isEmpty()) {
                diagnostics.error(element.span(), "E048", "this optimizer names no layer after `for`", "for example `adam() for [h1, h2]`");
            }
            CheckedRecipe.OptimizerChoice choice = optimizer(rule);
            if (choice != null) {
                choices.add(choice);
                groupLayers.add(named);
            }
        }
        if (diagnostics.errorCount() > errorsBefore || model == null) return null;
        List<String> others = layers.stream().filter(l -> !owner.containsKey(l)).toList();
        if (rest != null) {
            if (others.isEmpty()) {
                diagnostics.error(rest.span(), "E048", "every layer already has an optimizer, so this last element takes none",
                        "remove it, or name some layers with `for`");
                return null;
            }
            groupLayers.set(groupLayers.size() - 1, others);
        } else if (!others.isEmpty()) {
            diagnostics.error(value.span(), "E048", "layer" + (others.size() == 1 ? " `" : "s `") + String.join("`, `", others)
                    + (others.size() == 1 ? "` has" : "` have") + " no optimizer",
                    "add " + (others.size() == 1 ? "it" : "them") + " to a group, or end the list with an optimizer without `for`, "
                            + "which takes every other layer");
            return null;
        }
        List<CheckedRecipe.OptimizerGroup> groups = new java.util.ArrayList<>();
        for (int i = 0; i < choices.size(); i++) groups.add(new CheckedRecipe.OptimizerGroup(choices.get(i), List.copyOf(groupLayers.get(i))));
        return List.copyOf(groups);
    }

    /** The layers that hold parameters, in model order: dense layers and batch norms. */
    static List<String> layerNames(ModelGraph model) {
        List<String> names = new java.util.ArrayList<>();
        for (ModelGraph.Node n : model.layers()) {
            if (n instanceof ModelGraph.Dense d) names.add(d.name());
            else if (n instanceof ModelGraph.BatchNorm b) names.add(b.name());
        }
        return names;
    }

    /** The rules AroundChecker sees: one, or with several per-layer groups each under its group's name. */
    private static List<AroundChecker.Rule> rules(CheckedRecipe.OptimizerChoice optimizer, List<CheckedRecipe.OptimizerGroup> groups) {
        if (groups == null || groups.size() < 2) return optimizer == null ? List.of() : List.of(new AroundChecker.Rule(null, optimizer));
        return groups.stream().filter(g -> g.choice() != null).map(g -> new AroundChecker.Rule(g.name(), g.choice())).toList();
    }

    CheckedRecipe.OptimizerChoice optimizer(Expr value) {
        if (SolverChecker.isSolver(value)) {
            // Reached for a per-layer list or a stage's optimizer: a solver takes every parameter at once.
            diagnostics.error(value.span(), "E049", "a full-batch solver trains a model only as the recipe's one `optimizer` in this version of optc",
                    "write `optimizer = " + value.span().text() + "` with `batch = full`, or use an update rule such as sgd or adam here");
            return null;
        }
        Expr.Call call = value instanceof Expr.Call c ? c : null;
        String name = call != null ? call.callee().text() : value instanceof Expr.Name n ? n.name() : null;
        if (value instanceof Expr.ListOf || value instanceof Expr.For) {
            diagnostics.error(value.span(), "E048", "an objective has no layers to give their own optimizers",
                    "use one optimizer, for example `optimizer = adam(lr: 0.1)`");
            return null;
        }
        if (name == null) {
            diagnostics.error(value.span(), "E040", "`optimizer` takes an optimizer", "for example `optimizer = sgd(lr: 0.1)`");
            return null;
        }
        Decl d = declarations.byName().get(name);
        if (!(d instanceof Decl.OptimizerDecl rule)) {
            if (d != null) {
                diagnostics.error(value.span(), "E013", "`" + name + "` is " + article(Resolver.kindOf(d)) + ", not an optimizer");
            } else {
                diagnostics.error(call != null ? call.callee().span() : value.span(), "E013", "unknown optimizer `" + name + "`",
                        Spelling.didYouMean(name, declarations.all(Decl.OptimizerDecl.class).keySet()));
            }
            return null;
        }
        Map<String, Double> values = new LinkedHashMap<>();
        List<Decl.Param> hypers = rule.hyperparameters();
        for (Decl.Param p : hypers) {
            values.put(p.name().text(), p.value() == null ? null : Constants.evaluate(p.value()));
        }
        boolean ok = true;
        if (call != null) {
            int index = 0;
            java.util.Set<String> given = new java.util.HashSet<>();
            for (Expr.Argument a : call.arguments()) {
                String hyper;
                if (a.name() == null) {
                    if (index >= hypers.size()) {
                        diagnostics.error(a.span(), "E022", "too many arguments to `" + name + "`",
                                "it takes " + hypers.size() + " hyperparameter" + (hypers.size() == 1 ? "" : "s"));
                        ok = false;
                        continue;
                    }
                    hyper = hypers.get(index++).name().text();
                } else {
                    hyper = a.name().text();
                    if (!values.containsKey(hyper)) {
                        String hint = Spelling.didYouMean(hyper, values.keySet());
                        diagnostics.error(a.name().span(), "E025", "`" + name + "` has no hyperparameter `" + hyper + "`",
                                hint != null ? hint : "its hyperparameters are " + String.join(", ", values.keySet()));
                        ok = false;
                        continue;
                    }
                }
                if (!given.add(hyper)) {
                    diagnostics.error(a.span(), "E035", "hyperparameter `" + hyper + "` is given twice");
                    ok = false;
                    continue;
                }
                Double v = Constants.evaluate(a.value());
                if (v == null) {
                    diagnostics.error(a.value().span(), "E036", "hyperparameter `" + hyper + "` must be a number");
                    ok = false;
                    continue;
                }
                values.put(hyper, v);
            }
        }
        for (Map.Entry<String, Double> e : values.entrySet()) {
            if (e.getValue() == null) {
                diagnostics.error(value.span(), "E026", "`" + name + "` needs a value for `" + e.getKey() + "`",
                        "it has no default: write `" + name + "(" + e.getKey() + ": ...)`");
                ok = false;
            }
        }
        return ok ? new CheckedRecipe.OptimizerChoice(rule, values, value.span()) : null;
    }

    private int batch(Decl.Setting s) {
        if (s.value() instanceof Expr.Name n && n.name().equals("full")) return 0;
        return positiveInteger(s, 32);
    }

    private boolean shuffle(Expr value) {
        if (value instanceof Expr.Name n && Set.of("every_epoch", "none").contains(n.name())) return n.name().equals("every_epoch");
        String hint = value instanceof Expr.Name n ? Spelling.didYouMean(n.name(), Set.of("every_epoch", "none")) : null;
        diagnostics.error(value.span(), "E040", "`shuffle` takes `every_epoch` or `none`", hint);
        return true;
    }

    private boolean bool(Decl.Setting s) {
        if (s.value() instanceof Expr.Bool b) return b.value();
        diagnostics.error(s.value().span(), "E040", "`" + s.name().text() + "` takes `true` or `false`");
        return false;
    }

    private int positiveInteger(Decl.Setting s, int fallback) {
        Integer v = ModelChecker.positiveInteger(s.value());
        if (v == null) {
            diagnostics.error(s.value().span(), "E040", "`" + s.name().text() + "` takes a positive integer",
                    s.value() instanceof Expr.Quantity ? "write the number alone, without a unit" : null);
            return fallback;
        }
        return v;
    }

    private long integer(Decl.Setting s) {
        Double v = Constants.evaluate(s.value());
        if (v == null || v != Math.rint(v) || Math.abs(v) > 9.007199254740992E15) {
            diagnostics.error(s.value().span(), "E040", "`" + s.name().text() + "` takes an integer");
            return 0;
        }
        return v.longValue();
    }

    private static String hintOr(String hint, String fallback) {
        return hint != null ? hint : fallback;
    }

    private static String article(String kind) {
        return (kind.startsWith("o") ? "an " : "a ") + kind;
    }
}
