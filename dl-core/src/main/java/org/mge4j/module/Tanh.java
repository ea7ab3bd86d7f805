package org.mge4j.module;

import org.mge4j.Tensor;
import org.mge4j.functional.F;

/** The hyperbolic tangent elementwise (MegEngine has it as {@code F.tanh}; the layer is for {@link Sequential}). */
public class Tanh extends Module {
    /** A tanh layer. */
    public Tanh() {
    }

    /** {@code F.tanh(x)}. */
    @Override
    public Tensor forward(Tensor x) {
        return F.tanh(x);
    }
}
