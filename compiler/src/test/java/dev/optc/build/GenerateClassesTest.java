package dev.optc.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.runtime.TrainOptions;
import dev.optc.runtime.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The entry point the Maven plugin forks: class files on disk that an application loads like any other class. */
class GenerateClassesTest {
    private static final String MODEL = """
            model Tiny(x: 3) -> 2 {
                return dense(x, 2)
            }
            """;

    private static String recipe(String name, String optimizer) {
        return MODEL + """
                recipe %s {
                    data      = csv("none.csv")
                    model     = Tiny
                    loss      = softmax_cross_entropy
                    optimizer = %s
                    epochs    = 1
                }
                """.formatted(name, optimizer);
    }

    private record Output(int exitCode, String out, String err) {
    }

    private static Output run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = GenerateClasses.run(args);
            return new Output(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void writesClassFilesThatLoadAndInstantiateFromTheClassPath(@TempDir Path dir) throws Exception {
        Path source = Files.writeString(dir.resolve("tiny.opt"), recipe("tiny", "sgd(lr: 0.1)"));
        Path classes = dir.resolve("classes");
        Output result = run("-d", classes.toString(), source.toString());
        assertEquals(0, result.exitCode(), result.err());
        Path trainerClass = classes.resolve("dev/optc/generated/TinyTrainer.class");
        assertTrue(Files.isRegularFile(trainerClass), result.out());
        assertTrue(result.out().contains("wrote tiny dev.optc.generated.TinyTrainer " + trainerClass), result.out());

        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, Trainer.class.getClassLoader())) {
            Object trainer = loader.loadClass("dev.optc.generated.TinyTrainer").getConstructor(TrainOptions.class)
                    .newInstance(TrainOptions.seed(1));
            Trainer t = (Trainer) trainer;
            assertEquals(3, t.inputWidth());
            assertEquals(2, t.predict(new float[] {1, 2, 3}, 1).length);
        }
    }

    @Test
    void everyFileIsCompiledAndEveryErrorReported(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.opt"), recipe("bad", "adma(lr: 0.1)"));
        Path good = Files.writeString(dir.resolve("good.opt"), recipe("good", "sgd(lr: 0.1)"));
        Path twin = Files.writeString(dir.resolve("twin.opt"), recipe("good", "adam(lr: 0.01)"));
        Output result = run("-d", dir.resolve("classes").toString(), bad.toString(), good.toString(), twin.toString());
        assertEquals(1, result.exitCode());
        assertTrue(result.err().contains(bad + ":8:17: error[E013]: unknown optimizer `adma`"), result.err());
        assertTrue(result.err().contains(twin + ": error: recipe `good` compiles to dev.optc.generated.GoodTrainer, which "
                + good + " already defines"), result.err());
        assertTrue(Files.isRegularFile(dir.resolve("classes/dev/optc/generated/GoodTrainer.class")));
        assertFalse(Files.exists(dir.resolve("classes/dev/optc/generated/BadTrainer.class")));
    }

    @Test
    void aBadCommandLineSaysHowToCallIt() {
        Output result = run("tiny.opt");
        assertEquals(2, result.exitCode());
        assertTrue(result.err().startsWith("usage: GenerateClasses -d OUTPUT_DIR FILE.opt..."), result.err());
    }
}
