package dev.optc.maven;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A build with the same .opt files and all its classes in place skips the compiler; any change compiles again. */
class BuildStateTest {

    @Test
    void upToDateOnlyWhileSourcesAndOutputsAreUnchanged(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a.opt"), "recipe a {}");
        Path b = Files.writeString(dir.resolve("b.opt"), "model M(x: 1) -> 1 { return x }");
        Path out = Files.createDirectories(dir.resolve("classes"));
        Path trainer = Files.writeString(out.resolve("ATrainer.class"), "bytes");
        BuildState state = new BuildState(dir.resolve("state/compile.state"));
        String fingerprint = BuildState.fingerprint("1.0", out, List.of(a, b));
        assertFalse(state.upToDate(fingerprint), "never compiled");

        state.record(fingerprint, List.of(trainer));
        assertTrue(state.upToDate(BuildState.fingerprint("1.0", out, List.of(a, b))));

        // An imported file changes: everything compiles again.
        Files.writeString(b, "model M(x: 1) -> 1 { return relu(x) }");
        Files.setLastModifiedTime(b, FileTime.fromMillis(Files.getLastModifiedTime(b).toMillis() + 2000));
        assertFalse(state.upToDate(BuildState.fingerprint("1.0", out, List.of(a, b))));
        String changed = BuildState.fingerprint("1.0", out, List.of(a, b));
        state.record(changed, List.of(trainer));
        assertFalse(state.upToDate(BuildState.fingerprint("1.1", out, List.of(a, b))), "another plugin version");
        assertFalse(state.upToDate(BuildState.fingerprint("1.0", out, List.of(a))), "a file removed");

        // `mvn clean` of the classes alone, or a class deleted: compile again; the old outputs are deleted first.
        Files.delete(trainer);
        assertFalse(state.upToDate(changed));
        Path stale = Files.writeString(out.resolve("OldTrainer.class"), "bytes");
        state.record(changed, List.of(stale));
        state.deletePreviousOutputs();
        assertFalse(Files.exists(stale), "a renamed recipe's class is removed");
    }
}
