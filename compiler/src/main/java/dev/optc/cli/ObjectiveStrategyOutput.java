package dev.optc.cli;

import dev.optc.api.CompiledRecipe;
import dev.optc.api.ObjectiveRuns;
import dev.optc.check.CheckedRecipe;
import dev.optc.runtime.ParameterSpec;
import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.report.ContourPlot;
import dev.optc.runtime.train.CompiledObjective;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * `optc train` on an objective recipe with `compare`, `continuation` or `plot`: runs every optimizer (each through
 * every stage), prints a table of them, and writes the plot into the run's folder beside the weights.
 */
final class ObjectiveStrategyOutput {
    private ObjectiveStrategyOutput() {
    }

    static boolean applies(CheckedRecipe recipe) {
        return !recipe.contenders().isEmpty() || recipe.continuation() != null || recipe.plot() != null;
    }

    static int run(CompiledRecipe compiled, TrainOptions options, int steps, Path dir, PrintStream out) throws IOException {
        CheckedRecipe recipe = compiled.recipe();
        boolean comparing = !recipe.contenders().isEmpty();
        int stages = recipe.continuation() == null ? 1 : recipe.continuation().stages();
        String objective = recipe.objective().graph().name();
        if (comparing) {
            out.printf(Locale.ROOT, "comparing %d optimizers on %s from the same start, %d steps each%s%n", recipe.contenders().size(),
                    objective, steps, stages > 1 ? " in each of " + stages + " stages" : "");
        }
        List<ObjectiveRuns.Run> runs = ObjectiveRuns.runAll(compiled, options, new ObjectiveRuns.Listener() {
            @Override
            public void stage(String label, int stage, int count, String what) {
                if (!comparing) out.printf(Locale.ROOT, "stage %d/%d: %s, %s%n", stage + 1, count, what, label);
            }

            @Override
            public void stageFinished(String label, int stage, float[] parameters, double value) {
                if (!comparing) out.printf(Locale.ROOT, "  ends at %s, where this stage's J = %.6g%n", vector(parameters, 0, parameters.length), value);
            }
        });
        if (comparing) table(runs, recipe, out);
        else {
            ObjectiveRuns.Run run = runs.get(0);
            out.printf(Locale.ROOT, "%s with %s: final J = %.6g after %d steps (%d gradient evaluations)%n", objective, run.label(),
                    run.finalValue(), run.steps(), run.gradientEvaluations());
            for (ParameterSpec p : run.last().parameters()) {
                out.println("  " + p.name() + " = " + vector(run.parameters(), p.offset(), p.size()));
            }
            Files.createDirectories(dir);
            Path weights = dir.resolve("final.safetensors");
            run.last().save(weights);
            out.println("wrote " + weights);
        }
        if (recipe.plot() != null) {
            Path file = dir.resolve(recipe.plot().file());
            plot(runs, recipe, file);
            out.println("wrote " + file);
        }
        return 0;
    }

    private static void table(List<ObjectiveRuns.Run> runs, CheckedRecipe recipe, PrintStream out) {
        int width = "optimizer".length();
        for (ObjectiveRuns.Run r : runs) width = Math.max(width, r.label().length());
        int scalars = runs.get(0).parameters().length;
        String row = "%-" + width + "s  %12s  %7s  %10s  %9s%s%n";
        out.printf(Locale.ROOT, row, "optimizer", "final J", "steps", "∇J evals", "time (ms)", scalars <= 4 ? "  final θ" : "");
        for (ObjectiveRuns.Run r : runs) {
            out.printf(Locale.ROOT, row, r.label(), String.format(Locale.ROOT, "%.6g", r.finalValue()), r.steps(),
                    r.gradientEvaluations(), String.format(Locale.ROOT, "%.1f", r.seconds() * 1e3),
                    scalars <= 4 ? "  " + vector(r.parameters(), 0, scalars) : "");
        }
    }

    private static void plot(List<ObjectiveRuns.Run> runs, CheckedRecipe recipe, Path file) throws IOException {
        CompiledObjective objective = runs.get(runs.size() - 1).last();
        List<String> axes = new ArrayList<>();
        for (ParameterSpec p : objective.parameters()) {
            if (p.size() == 1) axes.add(p.name());
            else for (int i = 0; i < p.size(); i++) axes.add(p.name() + "[" + i + "]");
        }
        ContourPlot plot = new ContourPlot(recipe.name() + ": " + recipe.objective().graph().name(), axes.get(0), axes.get(1));
        for (ObjectiveRuns.Run r : runs) {
            // An averaging optimizer's result is θ̂, so its path is that of θ̂ (dashed); its θ is that of the rule alone.
            if (r.averagedTrajectory() != null) plot.add(new ContourPlot.Path2D(r.label() + ": θ̂", points(r.averagedTrajectory()), true));
            else plot.add(new ContourPlot.Path2D(r.label(), points(r.trajectory()), false));
        }
        float[] at = new float[2];
        plot.write(file, (x, y) -> {
            at[0] = (float) x;
            at[1] = (float) y;
            return objective.valueAt(at);
        });
    }

    private static double[][] points(float[][] trajectory) {
        double[][] points = new double[trajectory.length][];
        for (int k = 0; k < trajectory.length; k++) points[k] = new double[] {trajectory[k][0], trajectory[k][1]};
        return points;
    }

    private static String vector(float[] v, int offset, int size) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < Math.min(size, 8); i++) {
            s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6g", v[offset + i]));
        }
        if (size > 8) s.append(", ... (").append(size).append(" values)");
        return s.append(']').toString();
    }
}
