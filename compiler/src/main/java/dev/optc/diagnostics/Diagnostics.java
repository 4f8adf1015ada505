package dev.optc.diagnostics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The findings of one compilation, passed along the passes. Never static, so the compiler can run twice in a JVM. */
public final class Diagnostics {
    private final List<Diagnostic> all = new ArrayList<>();

    public void error(SourceSpan span, String code, String message) { error(span, code, message, null); }

    public void error(SourceSpan span, String code, String message, String hint) {
        all.add(new Diagnostic(Severity.ERROR, span, code, message, hint));
    }

    public void warning(SourceSpan span, String code, String message, String hint) {
        all.add(new Diagnostic(Severity.WARNING, span, code, message, hint));
    }

    public boolean hasErrors() { return all.stream().anyMatch(d -> d.severity() == Severity.ERROR); }

    public int errorCount() { return (int) all.stream().filter(d -> d.severity() == Severity.ERROR).count(); }

    /** Every finding, in source order (by file as first reported, then position); duplicates at one place are merged. */
    public List<Diagnostic> sorted() {
        List<String> fileOrder = new ArrayList<>();
        for (Diagnostic d : all) {
            String f = d.span().file().name();
            if (!fileOrder.contains(f)) fileOrder.add(f);
        }
        List<Diagnostic> out = new ArrayList<>();
        all.stream()
                .sorted(Comparator.<Diagnostic>comparingInt(d -> fileOrder.indexOf(d.span().file().name()))
                        .thenComparingInt(d -> d.span().start())
                        .thenComparingInt(d -> d.span().end()))
                .forEach(d -> {
                    boolean duplicate = out.stream().anyMatch(o -> o.span().file() == d.span().file()
                            && o.span().start() == d.span().start() && o.message().equals(d.message()));
                    if (!duplicate) out.add(d);
                });
        return out;
    }
}
