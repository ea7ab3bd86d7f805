package org.mge4j.module;

import org.mge4j.Tensor;
import org.mge4j.functional.F;

/**
 * Softmax along an axis: MegEngine's {@code Softmax}. Without an axis it uses MegEngine's default: axis 0 for 0-, 1-
 * and 3-D inputs, else axis 1.
 */
public class Softmax extends Module {
    private final Integer axis;

    /** Softmax along MegEngine's default axis (repr {@code Softmax(axis=None)}). */
    public Softmax() {
        this.axis = null;
    }

    /** Softmax along {@code axis}. */
    public Softmax(int axis) {
        this.axis = axis;
    }

    /** The axis, or null for the default. */
    public Integer axis() {
        return axis;
    }

    /** {@code F.softmax(x, axis)}. */
    @Override
    public Tensor forward(Tensor x) {
        return axis == null ? F.softmax(x) : F.softmax(x, axis);
    }

    @Override
    protected String moduleInfo() {
        return "axis=" + (axis == null ? "None" : axis.toString());
    }
}
