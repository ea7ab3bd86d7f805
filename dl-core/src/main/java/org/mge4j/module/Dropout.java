package org.mge4j.module;

import org.mge4j.Tensor;
import org.mge4j.functional.F;

/**
 * Zeroes each element with probability {@code drop_prob} in training and scales the rest by
 * {@code 1/(1-drop_prob)}; the identity in eval: MegEngine's {@code Dropout}.
 */
public class Dropout extends Module {
    private final double dropProb;

    /** A dropout that drops nothing (MegEngine's default {@code drop_prob=0.0}). */
    public Dropout() {
        this(0.0);
    }

    /** A dropout with the given drop probability in {@code [0, 1)}. */
    public Dropout(double dropProb) {
        if (!(dropProb >= 0 && dropProb < 1)) {
            throw new IllegalArgumentException("drop_prob must be in [0, 1), got " + dropProb);
        }
        this.dropProb = dropProb;
    }

    /** The drop probability. */
    public double dropProb() {
        return dropProb;
    }

    /** Drops elements in training; returns {@code x} itself in eval. */
    @Override
    public Tensor forward(Tensor x) {
        // F.dropout in eval returns x too, but a trace then records the dropout for dump to remove
        return F.dropout(x, dropProb, training());
    }

    @Override
    protected String moduleInfo() {
        return "drop_prob=" + PyFormat.floatRepr(dropProb);
    }
}
