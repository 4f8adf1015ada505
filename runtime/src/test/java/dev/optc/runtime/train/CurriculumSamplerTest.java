package dev.optc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The curriculum sampler against its pacing functions, written out here: the share of hard examples of every epoch
 * follows λ(e), and the fraction mode never draws an example outside the easiest ⌈λn⌉.
 */
class CurriculumSamplerTest {
    private static final int N = 1000;

    /** Random scores with ties, so the tie-break by row is exercised too. */
    private static double[] scores(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] s = new double[N];
        for (int i = 0; i < N; i++) s[i] = random.nextInt(400) / 10.0;
        return s;
    }

    /** Rank of every row by the test's own sort: score, then row. */
    private static int[] ranks(double[] scores) {
        Integer[] rows = new Integer[N];
        for (int i = 0; i < N; i++) rows[i] = i;
        Arrays.sort(rows, (a, b) -> scores[a] != scores[b] ? Double.compare(scores[a], scores[b]) : Integer.compare(a, b));
        int[] rank = new int[N];
        for (int r = 0; r < N; r++) rank[rows[r]] = r;
        return rank;
    }

    /**
     * linear(from: 0.2, to: 1.0, over: 5 epochs), mode stochastic, hard: 0.3: λ(e) = 0.2 + 0.8·min(1, (e − 1)/5); the
     * hardest H = 300 rows are hard, the E = 700 others easy; a hard row weighs λ against an easy row's 1, so an epoch of
     * n = 1000 draws holds k = round(n·λH/(λH + E)) hard rows, and every minibatch of 32 holds 32k/n of them ± 1.
     */
    @Test
    void theStochasticCurriculumsShareOfHardExamplesFollowsItsPace() {
        double[] scores = scores(1);
        int[] rank = ranks(scores);
        CurriculumSampler sampler = new CurriculumSampler(
                new CurriculumPlan("column", "d", -1, "linear", 0.2, 1.0, 5, 0, "stochastic", 0.3), scores);
        int[] order = new int[N];
        double previousShare = -1;
        for (int epoch = 1; epoch <= 8; epoch++) {
            double lambda = 0.2 + 0.8 * Math.min(1.0, (epoch - 1) / 5.0);
            double hardWeight = lambda * 300;
            long expected = Math.round(N * hardWeight / (hardWeight + 700));
            sampler.fill(order, epoch, new SplittableRandom(100 + epoch));
            int hard = 0;
            for (int row : order) if (rank[row] >= 700) hard++;
            assertEquals(expected, hard, "epoch " + epoch + ": hard draws at λ = " + lambda);
            for (int from = 0; from + 32 <= N; from += 32) {
                int inBatch = 0;
                for (int j = from; j < from + 32; j++) if (rank[order[j]] >= 700) inBatch++;
                assertEquals(32.0 * expected / N, inBatch, 1.0, "epoch " + epoch + ", batch at " + from);
            }
            // Both groups drawn as evenly as the counts allow: no row more than once above its fair share.
            int[] times = new int[N];
            for (int row : order) times[row]++;
            for (int row = 0; row < N; row++) {
                boolean isHard = rank[row] >= 700;
                int draws = isHard ? hard : N - hard;
                int group = isHard ? 300 : 700;
                assertTrue(times[row] <= (draws + group - 1) / group, "row " + row + " drawn " + times[row] + " times");
            }
            double share = (double) hard / N;
            assertTrue(share >= previousShare, "the share of hard examples never falls");
            previousShare = share;
        }
        assertEquals(0.3, previousShare, 1e-12, "at λ = 1 the draws are uniform: the hard share is H/n");
    }

    /**
     * step(from: 0.25, by: 0.25, every: 2 epochs), mode fraction: λ(e) = min(1, 0.25 + 0.25·⌊(e − 1)/2⌋); epoch e draws
     * n rows, only from the easiest m = ⌈λn⌉, and every one of those m at least once (n ≥ m).
     */
    @Test
    void theFractionModeOnlyEverDrawsFromTheEasiestShare() {
        double[] scores = scores(2);
        int[] rank = ranks(scores);
        CurriculumSampler sampler = new CurriculumSampler(
                new CurriculumPlan("column", "d", -1, "step", 0.25, 1.0, 2, 0.25, "fraction", 0.5), scores);
        int[] order = new int[N];
        for (int epoch = 1; epoch <= 9; epoch++) {
            double lambda = Math.min(1.0, 0.25 + 0.25 * Math.floor((epoch - 1) / 2.0));
            int m = (int) Math.ceil(lambda * N);
            sampler.fill(order, epoch, new SplittableRandom(epoch));
            boolean[] seen = new boolean[N];
            for (int row : order) {
                assertTrue(rank[row] < m, "epoch " + epoch + ": row of rank " + rank[row] + " is outside the easiest " + m);
                seen[row] = true;
            }
            for (int row = 0; row < N; row++) {
                if (rank[row] < m) assertTrue(seen[row], "epoch " + epoch + ": the pool's row of rank " + rank[row] + " was never drawn");
            }
            assertEquals(m, sampler.poolSize(epoch));
        }
    }

    @Test
    void anEpochsOrderDependsOnlyOnItsGenerator() {
        double[] scores = scores(3);
        CurriculumPlan plan = new CurriculumPlan("column", "d", -1, "linear", 0.2, 1.0, 4, 0, "stochastic", 0.5);
        int[] a = new int[N], b = new int[N], c = new int[N];
        new CurriculumSampler(plan, scores).fill(a, 3, new SplittableRandom(9));
        CurriculumSampler other = new CurriculumSampler(plan, scores);
        other.fill(c, 1, new SplittableRandom(4));
        other.fill(b, 3, new SplittableRandom(9));
        assertArrayEquals(a, b, "the same epoch and generator give the same order, whatever came before");
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void paceFormulas() {
        CurriculumPlan linear = new CurriculumPlan("column", "d", -1, "linear", 0.2, 1.0, 10, 0, "fraction", 0.5);
        assertEquals(0.2, linear.pace(1), 1e-15);
        assertEquals(0.2 + 0.8 * 0.5, linear.pace(6), 1e-15);
        assertEquals(1.0, linear.pace(11), 1e-15);
        assertEquals(1.0, linear.pace(40), 1e-15);
        CurriculumPlan step = new CurriculumPlan("column", "d", -1, "step", 0.3, 0.9, 3, 0.2, "fraction", 0.5);
        assertEquals(0.3, step.pace(3), 1e-15);
        assertEquals(0.5, step.pace(4), 1e-15);
        assertEquals(0.9, step.pace(100), 1e-15);
    }
}
