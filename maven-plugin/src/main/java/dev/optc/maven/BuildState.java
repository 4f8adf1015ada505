package dev.optc.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the last successful compilation saw and wrote, so an unchanged build skips the compiler. The fingerprint covers
 * every {@code .opt} file (path, size, modification time) since a file may import another, the output directory and
 * the plugin's version; the classes written are listed after it, to be deleted before the next compilation.
 */
final class BuildState {
    private static final String SEPARATOR = "--- outputs";
    private final Path file;

    BuildState(Path file) {
        this.file = file;
    }

    static String fingerprint(String pluginVersion, Path output, List<Path> sources) {
        StringBuilder s = new StringBuilder("optc-maven-plugin ").append(pluginVersion).append('\n');
        s.append("output ").append(output.toAbsolutePath()).append('\n');
        for (Path source : sources) {
            try {
                s.append(source).append(' ').append(Files.size(source)).append(' ')
                        .append(Files.getLastModifiedTime(source).toMillis()).append('\n');
            } catch (IOException e) {
                s.append(source).append(" unreadable\n");
            }
        }
        return s.toString();
    }

    /** Whether the last compilation had this fingerprint and its classes are all still there. */
    boolean upToDate(String fingerprint) {
        List<String> lines = lines();
        int split = lines.indexOf(SEPARATOR);
        if (split < 0) return false;
        String previous = String.join("\n", lines.subList(0, split)) + "\n";
        if (!previous.equals(fingerprint)) return false;
        for (String output : lines.subList(split + 1, lines.size())) {
            if (!Files.exists(Path.of(output))) return false;
        }
        return true;
    }

    void deletePreviousOutputs() {
        List<String> lines = lines();
        int split = lines.indexOf(SEPARATOR);
        if (split < 0) return;
        for (String output : lines.subList(split + 1, lines.size())) {
            try {
                Files.deleteIfExists(Path.of(output));
            } catch (IOException e) {
                // A class that cannot be deleted is overwritten or left over; the compiler's result is still right.
            }
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Without the state the next build simply compiles again.
        }
    }

    void record(String fingerprint, List<Path> outputs) throws IOException {
        List<String> lines = new ArrayList<>(List.of(fingerprint.split("\n")));
        lines.add(SEPARATOR);
        for (Path p : outputs) lines.add(p.toAbsolutePath().toString());
        Files.createDirectories(file.getParent());
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    private List<String> lines() {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }
}
