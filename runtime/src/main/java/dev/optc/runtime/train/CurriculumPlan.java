package dev.optc.runtime.train;

/**
 * `curriculum = difficulty(score: ..., pace: ..., mode: ...)` (8.7.6): how hard each example is, and how the share
 * of hard examples grows over the epochs. The pacing function λ(e) of epoch e (from 1) is
 * <ul>
 *   <li>{@code linear(from, to, over: N epochs)}: λ = from + (to − from) · min(1, (e − 1)/N)</li>
 *   <li>{@code step(from, by, every: N epochs, to)}: λ = min(to, from + by · ⌊(e − 1)/N⌋)</li>
 * </ul>
 * and the mode says what λ means; see {@link CurriculumSampler}.
 *
 * @param scoreKind  {@code column} (a column of the training CSV, not a feature) or {@code loss_under} (the loss of
 *                   each example under weights of the same model loaded from a file)
 * @param scoreName  the column's name (null when given by index), or the weights file, relative to the recipe
 * @param scoreIndex the column's 0-based index in the CSV when given by index, else −1
 * @param pace       {@code linear} or {@code step}
 * @param span       N, in epochs
 * @param by         step's increment (0 for linear)
 * @param mode       {@code fraction} or {@code stochastic}
 * @param hard       the share of examples, the hardest, that the stochastic mode counts as hard
 */
public record CurriculumPlan(String scoreKind, String scoreName, int scoreIndex, String pace, double from, double to,
                             int span, double by, String mode, double hard) {

    public CurriculumPlan {
        if (!scoreKind.equals("column") && !scoreKind.equals("loss_under")) throw new IllegalArgumentException("score " + scoreKind);
        if (!pace.equals("linear") && !pace.equals("step")) throw new IllegalArgumentException("pace " + pace);
        if (!mode.equals("fraction") && !mode.equals("stochastic")) throw new IllegalArgumentException("mode " + mode);
        if (span < 1) throw new IllegalArgumentException("span must be at least one epoch, got " + span);
    }

    /** λ(e), in [0, 1], for epoch e counted from 1. */
    public double pace(int epoch) {
        int before = Math.max(0, epoch - 1);
        double value = pace.equals("linear")
                ? from + (to - from) * Math.min(1.0, (double) before / span)
                : Math.min(to, from + by * Math.floor((double) before / span));
        return Math.max(0, Math.min(1, value));
    }

    /** Whether the scores come from a column of the data (which is then not a feature). */
    public boolean scoresFromColumn() {
        return scoreKind.equals("column");
    }
}
