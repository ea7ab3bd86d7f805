package org.mge4j.module;

import org.mge4j.Parameter;
import org.mge4j.Tensor;
import org.mge4j.functional.F;

/**
 * A 2-D convolution (cross-correlation) over {@code (N, C, H, W)} inputs: MegEngine's {@code Conv2d}.
 *
 * <p>{@code weight} is {@code (out, in, kh, kw)}, or {@code (groups, out/groups, in/groups, kh, kw)} when
 * {@code groups > 1}, drawn from N(0, 1/fan_in) with {@code fan_in = kh*kw*in}; {@code bias} is
 * {@code (1, out, 1, 1)} zeros. Settings other than the kernel come as positional overloads or as
 * {@link Options}: {@code new Conv2d(3, 16, 3, Conv2d.options().padding(1).bias(false))}.
 */
public class Conv2d extends Module {
    private final int inChannels;
    private final int outChannels;
    private final int[] kernelSize;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;
    private final int groups;
    /** The kernel, {@code (out, in, kh, kw)} or 5-D with groups. */
    public Parameter weight;
    /** The bias, {@code (1, out, 1, 1)}, or null when built without one. */
    public Parameter bias;

    /** The settings of a convolution besides channels and kernel; every setter returns a new copy. */
    public static final class Options {
        private final int[] stride;
        private final int[] padding;
        private final int[] dilation;
        private final int groups;
        private final boolean bias;

        private Options(int[] stride, int[] padding, int[] dilation, int groups, boolean bias) {
            this.stride = stride;
            this.padding = padding;
            this.dilation = dilation;
            this.groups = groups;
            this.bias = bias;
        }

        /** The same stride on both axes (default 1). */
        public Options stride(int s) {
            return stride(s, s);
        }

        /** The stride per axis. */
        public Options stride(int sh, int sw) {
            return new Options(new int[] {sh, sw}, padding, dilation, groups, bias);
        }

        /** The same zero padding on both axes (default 0). */
        public Options padding(int p) {
            return padding(p, p);
        }

        /** The zero padding per axis. */
        public Options padding(int ph, int pw) {
            return new Options(stride, new int[] {ph, pw}, dilation, groups, bias);
        }

        /** The same dilation on both axes (default 1). */
        public Options dilation(int d) {
            return dilation(d, d);
        }

        /** The dilation per axis. */
        public Options dilation(int dh, int dw) {
            return new Options(stride, padding, new int[] {dh, dw}, groups, bias);
        }

        /** The number of groups (default 1); in and out channels must divide by it. */
        public Options groups(int g) {
            return new Options(stride, padding, dilation, g, bias);
        }

        /** Whether to add a bias (default true). */
        public Options bias(boolean b) {
            return new Options(stride, padding, dilation, groups, b);
        }
    }

    /** The default options: stride 1, padding 0, dilation 1, groups 1, bias. */
    public static Options options() {
        return new Options(new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1, true);
    }

    /** A convolution with a square kernel and default settings. */
    public Conv2d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, kernelSize, options());
    }

    /** A convolution with a square kernel, stride and padding. */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
        this(inChannels, outChannels, kernelSize, options().stride(stride).padding(padding));
    }

    /** A convolution with every setting positional, in MegEngine's order. */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int dilation,
            int groups, boolean bias) {
        this(inChannels, outChannels, kernelSize,
                options().stride(stride).padding(padding).dilation(dilation).groups(groups).bias(bias));
    }

    /** A convolution with a square kernel and the given options. */
    public Conv2d(int inChannels, int outChannels, int kernelSize, Options options) {
        this(inChannels, outChannels, new int[] {kernelSize, kernelSize}, options);
    }

    /** A convolution with a {@code {kh, kw}} kernel and the given options. */
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, Options options) {
        Linear.checkPositive("in_channels", inChannels);
        Linear.checkPositive("out_channels", outChannels);
        checkPair("kernel_size", kernelSize, 1);
        checkPair("stride", options.stride, 1);
        checkPair("padding", options.padding, 0);
        checkPair("dilation", options.dilation, 1);
        Linear.checkPositive("groups", options.groups);
        if (inChannels % options.groups != 0) {
            throw new IllegalArgumentException("in_channels must be divisible by groups, got in_channels="
                    + inChannels + ", groups=" + options.groups);
        }
        if (outChannels % options.groups != 0) {
            throw new IllegalArgumentException("out_channels must be divisible by groups, got out_channels="
                    + outChannels + ", groups=" + options.groups);
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelSize = kernelSize.clone();
        this.stride = options.stride.clone();
        this.padding = options.padding.clone();
        this.dilation = options.dilation.clone();
        this.groups = options.groups;
        int g = groups;
        long kh = kernelSize[0];
        long kw = kernelSize[1];
        this.weight = new Parameter(g == 1 ? Tensor.zeros(outChannels, inChannels, kh, kw)
                : Tensor.zeros(g, outChannels / g, inChannels / g, kh, kw));
        this.bias = options.bias ? new Parameter(Tensor.zeros(1, outChannels, 1, 1)) : null;
        resetParameters();
    }

    /** Draws the weight again from N(0, 1/fan_in), {@code fan_in = kh*kw*in_channels}, and zeroes the bias. */
    public void resetParameters() {
        Init.normal(weight, 0, Math.sqrt(1.0 / ((double) kernelSize[0] * kernelSize[1] * inChannels)));
        if (bias != null) {
            Init.zeros(bias);
        }
    }

    /** The convolution of {@code x} with the kernel, plus the bias. */
    @Override
    public Tensor forward(Tensor x) {
        return F.conv2d(x, weight, bias, stride.clone(), padding.clone(), dilation.clone(), groups);
    }

    /** The number of input channels. */
    public int inChannels() {
        return inChannels;
    }

    /** The number of output channels. */
    public int outChannels() {
        return outChannels;
    }

    /** The kernel size {@code {kh, kw}}. */
    public int[] kernelSize() {
        return kernelSize.clone();
    }

    /** The stride {@code {sh, sw}}. */
    public int[] stride() {
        return stride.clone();
    }

    /** The padding {@code {ph, pw}}. */
    public int[] padding() {
        return padding.clone();
    }

    /** The dilation {@code {dh, dw}}. */
    public int[] dilation() {
        return dilation.clone();
    }

    /** The number of groups. */
    public int groups() {
        return groups;
    }

    @Override
    protected String moduleInfo() {
        StringBuilder s = new StringBuilder().append(inChannels).append(", ").append(outChannels)
                .append(", kernel_size=").append(PyFormat.tuple(kernelSize));
        if (stride[0] != 1 || stride[1] != 1) {
            s.append(", stride=").append(PyFormat.tuple(stride));
        }
        if (padding[0] != 0 || padding[1] != 0) {
            s.append(", padding=").append(PyFormat.tuple(padding));
        }
        if (dilation[0] != 1 || dilation[1] != 1) {
            s.append(", dilation=").append(PyFormat.tuple(dilation));
        }
        if (groups != 1) {
            s.append(", groups=").append(groups);
        }
        if (bias == null) {
            s.append(", bias=False");
        }
        return s.toString();
    }

    private static void checkPair(String name, int[] v, int min) {
        if (v == null || v.length != 2) {
            throw new IllegalArgumentException(name + " must have 2 values {h, w}, got "
                    + (v == null ? "null" : java.util.Arrays.toString(v)));
        }
        if (v[0] < min || v[1] < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got "
                    + java.util.Arrays.toString(v));
        }
    }
}
