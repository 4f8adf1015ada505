package dev.optc.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The compiler's standard error, as `optc check` renders it, becomes one build message per diagnostic. */
class DiagnosticBlockTest {

    @Test
    void eachDiagnosticKeepsItsSourceLineCaretAndHelp() {
        String stderr = "/p/src/main/opt/a.opt:3:5: warning[W002]: a dense bias before batchnorm is redundant\n"
                + "    h = relu(batchnorm(dense(x, 8)))\n"
                + "                       ^^^^^^^^^^^\n"
                + "1 warning\n"
                + "/p/src/main/opt/b.opt:10:17: error[E013]: unknown optimizer `adma`\n"
                + "        optimizer = adma(lr: 0.1)\n"
                + "                    ^^^^\n"
                + "  help: did you mean `adam`?\n"
                + "1 error, 1 warning\n";
        List<DiagnosticBlock> blocks = DiagnosticBlock.parse(stderr);
        assertEquals(2, blocks.size());
        assertFalse(blocks.get(0).isError());
        assertTrue(blocks.get(0).text().startsWith("/p/src/main/opt/a.opt:3:5: warning[W002]"));
        assertTrue(blocks.get(1).isError() && blocks.get(1).isDiagnostic());
        assertEquals("/p/src/main/opt/b.opt:10:17: error[E013]: unknown optimizer `adma`\n"
                + "        optimizer = adma(lr: 0.1)\n"
                + "                    ^^^^\n"
                + "  help: did you mean `adam`?", blocks.get(1).text());
    }

    @Test
    void anythingElseTheCompilerPrintsIsAnError() {
        List<DiagnosticBlock> blocks = DiagnosticBlock.parse("Error: LinkageError occurred while loading main class x\n"
                + "\tjava.lang.UnsupportedClassVersionError: x has been compiled by a more recent version\n"
                + "/p/c.opt: error: not a UTF-8 text file\n");
        assertEquals(2, blocks.size());
        assertTrue(blocks.get(0).isError() && blocks.get(0).text().contains("UnsupportedClassVersionError"));
        assertFalse(blocks.get(0).isDiagnostic(), "the JVM failing is not a diagnostic of a source file");
        assertTrue(blocks.get(1).isDiagnostic());
        assertEquals("/p/c.opt: error: not a UTF-8 text file", blocks.get(1).text());
    }
}
