package dev.optc.api;

import dev.optc.codegen.GeneratedClass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled recipe's generated classes as {@code .class} files under a class-path root ({@code target/classes} in a
 * build), so an application compiles against the trainer class and instantiates it with {@code new}.
 */
public final class ClassFiles {
    private ClassFiles() {
    }

    /** Writes every generated class of {@code recipe} below {@code root}; returns the files written. */
    public static List<Path> write(CompiledRecipe recipe, Path root) throws IOException {
        List<Path> written = new ArrayList<>();
        for (GeneratedClass c : recipe.generatedClasses()) {
            Path file = root.resolve(c.name().replace('.', '/') + ".class");
            Files.createDirectories(file.getParent());
            Files.write(file, c.bytes());
            written.add(file);
        }
        return written;
    }
}
