package dev.optc.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `optc` command line. */
@Command(name = "optc", mixinStandardHelpOptions = true, version = "optc 0.1.0",
        description = "Compiles Opt training recipes to JVM bytecode and runs them.",
        subcommands = {CheckCommand.class, TrainCommand.class, CompileCommand.class, BenchCommand.class, ReportCommand.class,
                EmitCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code, without exiting (for tests). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // A failure we did not foresee still gets one line, not a stack trace; -Doptc.trace=true shows it.
            commandLine.getErr().println("optc: internal error: " + e);
            if (Boolean.getBoolean("optc.trace")) e.printStackTrace(commandLine.getErr());
            return 3;
        });
        return cli.execute(args);
    }
}
