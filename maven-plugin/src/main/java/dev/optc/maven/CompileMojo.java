package dev.optc.maven;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProject;
import org.apache.maven.toolchain.Toolchain;
import org.apache.maven.toolchain.ToolchainManager;

/**
 * Compiles the {@code .opt} files of {@code src/main/opt} into trainer classes in the build's output directory, before
 * the Java sources are compiled, so an application compiles against them and instantiates them directly
 * ({@code new dev.optc.generated.DigitsTrainer(TrainOptions.defaults())}); they need {@code dev.optc:optc-runtime} at
 * run time. Every diagnostic is a build error or warning with its {@code file:line:col}; an error fails the build.
 *
 * <p>optc needs a JDK 21+, which Maven itself may not run on: the compiler runs in a forked JVM, the build's {@code jdk}
 * toolchain (maven-toolchains-plugin) when there is one, else the JVM running Maven. Unchanged sources are not
 * compiled again.
 */
@Mojo(name = "compile", defaultPhase = LifecyclePhase.GENERATE_SOURCES, requiresDependencyResolution = ResolutionScope.COMPILE,
        threadSafe = true)
public final class CompileMojo extends AbstractMojo {
    private static final String ENTRY_POINT = "dev.optc.build.GenerateClasses";

    /** Where the {@code .opt} files are; every {@code *.opt} below it is compiled. */
    @Parameter(property = "optc.sourceDirectory", defaultValue = "${project.basedir}/src/main/opt")
    private File sourceDirectory;

    /** Where the generated classes go. */
    @Parameter(property = "optc.outputDirectory", defaultValue = "${project.build.outputDirectory}")
    private File outputDirectory;

    /** The java executable to run the compiler with; by default the toolchain's, else Maven's own. */
    @Parameter(property = "optc.java")
    private File java;

    /** Compile even when nothing changed since the last build. */
    @Parameter(property = "optc.force", defaultValue = "false")
    private boolean force;

    @Parameter(property = "optc.skip", defaultValue = "false")
    private boolean skip;

    @Parameter(defaultValue = "${project.build.directory}/optc-maven-plugin", readonly = true)
    private File stateDirectory;

    @Parameter(defaultValue = "${plugin}", readonly = true, required = true)
    private PluginDescriptor plugin;

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    private MavenSession session;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    private final ToolchainManager toolchains;

    @Inject
    public CompileMojo(ToolchainManager toolchains) {
        this.toolchains = toolchains;
    }

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("optc: skipped");
            return;
        }
        List<Path> sources = sources();
        if (sources.isEmpty()) {
            getLog().info("optc: no .opt files in " + sourceDirectory);
            return;
        }
        warnWithoutRuntime();
        Path output = outputDirectory.toPath();
        BuildState state = new BuildState(stateDirectory.toPath().resolve("compile.state"));
        String fingerprint = BuildState.fingerprint(plugin.getVersion(), output, sources);
        if (!force && state.upToDate(fingerprint)) {
            getLog().info("optc: " + sources.size() + " .opt file(s) unchanged, nothing to compile");
            return;
        }
        // A recipe renamed or removed since the last build must not leave its old classes behind.
        state.deletePreviousOutputs();
        getLog().info("optc: compiling " + sources.size() + " .opt file(s) to " + output);
        ForkedCompiler.Result result = new ForkedCompiler(javaExecutable(), classPath(), stateDirectory.toPath())
                .run(ENTRY_POINT, output, sources);
        List<DiagnosticBlock> diagnostics = DiagnosticBlock.parse(result.errorOutput());
        int errors = 0;
        boolean crashed = false;
        for (DiagnosticBlock d : diagnostics) {
            crashed |= !d.isDiagnostic();
            if (d.isError()) {
                getLog().error(d.text());
                errors++;
            } else {
                getLog().warn(d.text());
            }
        }
        if (result.exitCode() == 1 && errors > 0 && !crashed) {
            throw new MojoFailureException("optc: " + errors + " error" + (errors == 1 ? "" : "s") + " in " + sourceDirectory
                    + " (listed above)");
        }
        if (result.exitCode() != 0) {
            throw new MojoExecutionException("optc: the compiler failed (exit code " + result.exitCode() + "):\n"
                    + result.errorOutput() + "\noptc needs a JDK 21 or newer: select one with maven-toolchains-plugin "
                    + "(select-jdk-toolchain, version [21,)) or -Doptc.java=/path/to/java");
        }
        List<Path> written = result.writtenFiles();
        for (String line : result.trainers()) getLog().info("optc: " + line);
        try {
            state.record(fingerprint, written);
        } catch (IOException e) {
            getLog().warn("optc: cannot record the build state (the next build compiles again): " + e.getMessage());
        }
    }

    private List<Path> sources() throws MojoExecutionException {
        Path root = sourceDirectory.toPath();
        if (!Files.isDirectory(root)) return List.of();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".opt"))
                    .map(Path::toAbsolutePath).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new MojoExecutionException("optc: cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    /** The forked compiler runs on the plugin's own class path: optc's compiler and runtime, ANTLR's runtime, ASM. */
    private String classPath() {
        List<String> entries = new ArrayList<>();
        for (Artifact a : plugin.getArtifacts()) {
            if (a.getFile() != null) entries.add(a.getFile().getAbsolutePath());
        }
        return String.join(File.pathSeparator, entries);
    }

    private Path javaExecutable() {
        if (java != null) return java.toPath();
        Toolchain jdk = toolchains.getToolchainFromBuildContext("jdk", session);
        if (jdk != null) {
            String tool = jdk.findTool("java");
            if (tool != null) {
                getLog().debug("optc: running the compiler on the toolchain's " + tool);
                return Path.of(tool);
            }
        }
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    private void warnWithoutRuntime() {
        boolean hasRuntime = project.getArtifacts().stream()
                .anyMatch(a -> a.getGroupId().equals("dev.optc") && a.getArtifactId().equals("optc-runtime"));
        if (!hasRuntime) {
            getLog().warn("optc: the generated classes need dev.optc:optc-runtime at compile and run time; add it to the "
                    + "project's dependencies");
        }
    }
}
