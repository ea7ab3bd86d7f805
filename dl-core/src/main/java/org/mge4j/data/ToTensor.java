package org.mge4j.data;

import org.mge4j.Tensor;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Converts uint8 images (0..255) to float32 in [0, 1] by dividing by 255, like torchvision's {@code ToTensor}.
 * MegEngine has no such scaling ({@code T.ToMode} only reorders axes), so a pipeline written for MegEngine uses
 * {@link ToFloat} or {@link Normalize} on raw values; after {@code ToTensor}, normalize with means and deviations
 * in [0, 1] units ({@code new Normalize(0.1307, 0.3081)}). Only uint8 input is accepted, so values cannot be
 * scaled twice.
 */
public final class ToTensor implements Transform {
    @Override
    public Tensor apply(Tensor input) {
        if (input.nd().dataType() != DataType.UBYTE) {
            throw new IllegalArgumentException("ToTensor scales uint8 images (0..255) into [0, 1], but got dtype " + input.dtype()
                    + "; the values may be scaled already. Use ToFloat to only convert the dtype");
        }
        return Tensor.wrap(input.nd().castTo(DataType.FLOAT).divi(255.0));
    }

    /** {@code ToTensor()}. */
    @Override
    public String toString() {
        return "ToTensor()";
    }
}
