package org.mge4j.module;

import java.util.Arrays;

/**
 * What max and average pooling share: kernel, stride (the kernel by default) and padding, kept as given (a number or
 * a pair) so the repr prints them as MegEngine does. MegEngine's {@code _PoolNd}.
 */
public abstract class Pool2d extends Module {
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final String kernelRepr;
    private final String strideRepr;
    private final String paddingRepr;

    Pool2d(int[] kernel, int[] stride, int[] padding, boolean scalarKernel, boolean scalarStride,
            boolean scalarPadding) {
        this.kernel = pair("kernel_size", kernel, 1);
        this.stride = stride == null ? this.kernel.clone() : pair("stride", stride, 1);
        this.padding = pair("padding", padding, 0);
        this.kernelRepr = scalarKernel ? String.valueOf(kernel[0]) : PyFormat.tuple(kernel);
        this.strideRepr = stride == null ? kernelRepr
                : scalarStride ? String.valueOf(stride[0]) : PyFormat.tuple(stride);
        this.paddingRepr = scalarPadding ? String.valueOf(padding[0]) : PyFormat.tuple(padding);
    }

    static int[] square(int v) {
        return new int[] {v, v};
    }

    private static int[] pair(String name, int[] v, int min) {
        if (v == null || v.length != 2) {
            throw new IllegalArgumentException(name + " must have 2 values {h, w}, got "
                    + (v == null ? "null" : Arrays.toString(v)));
        }
        if (v[0] < min || v[1] < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got " + Arrays.toString(v));
        }
        return v.clone();
    }

    /** The window size {@code {kh, kw}}. */
    public int[] kernelSize() {
        return kernel.clone();
    }

    /** The stride {@code {sh, sw}}. */
    public int[] stride() {
        return stride.clone();
    }

    /** The padding {@code {ph, pw}}. */
    public int[] padding() {
        return padding.clone();
    }

    @Override
    protected String moduleInfo() {
        return "kernel_size=" + kernelRepr + ", stride=" + strideRepr + ", padding=" + paddingRepr;
    }
}
