package org.mge4j.module;

import org.mge4j.Tensor;
import org.mge4j.functional.F;

/**
 * 2-D average pooling over {@code (N, C, H, W)}: MegEngine's {@code AvgPool2d}. The default mode,
 * {@code average_count_exclude_padding}, divides by the number of cells inside the input; {@code average} counts
 * padding too. The stride defaults to the kernel size.
 */
public class AvgPool2d extends Pool2d {
    private final String mode;

    /** Pooling with a square window; the stride is the window size. */
    public AvgPool2d(int kernelSize) {
        this(kernelSize, kernelSize, 0);
    }

    /** Pooling with a square window and stride. */
    public AvgPool2d(int kernelSize, int stride) {
        this(kernelSize, stride, 0);
    }

    /** Pooling with a square window, stride and padding. */
    public AvgPool2d(int kernelSize, int stride, int padding) {
        this(kernelSize, stride, padding, "average_count_exclude_padding");
    }

    /** Pooling with a square window, stride, padding and mode. */
    public AvgPool2d(int kernelSize, int stride, int padding, String mode) {
        super(square(kernelSize), square(stride), square(padding), true, true, true);
        this.mode = checkMode(mode);
    }

    /** Pooling with {@code {h, w}} pairs (a null stride means the kernel size) and a mode. */
    public AvgPool2d(int[] kernelSize, int[] stride, int[] padding, String mode) {
        super(kernelSize, stride, padding, false, false, false);
        this.mode = checkMode(mode);
    }

    private static String checkMode(String mode) {
        if (!"average_count_exclude_padding".equals(mode) && !"average".equals(mode)) {
            throw new IllegalArgumentException("mode must be \"average_count_exclude_padding\" or \"average\", got "
                    + (mode == null ? "null" : "\"" + mode + "\""));
        }
        return mode;
    }

    /** The averaging mode's name. */
    public String mode() {
        return mode;
    }

    /** The mean over each window. */
    @Override
    public Tensor forward(Tensor x) {
        return F.avgPool2d(x, kernelSize(), stride(), padding(), mode);
    }

    @Override
    protected String moduleInfo() {
        return super.moduleInfo() + ", mode=" + mode;
    }
}
