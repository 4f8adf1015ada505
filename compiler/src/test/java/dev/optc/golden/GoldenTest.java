package dev.optc.golden;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.optc.api.Frontend;
import dev.optc.diagnostics.DiagnosticRenderer;
import dev.optc.diagnostics.SourceFile;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden tests of the front end. Every {@code golden/<area>/<name>.opt} is checked as {@code optc check} would check
 * it, and the rendered diagnostics must equal {@code <name>.expected} byte for byte (line endings aside). A new case
 * is two files. Only the top level of an area folder holds cases: files that cases import live in subfolders
 * ({@code golden/errors/imports/}).
 *
 * <p>Areas carry a promise about the exit code: a case under {@code errors} must have at least one error (exit code
 * 1); a case under {@code warnings} must have no error (exit code 0) and at least one warning.
 *
 * <p>The file is named by its path relative to the golden folder ({@code errors/foo.opt}), so the expectations hold
 * no absolute path; where the compiler itself prints one (the file it looked for, an imported file's name), the golden
 * folder's absolute path is taken out. {@code -Dgolden.update=true} rewrites the {@code .expected} files in
 * {@code src/test/resources} from the current output, for a human to review in the diff; it is never the default.
 *
 * <p>The same runner checks every {@code .opt} under {@code samples/}: each must check without errors.
 */
class GoldenTest {
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");

    @TestFactory
    Stream<DynamicNode> golden() throws IOException {
        Path root = goldenRoot();
        List<DynamicNode> areas = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path area : dirs.filter(Files::isDirectory).sorted().toList()) {
                List<DynamicNode> cases = new ArrayList<>();
                try (Stream<Path> files = Files.list(area)) {
                    for (Path source : files.filter(p -> p.getFileName().toString().endsWith(".opt")).sorted().toList()) {
                        String name = source.getFileName().toString();
                        cases.add(DynamicTest.dynamicTest(name, source.toUri(), () -> runCase(root, area, source)));
                    }
                }
                areas.add(DynamicContainer.dynamicContainer(area.getFileName().toString(), area.toUri(), cases.stream()));
            }
        }
        assertFalse(areas.isEmpty(), "no golden areas under " + root);
        return areas.stream();
    }

    @TestFactory
    Stream<DynamicTest> samples() throws IOException {
        Path samples = moduleDir().resolve("../samples").normalize();
        assertTrue(Files.isDirectory(samples), "samples folder not found at " + samples);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(samples)) {
            files = walk.filter(p -> p.getFileName().toString().endsWith(".opt"))
                    .filter(p -> !p.toString().contains(File.separator + "target" + File.separator))
                    .sorted().toList();
        }
        assertFalse(files.isEmpty(), "no .opt files under " + samples);
        return files.stream().map(file -> DynamicTest.dynamicTest(samples.relativize(file).toString(), file.toUri(), () -> {
            String name = samples.getParent().relativize(file).toString().replace(File.separatorChar, '/');
            Frontend.Result result = new Frontend().run(new SourceFile(name, read(file)), file);
            if (result.diagnostics().hasErrors()) {
                fail(name + " must check without errors, but:\n"
                        + new DiagnosticRenderer().render(result.diagnostics().sorted()));
            }
        }));
    }

    private static void runCase(Path root, Path area, Path source) throws IOException {
        String relative = root.relativize(source).toString().replace(File.separatorChar, '/');
        Frontend.Result result = new Frontend().run(new SourceFile(relative, read(source)), source);
        String actual = new DiagnosticRenderer().render(result.diagnostics().sorted())
                .replace(root.toString() + File.separator, "");
        String areaName = area.getFileName().toString();
        Path expectedFile = source.resolveSibling(source.getFileName().toString().replaceFirst("\\.opt$", ".expected"));

        if (UPDATE) {
            if (!Files.exists(expectedFile) || !normalize(read(expectedFile)).equals(actual)) {
                Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
                System.out.println("golden: wrote " + moduleDir().relativize(expectedFile));
            }
        } else if (!Files.exists(expectedFile)) {
            fail("no " + expectedFile.getFileName() + " for " + relative
                    + "; run with -Dgolden.update=true to create it from this output, then review it:\n" + actual);
        } else {
            String expected = normalize(read(expectedFile));
            if (!expected.equals(actual)) {
                fail("diagnostics of " + relative + " differ from " + expectedFile.getFileName()
                        + " (- expected, + actual; -Dgolden.update=true rewrites the file):\n" + LineDiff.of(expected, actual)
                        + "\nthe whole output:\n" + actual);
            }
        }

        switch (areaName) {
            case "errors" -> assertTrue(result.diagnostics().hasErrors(),
                    relative + " is under golden/errors but has no error, so `optc check` would exit 0");
            case "warnings" -> {
                assertFalse(result.diagnostics().hasErrors(),
                        relative + " is under golden/warnings but has errors, so `optc check` would exit 1");
                assertFalse(result.diagnostics().sorted().isEmpty(), relative + " is under golden/warnings but has no warning");
            }
            default -> {
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String normalize(String text) {
        return text.replace("\r\n", "\n");
    }

    /** The golden folder in the sources (not the copy in target/), so that an update lands where it is reviewed. */
    private static Path goldenRoot() {
        Path sources = moduleDir().resolve("src/test/resources/golden");
        if (Files.isDirectory(sources)) return sources;
        return classpathGolden();
    }

    /** The compiler module's folder, found from where the golden resources were copied (target/test-classes/golden). */
    private static Path moduleDir() {
        Path testClasses = classpathGolden().getParent();
        return testClasses.getParent().getParent();
    }

    private static Path classpathGolden() {
        URL url = GoldenTest.class.getResource("/golden");
        if (url == null) throw new IllegalStateException("golden/ is not on the test class path");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A line diff (longest common subsequence) that shows only the changed lines and a line of context around them. */
    static final class LineDiff {
        private LineDiff() {
        }

        private static String[] lines(String text) {
            return (text.endsWith("\n") ? text.substring(0, text.length() - 1) : text).split("\n", -1);
        }

        static String of(String expected, String actual) {
            String[] a = lines(expected);
            String[] b = lines(actual);
            int[][] lcs = new int[a.length + 1][b.length + 1];
            for (int i = a.length - 1; i >= 0; i--) {
                for (int j = b.length - 1; j >= 0; j--) {
                    lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
                }
            }
            List<String> lines = new ArrayList<>();
            int i = 0, j = 0;
            while (i < a.length || j < b.length) {
                if (i < a.length && j < b.length && a[i].equals(b[j])) {
                    lines.add("  " + a[i]);
                    i++;
                    j++;
                } else if (i < a.length && (j == b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
                    lines.add("- " + a[i++]);
                } else {
                    lines.add("+ " + b[j++]);
                }
            }
            StringBuilder out = new StringBuilder();
            for (int k = 0; k < lines.size(); k++) {
                boolean near = false;
                for (int d = -1; d <= 1; d++) {
                    int n = k + d;
                    if (n >= 0 && n < lines.size() && !lines.get(n).startsWith("  ")) near = true;
                }
                if (near) out.append(lines.get(k)).append('\n');
                else if (out.length() > 0 && !out.toString().endsWith("...\n")) out.append("  ...\n");
            }
            return out.toString();
        }
    }
}
