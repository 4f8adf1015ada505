package dev.optc.runtime.train;

import dev.optc.runtime.ParameterSpec;
import dev.optc.runtime.checkpoint.BatchesTracked;
import dev.optc.runtime.checkpoint.Safetensors;
import dev.optc.runtime.checkpoint.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a training run needs to continue bit for bit, in one safetensors file: the parameters (PyTorch's names),
 * the model's statistics, every state array of the update rule ({@code optimizer.<state>}, including the averaged
 * weights), and in the metadata the step, the epoch, the hyperparameters, the schedules' starting values, the
 * early-stopping counters and what identifies the recipe. Written atomically, like every checkpoint.
 */
final class TrainingCheckpoint {
    /** Training progress besides the tensors. */
    record Progress(long step, int epoch, double[] scheduleStart, double earlyBest, int earlySince, Map<String, Double> hyperparameters,
                    long batchesTracked) {
    }

    private TrainingCheckpoint() {
    }

    static void write(Path file, String recipe, String rule, List<ParameterSpec> specs, float[] params,
                      List<ParameterSpec> statisticSpecs, float[] statistics, String[] stateNames, float[][] states,
                      Progress progress) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (ParameterSpec p : specs) tensors.put(p.name(), new Tensor(p.shape(), slice(params, p)));
        for (ParameterSpec s : statisticSpecs) tensors.put(s.name(), new Tensor(s.shape(), slice(statistics, s)));
        for (int i = 0; i < stateNames.length; i++) {
            tensors.put("optimizer." + stateNames[i], new Tensor(new int[] {states[i].length}, states[i].clone()));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("optc.recipe", recipe);
        metadata.put("optc.optimizer", rule);
        metadata.put("optc.model", signature(specs));
        metadata.put("optc.step", Long.toString(progress.step()));
        metadata.put("optc.epoch", Integer.toString(progress.epoch()));
        if (progress.scheduleStart() != null) {
            for (int i = 0; i < progress.scheduleStart().length; i++) {
                metadata.put("optc.schedule_start." + i, Double.toString(progress.scheduleStart()[i]));
            }
        }
        metadata.put("optc.early.best", Double.toString(progress.earlyBest()));
        metadata.put("optc.early.since", Integer.toString(progress.earlySince()));
        progress.hyperparameters().forEach((k, v) -> metadata.put("optc.hyper." + k, Double.toString(v)));
        Safetensors.write(file, tensors, BatchesTracked.tensors(statisticSpecs, progress.batchesTracked()), metadata);
    }

    /**
     * Reads a checkpoint into the given buffers after checking it was written by the same recipe; a different one is
     * refused with a message naming what differs. Nothing is changed unless everything fits.
     */
    static Progress read(Path file, String recipe, String rule, List<ParameterSpec> specs, float[] params,
                         List<ParameterSpec> statisticSpecs, float[] statistics, String[] stateNames, float[][] states,
                         int schedules) throws IOException {
        Safetensors.Checkpoint checkpoint = Safetensors.read(file);
        Map<String, String> meta = checkpoint.metadata();
        List<String> differences = new ArrayList<>();
        compare(differences, "recipe", recipe, meta.get("optc.recipe"));
        compare(differences, "optimizer", rule, meta.get("optc.optimizer"));
        compare(differences, "model (tensor names and shapes)", signature(specs), meta.get("optc.model"));
        if (meta.get("optc.step") == null) differences.add("it holds no training progress (was it written by `save`?)");
        for (String name : stateNames) {
            Tensor t = checkpoint.tensors().get("optimizer." + name);
            if (t == null || t.data().length != params.length) differences.add("optimizer state `" + name + "` is missing or of another size");
        }
        if (!differences.isEmpty()) {
            throw new IOException(file + ": written by a different recipe, cannot resume: " + String.join("; ", differences));
        }
        for (ParameterSpec s : statisticSpecs) {
            if (!checkpoint.tensors().containsKey(s.name())) throw new IOException(file + ": has no tensor " + s.name());
        }
        long batchesTracked = BatchesTracked.read(file, checkpoint, statisticSpecs);
        for (ParameterSpec p : specs) System.arraycopy(checkpoint.tensors().get(p.name()).data(), 0, params, p.offset(), p.size());
        for (ParameterSpec s : statisticSpecs) {
            System.arraycopy(checkpoint.tensors().get(s.name()).data(), 0, statistics, s.offset(), s.size());
        }
        for (int i = 0; i < stateNames.length; i++) {
            System.arraycopy(checkpoint.tensors().get("optimizer." + stateNames[i]).data(), 0, states[i], 0, params.length);
        }
        double[] scheduleStart = null;
        if (meta.containsKey("optc.schedule_start.0") || schedules == 0) {
            scheduleStart = new double[schedules];
            for (int i = 0; i < schedules; i++) scheduleStart[i] = Double.parseDouble(meta.get("optc.schedule_start." + i));
        }
        Map<String, Double> hyper = new LinkedHashMap<>();
        meta.forEach((k, v) -> {
            if (k.startsWith("optc.hyper.")) hyper.put(k.substring("optc.hyper.".length()), Double.parseDouble(v));
        });
        return new Progress(Long.parseLong(meta.get("optc.step")), Integer.parseInt(meta.get("optc.epoch")), scheduleStart,
                Double.parseDouble(meta.getOrDefault("optc.early.best", "NaN")),
                Integer.parseInt(meta.getOrDefault("optc.early.since", "0")), hyper, batchesTracked);
    }

    private static void compare(List<String> differences, String what, String ours, String theirs) {
        if (!ours.equals(theirs)) differences.add(what + ": this run has " + ours + ", the checkpoint " + theirs);
    }

    private static String signature(List<ParameterSpec> specs) {
        StringBuilder s = new StringBuilder();
        for (ParameterSpec p : specs) {
            if (!s.isEmpty()) s.append(' ');
            s.append(p.name()).append(Arrays.toString(p.shape()).replace(" ", ""));
        }
        return s.toString();
    }

    private static float[] slice(float[] flat, ParameterSpec p) {
        return Arrays.copyOfRange(flat, p.offset(), p.offset() + p.size());
    }
}
