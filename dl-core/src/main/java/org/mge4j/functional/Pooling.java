package org.mge4j.functional;

import org.mge4j.Tensor;
import org.mge4j.autodiff.Autograd;
import org.mge4j.autodiff.OpAttributes;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * 2-D max and average pooling (NCHW) on libnd4j's {@code maxpool2d}/{@code avgpool2d} and their {@code _bp} ops.
 * Output size {@code floor((H + 2p - k) / s) + 1}, as MegEngine (no dilation, no ceil mode).
 */
final class Pooling {
    /** MegEngine's average-pooling modes. */
    public enum AvgMode {
        /** Divide by the number of in-bounds cells of the window (MegEngine's default). */
        AVERAGE_COUNT_EXCLUDE_PADDING,
        /** Divide by the full window size, padded cells counting as zeros ({@code "average"}). */
        AVERAGE;

        /** The mode from MegEngine's name: {@code "average_count_exclude_padding"} or {@code "average"}. */
        public static AvgMode of(String name) {
            switch (name) {
                case "average_count_exclude_padding":
                    return AVERAGE_COUNT_EXCLUDE_PADDING;
                case "average":
                    return AVERAGE;
                default:
                    throw new IllegalArgumentException("avg_pool2d mode must be \"average_count_exclude_padding\" or \"average\", got \""
                            + name + "\"");
            }
        }
    }

    private Pooling() {
    }

    /** Max pooling; padded cells are ignored (never win the maximum). */
    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
        return pool("max_pool2d", "maxpool2d", x, kernel, stride, padding, 0);
    }

    /** Average pooling in the given mode. */
    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, AvgMode mode) {
        // libnd4j's extra argument for average pooling: 0 excludes padded cells from the count, 1 includes them.
        return pool("avg_pool2d", "avgpool2d", x, kernel, stride, padding, mode == AvgMode.AVERAGE ? 1 : 0);
    }

    private static Tensor pool(String name, String op, Tensor x, int[] k, int[] s, int[] p, int extra) {
        if (x.ndim() != 4) {
            throw new IllegalArgumentException(name + " expects a 4-D input (N, C, H, W), got shape " + Tensor.shapeString(x.shape()));
        }
        check(name, "kernel_size", k, 1);
        check(name, "stride", s, 1);
        check(name, "padding", p, 0);
        INDArray in = Native.contiguous(Arithmetic.floating(x));
        long[] xs = in.shape();
        long oh = Math.floorDiv(xs[2] + 2L * p[0] - k[0], s[0]) + 1;
        long ow = Math.floorDiv(xs[3] + 2L * p[1] - k[1], s[1]) + 1;
        if (oh <= 0 || ow <= 0 || p[0] >= k[0] || p[1] >= k[1]) {
            throw new IllegalArgumentException(name + ": kernel " + k[0] + "x" + k[1] + " with padding " + p[0] + "x" + p[1]
                    + " does not fit input " + Tensor.shapeString(xs) + " (padding must be smaller than the kernel)");
        }
        int[] args = {k[0], k[1], s[0], s[1], p[0], p[1], 1, 1, 0, extra, 0};
        INDArray out = Native.empty(in, xs[0], xs[1], oh, ow);
        INDArray data = in;
        Native.exec(op, new INDArray[] {data}, new INDArray[] {out}, args);
        OpAttributes attrs = OpAttributes.create().with("kernel", k).with("stride", s).with("padding", p);
        if (op.equals("avgpool2d")) {
            attrs.with("mode", extra == 1 ? "average" : "average_count_exclude_padding");
        }
        // the relu shortcut sends gradients past relu, so a tracer would see pooling read z: off while tracing
        Tensor reluInput = !Autograd.isObserved() && extra == 0 && op.equals("maxpool2d") && in == x.nd() ? Autograd.inputOf(x, "relu") : null;
        if (reluInput != null && reluInput.shape().length == 4) {
            // max_pool2d(relu(z)): the gradient goes straight to z. A window's maximum y is 0 exactly when relu
            // zeroed all its cells, so masking dy where y > 0 (on the 4x smaller output) and then routing it to the
            // maximum gives relu_bp(max_pool2d_bp(dy)) bit for bit, without relu's pass over the large input.
            return Autograd.record(name, attrs, out, (dy, need) -> {
                INDArray masked = Native.empty(out, out.shape());
                Native.exec("relu_bp", new INDArray[] {out, Native.contiguous(dy)}, new INDArray[] {masked});
                INDArray dz = Native.empty(data, xs);
                Native.exec(op + "_bp", new INDArray[] {data, masked}, new INDArray[] {dz}, args);
                return new INDArray[] {dz};
            }, reluInput);
        }
        return Autograd.record(name, attrs, out, (dy, need) -> {
            INDArray dx = Native.empty(data, xs);
            Native.exec(op + "_bp", new INDArray[] {data, Native.contiguous(dy)}, new INDArray[] {dx}, args);
            return new INDArray[] {dx};
        }, x);
    }

    private static void check(String op, String what, int[] pair, int min) {
        if (pair.length != 2 || pair[0] < min || pair[1] < min) {
            throw new IllegalArgumentException(op + " " + what + " must be two integers >= " + min + ", got "
                    + java.util.Arrays.toString(pair));
        }
    }
}
