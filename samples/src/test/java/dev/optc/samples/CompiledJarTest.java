package dev.optc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `optc compile` makes a jar that trains on its own, in another JVM, with nothing of the compiler inside. */
class CompiledJarTest {

    @Test
    void theDigitsJarTrainsInItsOwnProcessAndHoldsNoCompilerClasses(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("digits.jar");
        DigitsSampleTest.Run compile = DigitsSampleTest.optc("compile", "digits.opt", "-o", jar.toString());
        assertEquals(0, compile.exitCode(), compile.err());
        try (JarFile file = new JarFile(jar.toFile())) {
            List<String> names = file.stream().map(e -> e.getName()).toList();
            assertTrue(names.stream().noneMatch(n -> n.startsWith("org/antlr") || n.startsWith("org/objectweb")
                    || n.startsWith("picocli") || n.startsWith("dev/optc/compiler") || n.startsWith("dev/optc/check")),
                    "the jar holds compiler classes: " + names);
            assertTrue(names.contains("dev/optc/generated/DigitsTrainer.class"), names.toString());
            assertEquals("dev.optc.generated.DigitsTrainer", file.getManifest().getMainAttributes().getValue("Optc-Trainer"));
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Path out = dir.resolve("run");
        // The recipe's data path (data/digits.csv) is relative: the jar resolves it against its working directory.
        Process process = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-jar", jar.toString(),
                "train", "--out", out.toString())
                .directory(Path.of("").toAbsolutePath().toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the jar did not finish");
        assertEquals(0, process.exitValue(), output);
        Matcher accuracy = Pattern.compile("final validation accuracy (\\d\\.\\d+)").matcher(output);
        assertTrue(accuracy.find(), output);
        assertTrue(Double.parseDouble(accuracy.group(1)) >= 0.95, output);
        assertTrue(Files.size(out.resolve("final.safetensors")) > 0);
    }

    @Test
    void withoutTheVectorModuleTheJarSaysOnceThatItUsesTheScalarKernels(@TempDir Path dir) throws IOException, InterruptedException {
        Path jar = dir.resolve("digits.jar");
        assertEquals(0, DigitsSampleTest.optc("compile", "digits.opt", "-o", jar.toString()).exitCode());
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-jar", jar.toString(), "train", "--epochs", "1", "--out", dir.resolve("run").toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, process.exitValue(), output);
        assertEquals(1, output.split("using the scalar kernels", -1).length - 1, output);
    }
}
