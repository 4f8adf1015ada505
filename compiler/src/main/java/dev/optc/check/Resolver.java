package dev.optc.check;

import dev.optc.ast.Decl;
import dev.optc.ast.Program;
import dev.optc.diagnostics.Diagnostics;
import dev.optc.diagnostics.SourceFile;
import dev.optc.diagnostics.SourceSpan;
import dev.optc.parse.Parser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads the prelude and, transitively, every `import` of the main file (paths relative to the importing file),
 * detecting cycles, and builds the table of declarations. A name declared twice is an error, except that a user's
 * declaration may shadow a prelude one (a user's own `adam` wins).
 */
public final class Resolver {
    private final Parser parser = new Parser();

    public Declarations resolve(Program prelude, Program main, Path mainPath, Diagnostics diagnostics) {
        List<Program> programs = new ArrayList<>();
        programs.add(prelude);
        Set<Path> loaded = new HashSet<>();
        Deque<Path> stack = new ArrayDeque<>();
        if (mainPath != null) {
            loaded.add(mainPath.toAbsolutePath().normalize());
            stack.push(mainPath.toAbsolutePath().normalize());
        }
        loadImports(main, mainPath, programs, loaded, stack, diagnostics);
        programs.add(main);

        Map<String, Decl> byName = new LinkedHashMap<>();
        for (Decl d : prelude.declarations()) byName.put(d.name().text(), d);
        Set<String> preludeNames = new HashSet<>(byName.keySet());
        Map<String, Decl> userDeclared = new LinkedHashMap<>();
        for (Program p : programs.subList(1, programs.size())) {
            for (Decl d : p.declarations()) {
                String name = d.name().text();
                Decl earlier = userDeclared.get(name);
                if (earlier != null) {
                    diagnostics.error(d.name().span(), "E010", "`" + name + "` is declared twice",
                            "the first declaration is at " + earlier.name().span());
                    continue;
                }
                userDeclared.put(name, d);
                if (preludeNames.contains(name) && byName.get(name).getClass() != d.getClass()) {
                    diagnostics.error(d.name().span(), "E010", "`" + name + "` is the name of a built-in "
                            + kindOf(byName.get(name)), "choose another name");
                    continue;
                }
                byName.put(name, d);
            }
        }
        return new Declarations(main, programs, byName);
    }

    private void loadImports(Program program, Path path, List<Program> programs, Set<Path> loaded, Deque<Path> stack,
                             Diagnostics diagnostics) {
        for (Program.Import imp : program.imports()) {
            Path base = path == null ? Path.of(".") : path.toAbsolutePath().getParent();
            Path target;
            try {
                target = base.resolve(imp.path()).normalize();
            } catch (java.nio.file.InvalidPathException e) {
                diagnostics.error(imp.span(), "E011", "`" + imp.path() + "` is not a valid path", e.getReason());
                continue;
            }
            if (stack.contains(target)) {
                diagnostics.error(imp.span(), "E012", "import cycle: " + cycle(stack, target),
                        "move the shared declarations into a file that both can import");
                continue;
            }
            if (!loaded.add(target)) continue;
            if (!Files.isRegularFile(target)) {
                diagnostics.error(imp.span(), "E011", "cannot find imported file `" + imp.path() + "`",
                        "paths are relative to the importing file: looked for " + target);
                continue;
            }
            String text;
            try {
                text = Files.readString(target);
            } catch (IOException e) {
                diagnostics.error(imp.span(), "E011", "cannot read imported file `" + imp.path() + "`: " + e.getMessage());
                continue;
            }
            Program imported = parser.parse(new SourceFile(displayName(path, target, imp.path()), text), diagnostics);
            stack.push(target);
            loadImports(imported, target, programs, loaded, stack, diagnostics);
            stack.pop();
            programs.add(imported);
        }
    }

    private static String displayName(Path importer, Path target, String written) {
        if (importer == null) return written;
        Path dir = importer.getParent();
        return dir == null ? written : dir.resolve(written).normalize().toString();
    }

    private static String cycle(Deque<Path> stack, Path target) {
        List<String> names = new ArrayList<>();
        boolean inCycle = false;
        List<Path> order = new ArrayList<>(stack);
        java.util.Collections.reverse(order);
        for (Path p : order) {
            if (p.equals(target)) inCycle = true;
            if (inCycle) names.add(p.getFileName().toString());
        }
        names.add(target.getFileName().toString());
        return String.join(" -> ", names);
    }

    static String kindOf(Decl d) {
        return switch (d) {
            case Decl.OptimizerDecl o -> "optimizer";
            case Decl.ModelDecl m -> "model";
            case Decl.ObjectiveDecl o -> "objective";
            case Decl.RecipeDecl r -> "recipe";
        };
    }
}
