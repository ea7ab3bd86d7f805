package org.mge4j.module;

import org.mge4j.Tensor;
import org.mge4j.functional.F;

/**
 * {@code max(0, x) + negative_slope * min(0, x)} elementwise: MegEngine's {@code LeakyReLU} (default slope 0.01).
 * Its repr is {@code LeakyReLU()}, as MegEngine prints it.
 */
public class LeakyReLU extends Module {
    private final double negativeSlope;

    /** Slope 0.01. */
    public LeakyReLU() {
        this(0.01);
    }

    /** The given slope for negative inputs. */
    public LeakyReLU(double negativeSlope) {
        this.negativeSlope = negativeSlope;
    }

    /** The slope for negative inputs. */
    public double negativeSlope() {
        return negativeSlope;
    }

    /** {@code F.leakyRelu(x, slope)}. */
    @Override
    public Tensor forward(Tensor x) {
        return F.leakyRelu(x, negativeSlope);
    }
}
