package dev.optc.ast;

import dev.optc.diagnostics.SourceFile;
import java.util.List;

/** One parsed `.opt` file. */
public record Program(SourceFile file, List<Import> imports, List<Decl> declarations) {

    public record Import(String path, dev.optc.diagnostics.SourceSpan span) {
    }
}
