package dev.optc.api;

import dev.optc.codegen.GeneratedClass;
import dev.optc.runtime.train.CompiledTrainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * A runnable jar for one compiled recipe: its generated classes and the optc runtime, nothing of ANTLR or ASM.
 * {@code java --add-modules jdk.incubator.vector -jar trainer.jar train|eval|predict ...} runs it; an application
 * can also put it on its class path and instantiate the trainer class the manifest names ({@code Optc-Trainer}).
 */
public final class TrainerJar {
    private static final String RUNTIME_PACKAGE = "dev/optc/runtime/";

    private TrainerJar() {
    }

    public static void write(CompiledRecipe recipe, Path jar) throws IOException {
        if (recipe.minimizesObjective()) {
            throw new IllegalArgumentException("recipe " + recipe.name() + " minimizes an objective; only recipes that train "
                    + "a model compile to a jar in this version of optc");
        }
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(Attributes.Name.MAIN_CLASS, "dev.optc.runtime.cli.JarMain");
        main.putValue("Optc-Trainer", recipe.generatedClasses().get(0).name());
        main.putValue("Optc-Recipe", recipe.name());
        main.putValue("Created-By", "optc");
        Path directory = jar.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, jar.getFileName().toString(), ".tmp");
        try {
            try (OutputStream file = Files.newOutputStream(temporary); JarOutputStream out = new JarOutputStream(file, manifest)) {
                for (GeneratedClass c : recipe.generatedClasses()) {
                    entry(out, c.name().replace('.', '/') + ".class", c.bytes());
                }
                copyRuntime(out);
            }
            Files.move(temporary, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** The runtime's classes, from wherever this JVM loaded them: a jar (the optc tool) or a folder (a build). */
    private static void copyRuntime(JarOutputStream out) throws IOException {
        Path source;
        try {
            source = Path.of(CompiledTrainer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate the optc runtime", e);
        }
        if (Files.isDirectory(source)) {
            try (Stream<Path> files = Files.walk(source.resolve(RUNTIME_PACKAGE))) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    entry(out, source.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
                }
            }
        } else {
            try (JarFile jar = new JarFile(source.toFile())) {
                List<JarEntry> entries = jar.stream().filter(e -> e.getName().startsWith(RUNTIME_PACKAGE) && !e.isDirectory())
                        .sorted(java.util.Comparator.comparing(JarEntry::getName)).toList();
                for (JarEntry e : entries) {
                    try (InputStream in = jar.getInputStream(e)) {
                        entry(out, e.getName(), in.readAllBytes());
                    }
                }
            }
        }
    }

    private static void entry(JarOutputStream out, String name, byte[] bytes) throws IOException {
        JarEntry e = new JarEntry(name);
        e.setTime(0); // reproducible jars: the same recipe gives the same bytes
        out.putNextEntry(e);
        out.write(bytes);
        out.closeEntry();
    }
}
