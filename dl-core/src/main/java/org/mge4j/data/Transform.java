package org.mge4j.data;

import org.mge4j.Tensor;

/**
 * A transform of input images, as MegEngine's {@code data.transform}. Transforms act on the trailing axes, so the
 * same transform works on one image {@code (C, H, W)} and on a batch {@code (N, C, H, W)}; a
 * {@link DataLoader} applies its transform to each batch at once, which gives the values a per-image transform
 * would.
 *
 * <p>The pipeline of MegEngine's quick-start, on Fashion-MNIST images that are already {@code (1, 28, 28)}
 * (so {@code T.ToMode("CHW")} is not needed):
 * <pre>{@code
 * var transform = new Compose(new Pad(2), new Normalize(0.1307 * 255, 0.3081 * 255));
 * }</pre>
 */
@FunctionalInterface
public interface Transform {
    /** The transformed image or batch. */
    Tensor apply(Tensor input);
}
