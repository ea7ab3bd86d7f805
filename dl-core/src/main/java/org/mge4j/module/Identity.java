package org.mge4j.module;

import org.mge4j.Tensor;

/** Returns its input unchanged: MegEngine's {@code Identity}, a placeholder layer. */
public class Identity extends Module {
    /** An identity layer. */
    public Identity() {
    }

    /** {@code x} itself. */
    @Override
    public Tensor forward(Tensor x) {
        return x;
    }
}
