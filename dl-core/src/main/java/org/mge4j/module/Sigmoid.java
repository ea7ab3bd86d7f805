package org.mge4j.module;

import org.mge4j.Tensor;
import org.mge4j.functional.F;

/** {@code 1 / (1 + exp(-x))} elementwise: MegEngine's {@code Sigmoid}. */
public class Sigmoid extends Module {
    /** A sigmoid layer. */
    public Sigmoid() {
    }

    /** {@code F.sigmoid(x)}. */
    @Override
    public Tensor forward(Tensor x) {
        return F.sigmoid(x);
    }
}
