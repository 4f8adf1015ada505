package dev.optc.bench;

import dev.optc.runtime.parallel.Workers;
import java.util.Set;

/**
 * A rule's memory-only twin: a loop that reads and writes exactly the arrays the rule does (θ, g and each state
 * read once, θ and each state written once) with trivial arithmetic, x + 1e-7·g. Its time is what memory alone
 * costs that rule on this machine, the limit a fused update can approach but not beat.
 */
final class MemoryTwins {
    private static final float TINY = 1e-7f;

    private MemoryTwins() {
    }

    /** The twin of the rule over [from, to) of these arrays. */
    static Workers.RangeTask of(CompiledRule rule, float[] theta, float[] g, float[][] states) {
        Set<Integer> read = rule.statesRead();
        if (!read.equals(rule.statesWritten())) {
            throw new IllegalArgumentException(rule.rule() + " reads states " + read + " but writes " + rule.statesWritten()
                    + "; the twins cover rules that read and write every state");
        }
        int[] used = read.stream().mapToInt(Integer::intValue).toArray();
        return switch (used.length) {
            case 0 -> (from, to) -> twin(theta, g, from, to);
            case 1 -> {
                float[] a = states[used[0]];
                yield (from, to) -> twin(theta, g, a, from, to);
            }
            case 2 -> {
                float[] a = states[used[0]];
                float[] b = states[used[1]];
                yield (from, to) -> twin(theta, g, a, b, from, to);
            }
            default -> throw new IllegalArgumentException("no twin for a rule with " + used.length + " states");
        };
    }

    static void twin(float[] theta, float[] g, int from, int to) {
        for (int i = from; i < to; i++) {
            theta[i] = theta[i] + TINY * g[i];
        }
    }

    static void twin(float[] theta, float[] g, float[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            float gi = g[i];
            a[i] = a[i] + TINY * gi;
            theta[i] = theta[i] + TINY * gi;
        }
    }

    static void twin(float[] theta, float[] g, float[] a, float[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            float gi = g[i];
            a[i] = a[i] + TINY * gi;
            b[i] = b[i] + TINY * gi;
            theta[i] = theta[i] + TINY * gi;
        }
    }
}
