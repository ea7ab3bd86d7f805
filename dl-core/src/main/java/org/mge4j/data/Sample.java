package org.mge4j.data;

import org.mge4j.Tensor;

/**
 * One sample of a labelled dataset: the input (an image of shape {@code (C, H, W)}, a feature vector, ...) and
 * its label (a 0-d int32 tensor for a class index).
 *
 * @param data  the input
 * @param label the target
 */
public record Sample(Tensor data, Tensor label) {
}
