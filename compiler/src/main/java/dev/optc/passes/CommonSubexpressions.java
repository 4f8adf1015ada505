package dev.optc.passes;

import dev.optc.ir.ElementExpr;
import dev.optc.ir.ElementStmt;
import dev.optc.ir.UpdateKernel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes an element expression that the body computes more than once (`g * g` in two statements, `sign(g)` in
 * two places) once, into a new local assigned just before the statement of its first use, and reads the local at
 * every use. Runs after {@link Hoisting}, so what is the same for every element is already a per-step scalar and
 * this pass shares only per-element work.
 *
 * <p>Statements run in order and assign θ, states and locals, so two occurrences of the same text are the same
 * value only if none of the variables they read is assigned between them: every assignment starts a new version of
 * its variable, and an occurrence is identified by its expression together with the versions of what it reads. A
 * statement's right-hand side reads the versions from before its own store. Only compound expressions are shared,
 * the largest first; a part of a shared expression is then shared only if it also occurs outside it. An expression
 * taken out of one branch of a selection is computed for every element: it is pure float arithmetic, so at worst
 * wasted work. The lookahead point runs in a method of its own, before the body, and is left as it is.
 */
public final class CommonSubexpressions {

    /** An expression as evaluated at one point of the body: the versions of the variables it reads at that point. */
    private record Occurrence(ElementExpr expr, Map<ElementExpr, Integer> versions) {
    }

    /** How often an occurrence appears, and the statement of its first appearance. */
    private static final class Uses {
        final int firstStatement;
        int count;

        Uses(int firstStatement) {
            this.firstStatement = firstStatement;
        }
    }

    public UpdateKernel apply(UpdateKernel kernel) {
        List<ElementStmt> body = kernel.body();
        int locals = kernel.locals();
        // Each round shares the largest repeated expression; sharing one never makes a new repeat, so it ends.
        for (Map.Entry<Occurrence, Uses> shared = largestRepeated(body); shared != null; shared = largestRepeated(body)) {
            body = share(body, shared.getKey(), shared.getValue().firstStatement, locals++);
        }
        return kernel.withBody(kernel.scalars(), kernel.lookahead(), List.copyOf(body), locals);
    }

    private static Map.Entry<Occurrence, Uses> largestRepeated(List<ElementStmt> body) {
        Map<Occurrence, Uses> uses = new LinkedHashMap<>();
        Map<ElementExpr, Integer> versions = new HashMap<>();
        for (int i = 0; i < body.size(); i++) {
            count(body.get(i).value(), versions, i, uses);
            assign(body.get(i), versions);
        }
        Map.Entry<Occurrence, Uses> best = null;
        for (Map.Entry<Occurrence, Uses> e : uses.entrySet()) {
            if (e.getValue().count < 2) continue;
            // Ties go to the earliest, so the result does not depend on hashing.
            if (best == null || size(e.getKey().expr()) > size(best.getKey().expr())) best = e;
        }
        return best;
    }

    private static void count(ElementExpr e, Map<ElementExpr, Integer> versions, int statement, Map<Occurrence, Uses> uses) {
        if (!candidate(e)) return;
        uses.computeIfAbsent(occurrence(e, versions), o -> new Uses(statement)).count++;
        switch (e) {
            case ElementExpr.Unary u -> count(u.operand(), versions, statement, uses);
            case ElementExpr.Binary b -> {
                count(b.left(), versions, statement, uses);
                count(b.right(), versions, statement, uses);
            }
            case ElementExpr.Select s -> {
                count(s.condition(), versions, statement, uses);
                count(s.then(), versions, statement, uses);
                count(s.otherwise(), versions, statement, uses);
            }
            default -> {
            }
        }
    }

    /** The body with {@code shared} computed into local {@code local} before statement {@code first} and read after. */
    private static List<ElementStmt> share(List<ElementStmt> body, Occurrence shared, int first, int local) {
        List<ElementStmt> out = new ArrayList<>();
        Map<ElementExpr, Integer> versions = new HashMap<>();
        ElementExpr read = new ElementExpr.Local(local);
        for (int i = 0; i < body.size(); i++) {
            ElementStmt s = body.get(i);
            if (i == first) out.add(new ElementStmt.SetLocal(local, shared.expr()));
            ElementExpr value = replace(s.value(), shared, read, versions);
            out.add(switch (s) {
                case ElementStmt.SetTheta t -> new ElementStmt.SetTheta(value);
                case ElementStmt.SetState st -> new ElementStmt.SetState(st.index(), value);
                case ElementStmt.SetLocal l -> new ElementStmt.SetLocal(l.index(), value);
            });
            assign(s, versions);
        }
        return out;
    }

    private static ElementExpr replace(ElementExpr e, Occurrence shared, ElementExpr read, Map<ElementExpr, Integer> versions) {
        if (!candidate(e)) return e;
        if (e.equals(shared.expr()) && occurrence(e, versions).equals(shared)) return read;
        return switch (e) {
            case ElementExpr.Unary u -> new ElementExpr.Unary(u.fn(), replace(u.operand(), shared, read, versions));
            case ElementExpr.Binary b -> new ElementExpr.Binary(b.fn(), replace(b.left(), shared, read, versions),
                    replace(b.right(), shared, read, versions));
            case ElementExpr.Select s -> new ElementExpr.Select(replace(s.condition(), shared, read, versions),
                    replace(s.then(), shared, read, versions), replace(s.otherwise(), shared, read, versions));
            default -> e;
        };
    }

    /** A compound per-element expression; leaves cost nothing to read again, uniform ones are Hoisting's. */
    private static boolean candidate(ElementExpr e) {
        boolean compound = e instanceof ElementExpr.Unary || e instanceof ElementExpr.Binary || e instanceof ElementExpr.Select;
        return compound && !ElementExpr.uniform(e);
    }

    private static Occurrence occurrence(ElementExpr e, Map<ElementExpr, Integer> versions) {
        Map<ElementExpr, Integer> read = new HashMap<>();
        collectVariables(e, versions, read);
        return new Occurrence(e, read);
    }

    /** The variables (θ, states, locals) {@code e} reads, with their current versions. */
    private static void collectVariables(ElementExpr e, Map<ElementExpr, Integer> versions, Map<ElementExpr, Integer> out) {
        switch (e) {
            case ElementExpr.Theta x -> out.put(x, versions.getOrDefault(x, 0));
            case ElementExpr.State x -> out.put(x, versions.getOrDefault(x, 0));
            case ElementExpr.Local x -> out.put(x, versions.getOrDefault(x, 0));
            case ElementExpr.Unary u -> collectVariables(u.operand(), versions, out);
            case ElementExpr.Binary b -> {
                collectVariables(b.left(), versions, out);
                collectVariables(b.right(), versions, out);
            }
            case ElementExpr.Select s -> {
                collectVariables(s.condition(), versions, out);
                collectVariables(s.then(), versions, out);
                collectVariables(s.otherwise(), versions, out);
            }
            // g, constants, hyperparameters, t, scalars: never assigned by the body.
            default -> {
            }
        }
    }

    /** After the statement's store: a new version of the variable it assigns. */
    private static void assign(ElementStmt s, Map<ElementExpr, Integer> versions) {
        ElementExpr variable = switch (s) {
            case ElementStmt.SetTheta t -> new ElementExpr.Theta();
            case ElementStmt.SetState st -> new ElementExpr.State(st.index());
            case ElementStmt.SetLocal l -> new ElementExpr.Local(l.index());
        };
        versions.merge(variable, 1, Integer::sum);
    }

    private static int size(ElementExpr e) {
        return switch (e) {
            case ElementExpr.Unary u -> 1 + size(u.operand());
            case ElementExpr.Binary b -> 1 + size(b.left()) + size(b.right());
            case ElementExpr.Select s -> 1 + size(s.condition()) + size(s.then()) + size(s.otherwise());
            default -> 1;
        };
    }
}
