package org.mge4j.module;

import org.mge4j.Tensor;
import org.mge4j.functional.F;

/** {@code max(x, 0)} elementwise: MegEngine's {@code ReLU}. */
public class ReLU extends Module {
    /** A ReLU layer. */
    public ReLU() {
    }

    /** {@code F.relu(x)}. */
    @Override
    public Tensor forward(Tensor x) {
        return F.relu(x);
    }
}
