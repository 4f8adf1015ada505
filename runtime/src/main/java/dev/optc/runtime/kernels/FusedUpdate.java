package dev.optc.runtime.kernels;

/**
 * An optimizer's update rule compiled to one loop over a range of the flat buffers. Generated classes implement it
 * twice, with the Vector API and with scalar code; {@link Backend} says which one a trainer uses.
 *
 * <p>{@code scalars} holds the rule's per-step values (hyperparameters, bias corrections), computed once per step by
 * the trainer; {@code origin} holds θ as it was before a lookahead moved it (null for rules without lookahead).
 */
public interface FusedUpdate {

    /** θ, and every state, updated for the elements [from, to). */
    void update(float[] params, float[] grads, float[] origin, float[][] states, float[] scalars, int from, int to);

    /** origin[i] = θ[i]; θ[i] = the rule's lookahead point, for the elements [from, to). */
    void lookahead(float[] params, float[] origin, float[][] states, float[] scalars, int from, int to);
}
