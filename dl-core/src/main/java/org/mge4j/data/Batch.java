package org.mge4j.data;

import org.mge4j.Tensor;

/**
 * A batch from a {@link DataLoader}: the inputs stacked on a new first axis (for images {@code (N, C, H, W)},
 * float32 after the loader's transform) and the labels as an int32 tensor of shape {@code (N,)}.
 *
 * <pre>{@code
 * for (Batch batch : loader) {
 *     var logits = model.call(batch.data());
 *     var loss = F.crossEntropy(logits, batch.label());
 * }
 * }</pre>
 *
 * @param data  the stacked inputs
 * @param label the stacked labels (int32)
 */
public record Batch(Tensor data, Tensor label) {
    /** The number of samples in this batch. */
    public int size() {
        return (int) data.shape(0);
    }
}
