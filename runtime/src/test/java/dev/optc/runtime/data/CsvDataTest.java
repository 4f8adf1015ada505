package dev.optc.runtime.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CsvDataTest {

    @TempDir
    Path dir;

    private Path csv(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    /** Loads {@code text} as {@code t.csv} expecting failure; returns the message with the directory cut off. */
    private String error(String text, String labelColumn) throws IOException {
        Path file = csv("t.csv", text);
        DataException e = assertThrows(DataException.class, () -> CsvData.load(file, labelColumn, 1f));
        String prefix = dir + java.io.File.separator;
        assertEquals(prefix, e.getMessage().substring(0, prefix.length()), "the message starts with the file as given");
        return e.getMessage().substring(prefix.length());
    }

    private String error(String text) throws IOException {
        return error(text, null);
    }

    @Test
    void labelIsTheLastColumnByDefault() throws IOException {
        Path file = csv("digits.csv", "a,b,label\n1,2,0\n3.5,-4,2\n");
        Dataset d = CsvData.load(file, null, 1f);
        assertEquals(file.toString(), d.name());
        assertEquals(2, d.rows());
        assertEquals(2, d.width());
        assertEquals(3, d.classes(), "max label + 1");
        assertArrayEquals(new float[] {1, 2, 3.5f, -4}, d.features());
        assertArrayEquals(new int[] {0, 2}, d.labels());
    }

    @Test
    void labelChosenByNameAndFeaturesScaled() throws IOException {
        Path file = csv("pixels.csv", "label,p0,p1\n1,255,0\n0,51,102\n");
        Dataset d = CsvData.load(file, "label", 1f / 255);
        assertEquals(2, d.width());
        assertEquals(2, d.classes());
        assertArrayEquals(new int[] {1, 0}, d.labels());
        assertArrayEquals(new float[] {255f / 255, 0, 51f / 255, 102f / 255}, d.features(), 1e-7f);
    }

    @Test
    void labelInTheMiddleKeepsTheOtherColumnsInOrder() throws IOException {
        Dataset d = CsvData.load(csv("m.csv", "x,y,z\n1,7,2\n"), "y", 2f);
        assertArrayEquals(new float[] {2, 4}, d.features());
        assertArrayEquals(new int[] {7}, d.labels());
        assertEquals(8, d.classes());
    }

    @Test
    void shortIntegersAndOtherNumbersParseAlike() throws IOException {
        Dataset d = CsvData.load(csv("i.csv", "a,b,c,d,e,label\n007,1234567,12345678,+5,1e2,0\n"), null, 0.5f);
        assertArrayEquals(new float[] {3.5f, 1234567 * 0.5f, 12345678 * 0.5f, 2.5f, 50}, d.features());
    }

    @Test
    void labelsWrittenAsWholeFloatsAreAccepted() throws IOException {
        Dataset d = CsvData.load(csv("f.csv", "x,label\n1,3.0\n2,1e1\n3,0\n"), null, 1f);
        assertArrayEquals(new int[] {3, 10, 0}, d.labels());
        assertEquals(11, d.classes());
    }

    @Test
    void crlfLineEndsTrailingBlankLinesSpacesAndQuotes() throws IOException {
        Path file = csv("w.csv", "\uFEFF\"a\" , b ,\"label\"\r\n 1 ,\" 2.5 \", 1 \r\n\r\n4,5,\"0\"\r\n\r\n   \r\n\n");
        Dataset d = CsvData.load(file, "label", 1f);
        assertEquals(2, d.rows());
        assertArrayEquals(new float[] {1, 2.5f, 4, 5}, d.features());
        assertArrayEquals(new int[] {1, 0}, d.labels());
    }

    @Test
    void noTrailingNewlineIsFine() throws IOException {
        Dataset d = CsvData.load(csv("n.csv", "a,label\n1,0\n2,1"), null, 1f);
        assertEquals(2, d.rows());
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("absent.csv");
        DataException e = assertThrows(DataException.class, () -> CsvData.load(file, null, 1f));
        assertEquals(file + ": no such file", e.getMessage());
    }

    @Test
    void emptyFileAndHeaderOnly() throws IOException {
        assertEquals("t.csv: no data rows", error(""));
        assertEquals("t.csv: no data rows", error("a,b,label\n"));
        assertEquals("t.csv: no data rows", error("a,b,label\r\n\r\n\n"));
    }

    @Test
    void notANumber() throws IOException {
        assertEquals("t.csv:3:2: not a number: \"abc\"", error("a,b,label\n1,2,0\n1,abc,0\n"));
        assertEquals("t.csv:2:1: not a number: \"1f\"", error("a,b,label\n1f,2,0\n"), "no Java literal suffixes");
    }

    @Test
    void missingValue() throws IOException {
        assertEquals("t.csv:2:2: missing value", error("a,b,label\n1,,0\n"));
        assertEquals("t.csv:2:3: missing value", error("a,b,label\n1,2,  \n"));
        assertEquals("t.csv:2:1: missing value", error("a,b,label\n\"\",2,0\n"));
    }

    @Test
    void nanAndInfinityAreRejected() throws IOException {
        assertEquals("t.csv:2:1: NaN is not allowed", error("a,b,label\nNaN,2,0\n"));
        assertEquals("t.csv:2:2: NaN is not allowed", error("a,b,label\n1,nan,0\n"));
        assertEquals("t.csv:2:2: Infinity is not allowed", error("a,b,label\n1,-Infinity,0\n"));
        assertEquals("t.csv:2:1: Infinity is not allowed", error("a,b,label\ninf,2,0\n"));
        assertEquals("t.csv:2:1: out of float range: \"1e39\"", error("a,b,label\n1e39,2,0\n"));
    }

    @Test
    void wrongCellCountPointsAtTheEndOfTheRow() throws IOException {
        assertEquals("t.csv:3:2: expected 3 cells, found 2", error("a,b,label\n1,2,0\n1,2\n"));
        assertEquals("t.csv:2:4: expected 3 cells, found 4", error("a,b,label\n1,2,0,5\n"));
        // The count is checked before the cells, so a short row gives one message, not a parse error.
        assertEquals("t.csv:2:2: expected 3 cells, found 2", error("a,b,label\nx,y\n"));
    }

    @Test
    void labelMustBeANonNegativeInteger() throws IOException {
        assertEquals("t.csv:2:3: label must be a non-negative integer, found \"2.5\"", error("a,b,label\n1,2,2.5\n"));
        assertEquals("t.csv:2:3: label must be a non-negative integer, found \"-1\"", error("a,b,label\n1,2,-1\n"));
        assertEquals("t.csv:2:3: label must be a non-negative integer, found \"cat\"", error("a,b,label\n1,2,cat\n"));
        assertEquals("t.csv:2:1: label must be a non-negative integer, found \"NaN\"", error("label,b\nNaN,2\n", "label"));
    }

    @Test
    void unknownLabelColumnListsTheColumnsAndSuggests() throws IOException {
        assertEquals("t.csv:1: no column named \"lable\" (did you mean \"label\"?); the columns are: a, b, label",
                error("a,b,label\n1,2,0\n", "lable"));
        assertEquals("t.csv:1: no column named \"Label\" (did you mean \"label\"?); the columns are: a, b, label",
                error("a,b,label\n1,2,0\n", "Label"));
        assertEquals("t.csv:1: no column named \"target\"; the columns are: a, b, label",
                error("a,b,label\n1,2,0\n", "target"));
    }

    @Test
    void longHeadersAreAbbreviatedInTheMessage() throws IOException {
        StringBuilder header = new StringBuilder();
        StringBuilder row = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            header.append('p').append(i).append(',');
            row.append("0,");
        }
        String message = error(header + "label\n" + row + "0\n", "class");
        assertEquals("t.csv:1: no column named \"class\"; the columns are: "
                + "p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12, p13, p14, p15, ... and 5 more", message);
    }

    @Test
    void aSingleColumnHasNoFeatures() throws IOException {
        assertEquals("t.csv:1:1: only one column; need at least one feature column and a label column", error("label\n1\n"));
    }

    @Test
    void lineNumbersCountBlankLines() throws IOException {
        assertEquals("t.csv:4:1: not a number: \"x\"", error("a,label\n1,0\n\nx,1\n"));
    }
}
