package dev.optc.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.maven.plugin.MojoExecutionException;

/**
 * Runs optc's compiler in a JVM of its own ({@code GenerateClasses -d DIR FILE...}) and collects what it printed:
 * diagnostics on standard error, one {@code wrote RECIPE CLASS FILE} line per class on standard output.
 */
final class ForkedCompiler {
    private final Path java;
    private final String classPath;
    private final Path workDirectory;

    ForkedCompiler(Path java, String classPath, Path workDirectory) {
        this.java = java;
        this.classPath = classPath;
        this.workDirectory = workDirectory;
    }

    /** What one run of the compiler did. */
    static final class Result {
        private final int exitCode;
        private final String errorOutput;
        private final List<String> outputLines;

        Result(int exitCode, String errorOutput, List<String> outputLines) {
            this.exitCode = exitCode;
            this.errorOutput = errorOutput;
            this.outputLines = outputLines;
        }

        int exitCode() { return exitCode; }

        String errorOutput() { return errorOutput; }

        /** The class files written. */
        List<Path> writtenFiles() {
            List<Path> files = new ArrayList<>();
            for (String[] w : wrote()) files.add(Path.of(w[3]));
            return files;
        }

        /** One line per recipe: its name and its trainer class. */
        List<String> trainers() {
            Set<String> lines = new LinkedHashSet<>();
            for (String[] w : wrote()) lines.add("recipe " + w[1] + " -> " + w[2]);
            return new ArrayList<>(lines);
        }

        private List<String[]> wrote() {
            List<String[]> result = new ArrayList<>();
            for (String line : outputLines) {
                String[] parts = line.split(" ", 4);
                if (parts.length == 4 && parts[0].equals("wrote")) result.add(parts);
            }
            return result;
        }
    }

    Result run(String mainClass, Path output, List<Path> sources) throws MojoExecutionException {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.add("-d");
        command.add(output.toAbsolutePath().toString());
        for (Path s : sources) command.add(s.toString());
        try {
            Files.createDirectories(workDirectory);
            Path out = workDirectory.resolve("compiler.out");
            Path err = workDirectory.resolve("compiler.err");
            // To files, not pipes: the child can never block on a full pipe while we wait for it.
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            int exit = process.waitFor();
            return new Result(exit, new String(Files.readAllBytes(err), StandardCharsets.UTF_8),
                    Files.readAllLines(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new MojoExecutionException("optc: cannot run " + java + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MojoExecutionException("optc: interrupted while compiling", e);
        }
    }
}
