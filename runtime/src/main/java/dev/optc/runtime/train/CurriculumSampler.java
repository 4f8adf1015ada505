package dev.optc.runtime.train;

import dev.optc.runtime.data.Dataset;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The order of one epoch's examples under a curriculum (8.7.6). Examples are ranked by their difficulty score, lowest
 * (easiest) first, ties by row. An epoch always draws n examples (n = the training rows), so its batches and steps, and
 * with them the schedules, are those of a run without curriculum; λ = {@link CurriculumPlan#pace(int)}:
 * <ul>
 *   <li>{@code fraction}: only the easiest m = max(1, ⌈λn⌉) examples are drawn, in fresh shuffles of them, one after
 *       another, until n are drawn (the pacing function of Bengio et al. and of Hacohen and Weinshall).</li>
 *   <li>{@code stochastic}: the seed's stochastic curriculum. The hardest H = round(hard · n) examples are hard, the
 *       E = n − H others easy; a hard example is drawn with weight λ against an easy one's 1, so the epoch holds
 *       k = round(n · λH / (λH + E)) hard draws (uniform sampling at λ = 1). Each group is drawn in fresh shuffles of
 *       itself, and the hard draws are spread evenly over the epoch (position j is hard when ⌊(j+1)k/n⌋ &gt; ⌊jk/n⌋),
 *       so every minibatch of B holds B·k/n of them, give or take one.</li>
 * </ul>
 * The order depends only on the scores, the epoch and the generator the trainer derives from the seed and the epoch,
 * so a resumed run draws what the uninterrupted one drew.
 */
public final class CurriculumSampler {
    private final CurriculumPlan plan;
    /** Rows from easiest to hardest. */
    private final int[] byDifficulty;
    private final boolean[] hard;
    private final int hardCount;

    public CurriculumSampler(CurriculumPlan plan, double[] scores) {
        for (int i = 0; i < scores.length; i++) {
            if (Double.isNaN(scores[i])) throw new IllegalArgumentException("the difficulty of row " + i + " is NaN");
        }
        this.plan = plan;
        this.byDifficulty = IntStream.range(0, scores.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> scores[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
        int n = scores.length;
        this.hardCount = (int) Math.round(plan.hard() * n);
        this.hard = new boolean[n];
        for (int r = n - hardCount; r < n; r++) hard[byDifficulty[r]] = true;
    }

    /** Rows from easiest to hardest. */
    public int[] ranking() {
        return byDifficulty.clone();
    }

    /** Whether the stochastic mode counts {@code row} as hard. */
    public boolean isHard(int row) {
        return hard[row];
    }

    /** m of the fraction mode: how many of the easiest examples epoch {@code epoch} draws from. */
    public int poolSize(int epoch) {
        int n = byDifficulty.length;
        return Math.max(1, Math.min(n, (int) Math.ceil(plan.pace(epoch) * n - 1e-9)));
    }

    /** k of the stochastic mode: how many of epoch {@code epoch}'s n draws are hard. */
    public int hardDraws(int epoch) {
        int n = byDifficulty.length;
        int easy = n - hardCount;
        if (easy == 0) return n;
        double weighted = plan.pace(epoch) * hardCount;
        return (int) Math.round(n * weighted / (weighted + easy));
    }

    /** Fills {@code order} (n rows) with epoch {@code epoch}'s examples, drawing from {@code random}. */
    public void fill(int[] order, int epoch, SplittableRandom random) {
        int n = byDifficulty.length;
        if (order.length != n) throw new IllegalArgumentException(order.length + " places for " + n + " examples");
        if (plan.mode().equals("fraction")) {
            draw(Arrays.copyOf(byDifficulty, poolSize(epoch)), order, 0, n, random);
            return;
        }
        int k = hardDraws(epoch);
        int[] hardRows = Arrays.copyOfRange(byDifficulty, n - hardCount, n);
        int[] easyRows = Arrays.copyOf(byDifficulty, n - hardCount);
        int[] hardDrawn = new int[k], easyDrawn = new int[n - k];
        draw(hardRows, hardDrawn, 0, k, random);
        draw(easyRows, easyDrawn, 0, n - k, random);
        int h = 0, e = 0;
        for (int j = 0; j < n; j++) {
            boolean hardPlace = (long) (j + 1) * k / n > (long) j * k / n;
            order[j] = hardPlace ? hardDrawn[h++] : easyDrawn[e++];
        }
    }

    /** {@code count} draws from {@code pool}: shuffles of the whole pool one after another, the last one cut short. */
    private static void draw(int[] pool, int[] into, int from, int count, SplittableRandom random) {
        int at = from;
        while (at < from + count) {
            int[] shuffled = pool.clone();
            Dataset.shuffle(shuffled, random);
            int take = Math.min(shuffled.length, from + count - at);
            System.arraycopy(shuffled, 0, into, at, take);
            at += take;
        }
    }
}
