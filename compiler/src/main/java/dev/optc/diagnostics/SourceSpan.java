package dev.optc.diagnostics;

/** A range of characters [start, end) in one source file. */
public record SourceSpan(SourceFile file, int start, int end) {
    public SourceSpan {
        if (end < start) end = start;
    }

    public int line() { return file.line(start); }

    public int column() { return file.column(start); }

    /** The smallest span covering both. */
    public SourceSpan to(SourceSpan other) {
        return new SourceSpan(file, Math.min(start, other.start), Math.max(end, other.end));
    }

    public String text() { return file.text().substring(start, Math.min(end, file.text().length())); }

    @Override
    public String toString() { return file.name() + ":" + line() + ":" + column(); }
}
