package org.mge4j.module;

import org.mge4j.Tensor;
import org.mge4j.functional.F;

/**
 * 2-D max pooling over {@code (N, C, H, W)}: MegEngine's {@code MaxPool2d}. Padded cells never win the max. The
 * stride defaults to the kernel size.
 */
public class MaxPool2d extends Pool2d {
    /** Pooling with a square window; the stride is the window size. */
    public MaxPool2d(int kernelSize) {
        super(square(kernelSize), null, square(0), true, true, true);
    }

    /** Pooling with a square window and stride. */
    public MaxPool2d(int kernelSize, int stride) {
        super(square(kernelSize), square(stride), square(0), true, true, true);
    }

    /** Pooling with a square window, stride and padding. */
    public MaxPool2d(int kernelSize, int stride, int padding) {
        super(square(kernelSize), square(stride), square(padding), true, true, true);
    }

    /** Pooling with {@code {h, w}} pairs; a null stride means the kernel size. */
    public MaxPool2d(int[] kernelSize, int[] stride, int[] padding) {
        super(kernelSize, stride, padding, false, false, false);
    }

    /** The max over each window. */
    @Override
    public Tensor forward(Tensor x) {
        return F.maxPool2d(x, kernelSize(), stride(), padding());
    }
}
