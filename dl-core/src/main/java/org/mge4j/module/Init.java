package org.mge4j.module;

import org.mge4j.Tensor;

/**
 * In-place initialisers for module tensors, as MegEngine's {@code module.init}: each replaces the data of the
 * tensor it is given (keeping the object, so optimizers holding it see the new values). Draws follow
 * {@code Mge.seed}.
 */
public final class Init {
    private Init() {
    }

    /** Fills {@code t} with draws from N(mean, std²). */
    public static void normal(Tensor t, double mean, double std) {
        t.reset(Tensor.normal(mean, std, t.shape()).astype(t.dtype()).nd());
    }

    /** Fills {@code t} with draws from U(low, high). */
    public static void uniform(Tensor t, double low, double high) {
        t.reset(Tensor.uniform(low, high, t.shape()).astype(t.dtype()).nd());
    }

    /** Fills {@code t} with {@code value}. */
    public static void fill(Tensor t, double value) {
        t.reset(Tensor.full(t.shape(), value, t.dtype()).nd());
    }

    /** Fills {@code t} with zeros. */
    public static void zeros(Tensor t) {
        fill(t, 0);
    }

    /** Fills {@code t} with ones. */
    public static void ones(Tensor t) {
        fill(t, 1);
    }
}
