package dev.optc.api;

import dev.optc.ast.Program;
import dev.optc.diagnostics.Diagnostics;
import dev.optc.diagnostics.SourceFile;
import dev.optc.parse.Parser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The built-in optimizers, written in Opt and shipped as a resource. */
final class Prelude {
    static final String RESOURCE = "/dev/optc/prelude.opt";

    private Prelude() {
    }

    static String text() {
        try (InputStream in = Prelude.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("prelude.opt is missing from the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Program parse(Diagnostics diagnostics) {
        return new Parser().parse(new SourceFile("<prelude>", text()), diagnostics);
    }
}
