package dev.optc.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.optc.runtime.checkpoint.Safetensors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training process killed mid-run and resumed from its last checkpoint ends with the same weights, bit for bit, as
 * a run that was never interrupted; a damaged checkpoint is refused and the last good one is still there.
 */
class ResumeTest {
    private static final int EPOCHS = 80;

    private static String recipe() {
        String data = Path.of("data/digits.csv").toAbsolutePath().toString();
        return """
                model Mlp(x: 64) -> 10 {
                    h1 = relu(batchnorm(dense(x, 64, bias: false)))
                    h2 = dropout(h1, 0.1)
                    return dense(h2, 10)
                }
                recipe resumable {
                    data       = csv("%s", scale: 1/16, validation: 0.2)
                    model      = Mlp
                    loss       = softmax_cross_entropy
                    optimizer  = nesterov(lr: 0.02, alpha: 0.9)
                    schedule   = cosine(to: 0.001, over: %d epochs)
                    average    = ema(0.95)
                    clip       = norm(5.0)
                    batch      = 16
                    epochs     = %d
                    checkpoint = every(1 epochs)
                    seed       = 3
                }
                """.formatted(data, EPOCHS, EPOCHS);
    }

    @Test
    void aKilledRunResumedFromItsCheckpointEndsBitIdenticalToAnUninterruptedOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("resumable.opt");
        Files.writeString(file, recipe());
        Path whole = dir.resolve("whole");
        DigitsSampleTest.Run uninterrupted = DigitsSampleTest.optc("train", file.toString(), "--out", whole.toString());
        assertEquals(0, uninterrupted.exitCode(), uninterrupted.err());

        Path killed = dir.resolve("killed");
        Path checkpoint = killed.resolve("checkpoint.safetensors");
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                "dev.optc.cli.Main", "train", file.toString(), "--out", killed.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("killed.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(checkpoint) && process.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
        Thread.sleep(200); // a few more epochs, so the kill lands in the middle of one
        process.destroyForcibly();
        assertTrue(process.waitFor(1, TimeUnit.MINUTES));
        String log = Files.readString(dir.resolve("killed.log"), StandardCharsets.UTF_8);
        assertTrue(Files.exists(checkpoint), "no checkpoint was written before the kill:\n" + log);
        assertTrue(!Files.exists(killed.resolve("final.safetensors")), "the run finished before it was killed:\n" + log);

        // The checkpoint a kill leaves behind is whole (written to a temporary file, then renamed).
        int epochAtKill = Integer.parseInt(Safetensors.read(checkpoint).metadata().get("optc.epoch"));
        assertTrue(epochAtKill >= 1 && epochAtKill < EPOCHS, "epoch " + epochAtKill);

        DigitsSampleTest.Run resumed = DigitsSampleTest.optc("train", file.toString(), "--out", killed.toString(),
                "--resume", checkpoint.toString());
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(resumed.out().contains("resuming resumable after epoch " + epochAtKill), resumed.out());
        assertArrayEquals(Files.readAllBytes(whole.resolve("final.safetensors")), Files.readAllBytes(killed.resolve("final.safetensors")),
                "resumed after epoch " + epochAtKill + " of " + EPOCHS);
    }

    @Test
    void aTruncatedCheckpointIsRefusedAndAnotherRecipesCheckpointNamesWhatDiffers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("resumable.opt");
        Files.writeString(file, recipe().replace("epochs     = " + EPOCHS, "epochs     = 2"));
        Path out = dir.resolve("run");
        DigitsSampleTest.Run first = DigitsSampleTest.optc("train", file.toString(), "--out", out.toString());
        assertEquals(0, first.exitCode(), first.err());
        Path good = out.resolve("checkpoint.safetensors");
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        DigitsSampleTest.Run refused = DigitsSampleTest.optc("train", file.toString(), "--out", out.toString(), "--resume", truncated.toString());
        assertNotEquals(0, refused.exitCode());
        assertTrue(refused.err().contains("truncated.safetensors") && refused.err().contains("truncated"), refused.err());
        assertArrayEquals(bytes, Files.readAllBytes(good), "the good checkpoint is untouched");
        DigitsSampleTest.Run fromGood = DigitsSampleTest.optc("train", file.toString(), "--out", dir.resolve("again").toString(),
                "--resume", good.toString());
        assertEquals(0, fromGood.exitCode(), "the previous good checkpoint still resumes: " + fromGood.err());

        Path other = dir.resolve("other.opt");
        Files.writeString(other, recipe().replace("nesterov(lr: 0.02, alpha: 0.9)", "adam(lr: 0.001)"));
        DigitsSampleTest.Run different = DigitsSampleTest.optc("train", other.toString(), "--out", dir.resolve("o").toString(),
                "--resume", good.toString());
        assertNotEquals(0, different.exitCode());
        assertTrue(different.err().contains("optimizer: this run has adam, the checkpoint nesterov"), different.err());
    }
}
