package org.mge4j.data;

import org.mge4j.Tensor;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Converts images to float32 <b>keeping their values</b> (uint8 pixels stay 0..255), which is what MegEngine's
 * pipeline sees: its transforms work on raw pixel values and its quick-start normalizes with
 * {@code Normalize(0.1307 * 255, 0.3081 * 255)}. {@link Normalize} converts by itself, so this is only needed
 * when no normalization follows. To scale into [0, 1] instead, use {@link ToTensor}.
 */
public final class ToFloat implements Transform {
    @Override
    public Tensor apply(Tensor input) {
        return Tensor.wrap(input.nd().castTo(DataType.FLOAT));
    }

    /** {@code ToFloat()}. */
    @Override
    public String toString() {
        return "ToFloat()";
    }
}
