package dev.optc.check;

import java.util.Collection;

/** "did you mean `adam`?": the closest known name by edit distance, when it is close enough to be a typo. */
final class Spelling {
    private Spelling() {
    }

    static String closest(String name, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(name, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        // One edit in three characters: `adma` → `adam`, `sdg` → `sgd`; a one- or two-letter name is too short to guess.
        int allowed = Math.min(name.length(), best == null ? 0 : best.length()) / 3;
        return best != null && bestDistance <= allowed ? best : null;
    }

    /** A "did you mean" hint, or null. */
    static String didYouMean(String name, Collection<String> candidates) {
        String c = closest(name, candidates);
        return c == null ? null : "did you mean `" + c + "`?";
    }

    /** Optimal string alignment distance: a swap of two neighbours counts as one edit, as in `adma`/`adam`. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
