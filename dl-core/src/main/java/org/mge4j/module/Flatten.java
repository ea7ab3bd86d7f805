package org.mge4j.module;

import org.mge4j.Tensor;
import org.mge4j.functional.F;

/**
 * Flattens axes {@code start_axis..end_axis} into one: the layer form of {@code F.flatten}, by default keeping the
 * batch axis ({@code start_axis=1}), so it can sit in a {@link Sequential} between convolutions and linear layers.
 */
public class Flatten extends Module {
    private final int startAxis;
    private final int endAxis;

    /** Flattens every axis after the first. */
    public Flatten() {
        this(1, -1);
    }

    /** Flattens axes {@code startAxis..endAxis} (negative counts from the end). */
    public Flatten(int startAxis, int endAxis) {
        this.startAxis = startAxis;
        this.endAxis = endAxis;
    }

    /** {@code F.flatten(x, start, end)}. */
    @Override
    public Tensor forward(Tensor x) {
        return F.flatten(x, startAxis, endAxis);
    }

    @Override
    protected String moduleInfo() {
        return "start_axis=" + startAxis + ", end_axis=" + endAxis;
    }
}
