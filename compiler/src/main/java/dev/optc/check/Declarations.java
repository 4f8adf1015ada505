package dev.optc.check;

import dev.optc.ast.Decl;
import dev.optc.ast.Program;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every declaration visible to the file being compiled: the prelude's, the imported files' and its own, by name.
 *
 * @param main the file being compiled; its recipes are the ones compiled
 */
public record Declarations(Program main, List<Program> programs, Map<String, Decl> byName) {

    public <T extends Decl> Map<String, T> all(Class<T> kind) {
        Map<String, T> out = new LinkedHashMap<>();
        byName.forEach((name, decl) -> {
            if (kind.isInstance(decl)) out.put(name, kind.cast(decl));
        });
        return out;
    }

    public <T extends Decl> T find(String name, Class<T> kind) {
        Decl d = byName.get(name);
        return kind.isInstance(d) ? kind.cast(d) : null;
    }
}
