package dev.optc.cli;

import dev.optc.runtime.report.HtmlReport;
import dev.optc.runtime.report.ReportException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", description = "Writes a self-contained HTML page charting a training run's metrics.")
final class ReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RUN_DIR", description = "the run's directory (runs/<recipe>), holding metrics.jsonl")
    Path runDirectory;

    @Option(names = "--recipe", paramLabel = "FILE", description = "the .opt file, shown at the end of the page")
    Path recipe;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "where to write the page (default RUN_DIR/report.html)")
    Path out;

    @Override
    public Integer call() {
        Path page = out != null ? out : runDirectory.resolve("report.html");
        try {
            HtmlReport.write(runDirectory, recipe, page);
        } catch (ReportException e) {
            System.err.println("optc: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            System.err.println("optc: " + page + ": cannot write the report: " + e);
            return 1;
        }
        System.out.println("wrote " + page);
        return 0;
    }
}
