package dev.optc.diagnostics;

import java.util.ArrayList;
import java.util.List;

/** The text of one `.opt` file and where its lines start, so spans can be turned into line and column. */
public final class SourceFile {
    private final String name;
    private final String text;
    private final int[] lineStarts;
    /** Whether any character needs two UTF-16 units (an emoji): then ANTLR's code point indices differ from ours. */
    private final boolean supplementary;

    public SourceFile(String name, String text) {
        this.name = name;
        this.text = text;
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') starts.add(i + 1);
        }
        this.lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
        this.supplementary = text.codePoints().anyMatch(Character::isSupplementaryCodePoint);
    }

    /** The UTF-16 offset of a code point index (the parser counts code points). */
    public int charOffset(int codePointIndex) {
        if (!supplementary) return codePointIndex;
        int count = text.codePointCount(0, text.length());
        return codePointIndex >= count ? text.length() + (codePointIndex - count) : text.offsetByCodePoints(0, codePointIndex);
    }

    public String name() { return name; }

    public String text() { return text; }

    /** 1-based line of a character offset. */
    public int line(int offset) {
        int lo = 0, hi = lineStarts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (lineStarts[mid] <= offset) lo = mid; else hi = mid - 1;
        }
        return lo + 1;
    }

    /** 1-based column of a character offset. */
    public int column(int offset) {
        return offset - lineStarts[line(offset) - 1] + 1;
    }

    /** The text of a 1-based line, without its line terminator. */
    public String lineText(int line) {
        int start = lineStarts[line - 1];
        int end = line < lineStarts.length ? lineStarts[line] : text.length();
        while (end > start && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) end--;
        return text.substring(start, end);
    }

    public int lineCount() { return lineStarts.length; }
}
