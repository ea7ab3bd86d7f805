package org.mge4j.functional;

import java.util.ArrayList;
import java.util.List;
import org.mge4j.Tensor;
import org.mge4j.autodiff.Autograd;
import org.mge4j.autodiff.OpAttributes;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * 2-D convolution (cross-correlation, NCHW) on libnd4j's {@code conv2d}/{@code conv2d_bp}, which oneDNN
 * accelerates. The weight is {@code (out, in/groups, kh, kw)}, or MegEngine's 5-D grouped
 * {@code (groups, out/groups, in/groups, kh, kw)}; the bias {@code (1, out, 1, 1)} is added by broadcasting.
 */
final class Convolution {
    private Convolution() {
    }

    /**
     * {@code conv2d(x, weight) + bias}. {@code stride}, {@code padding} and {@code dilation} are {@code (h, w)}
     * pairs; {@code bias} may be null.
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        if (x.ndim() != 4) {
            throw new IllegalArgumentException("conv2d expects a 4-D input (N, C, H, W), got shape " + Tensor.shapeString(x.shape()));
        }
        checkPositive("stride", stride);
        checkPositive("dilation", dilation);
        if (padding[0] < 0 || padding[1] < 0) {
            throw new IllegalArgumentException("conv2d padding must not be negative, got (" + padding[0] + ", " + padding[1] + ")");
        }
        if (groups < 1) {
            throw new IllegalArgumentException("conv2d groups must be positive, got " + groups);
        }
        Tensor w = weight;
        if (w.ndim() == 5) {
            long[] s = w.shape();
            if (s[0] != groups) {
                throw new IllegalArgumentException("a 5-D conv2d weight must be (groups, out/groups, in/groups, kh, kw) with groups="
                        + groups + ", got shape " + Tensor.shapeString(s));
            }
            w = w.reshape(s[0] * s[1], s[2], s[3], s[4]);
        } else if (w.ndim() != 4) {
            throw new IllegalArgumentException("conv2d weight must be (out, in, kh, kw), got shape " + Tensor.shapeString(w.shape()));
        }
        long inC = x.shape(1);
        long outC = w.shape(0);
        if (inC != w.shape(1) * groups || outC % groups != 0) {
            throw new IllegalArgumentException("conv2d: input has " + inC + " channels but the weight " + Tensor.shapeString(w.shape())
                    + " with groups=" + groups + " expects " + (w.shape(1) * groups));
        }
        if (bias != null && bias.size() != outC) {
            throw new IllegalArgumentException("conv2d bias must have " + outC + " elements (shape (1, " + outC + ", 1, 1)), got shape "
                    + Tensor.shapeString(bias.shape()));
        }
        if (groups == 1) {
            return single(x, w, bias, stride, padding, dilation);
        }
        // libnd4j has no grouped convolution: one convolution per group, joined on the channel axis.
        long inG = inC / groups;
        long outG = outC / groups;
        Tensor b4 = bias == null ? null : bias.reshape(outC);
        List<Tensor> parts = new ArrayList<>(groups);
        for (int g = 0; g < groups; g++) {
            Tensor xg = x.slice(1, g * inG, (g + 1) * inG);
            Tensor wg = w.slice(0, g * outG, (g + 1) * outG);
            Tensor bg = b4 == null ? null : b4.slice(0, g * outG, (g + 1) * outG);
            parts.add(single(xg, wg, bg, stride, padding, dilation));
        }
        return Shapes.concat(parts, 1);
    }

    private static Tensor single(Tensor x, Tensor w, Tensor bias, int[] s, int[] p, int[] d) {
        INDArray[] xw = Broadcasting.promoteDtypes(x, w);
        INDArray in = Native.contiguous(xw[0]);
        INDArray wt = Native.contiguous(xw[1]);
        INDArray b = bias == null ? null : Broadcasting.cast(bias.nd(), org.mge4j.DType.of(in.dataType())).reshape(w.shape(0));
        long[] xs = in.shape();
        long[] ws = wt.shape();
        int kh = (int) ws[2];
        int kw = (int) ws[3];
        long oh = outSize(xs[2], kh, s[0], p[0], d[0]);
        long ow = outSize(xs[3], kw, s[1], p[1], d[1]);
        if (oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException("conv2d: a " + kh + "x" + kw + " kernel (dilation " + d[0] + "x" + d[1]
                    + ") does not fit the padded input " + Tensor.shapeString(xs));
        }
        int[] args = {kh, kw, s[0], s[1], p[0], p[1], d[0], d[1], 0, 0, 1};
        INDArray out = Native.empty(in, xs[0], ws[0], oh, ow);
        boolean dilated = d[0] != 1 || d[1] != 1;   // libnd4j's oneDNN path refuses dilated convolutions
        conv(dilated, "conv2d", b == null ? new INDArray[] {in, wt} : new INDArray[] {in, wt, b}, new INDArray[] {out}, args);
        long[] biasShape = bias == null ? null : bias.shape();
        Tensor[] inputs = bias == null ? new Tensor[] {x, w} : new Tensor[] {x, w, bias};
        OpAttributes attrs = OpAttributes.create().with("stride", s).with("padding", p).with("dilation", d);
        return Autograd.record("conv2d", attrs, out, (dy, need) -> {
            INDArray g = Native.contiguous(dy);
            INDArray[] grads = new INDArray[inputs.length];
            if (need[0]) {
                INDArray dx = Native.empty(in, xs);
                INDArray dw = Native.empty(wt, ws);
                if (b == null) {
                    conv(dilated, "conv2d_bp", new INDArray[] {in, wt, g}, new INDArray[] {dx, dw}, args);
                } else {
                    INDArray db = Native.empty(b, b.shape());
                    conv(dilated, "conv2d_bp", new INDArray[] {in, wt, b, g}, new INDArray[] {dx, dw, db}, args);
                    grads[2] = need[2] ? db.reshape(biasShape) : null;
                }
                grads[0] = dx;
                grads[1] = need[1] ? dw : null;
            } else {
                // Only the weight gradient: a convolution of x (channels as batch) with dy (batch as channels);
                // conv2d_bp would also compute dX, which for a first layer is a third of the training step.
                grads[1] = need[1] ? weightGrad(in, g, ws, s, p, d, dilated) : null;
                if (b != null && need[2]) {
                    grads[2] = channelSums(g).reshape(biasShape);
                }
            }
            if (grads[1] != null && grads[1].dataType() != w.nd().dataType()) {
                grads[1] = grads[1].castTo(w.nd().dataType());
            }
            if (grads[0] != null && grads[0].dataType() != x.nd().dataType()) {
                grads[0] = grads[0].castTo(x.nd().dataType());
            }
            return grads;
        }, inputs);
    }

    /** dW[o,c,i,j] = sum over n,h,w of x[n,c,h*s+i*d-p, ...] * dy[n,o,h,w], as one native convolution. */
    static INDArray weightGrad(INDArray x, INDArray dy, long[] ws, int[] s, int[] p, int[] d, boolean dilated) {
        long n = x.size(0);
        INDArray xt = x.size(1) == 1 ? x.reshape(1, n, x.size(2), x.size(3)) : x.permute(1, 0, 2, 3).dup('c');
        INDArray dyt = dy.permute(1, 0, 2, 3).dup('c');
        int kh = (int) dyt.size(2);
        int kw = (int) dyt.size(3);
        long oh = outSize(xt.size(2), kh, d[0], p[0], s[0]);
        long ow = outSize(xt.size(3), kw, d[1], p[1], s[1]);
        INDArray out = Native.empty(x, xt.size(0), dyt.size(0), oh, ow);
        conv(dilated, "conv2d", new INDArray[] {xt, dyt}, new INDArray[] {out}, kh, kw, d[0], d[1], p[0], p[1], s[0], s[1], 0, 0, 1);
        INDArray cut = oh == ws[2] && ow == ws[3] ? out
                : out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, ws[2]), NDArrayIndex.interval(0, ws[3]));
        return cut.permute(1, 0, 2, 3).dup('c');
    }

    /**
     * {@code dy} summed over batch and space for each channel, as one matrix-vector product: ND4J's reduction over
     * axes (0, 2, 3) runs single-threaded at a fraction of memory speed, the product at memory speed.
     */
    static INDArray channelSums(INDArray dy) {
        long n = dy.size(0);
        long c = dy.size(1);
        long hw = dy.size(2) * dy.size(3);
        INDArray ones = org.nd4j.linalg.factory.Nd4j.ones(dy.dataType(), hw, 1);
        return org.nd4j.linalg.factory.Nd4j.gemm(dy.reshape(n * c, hw), ones, false, false).reshape(n, c).sum(0);
    }

    private static void conv(boolean withoutHelpers, String op, INDArray[] inputs, INDArray[] outputs, int... args) {
        if (withoutHelpers) {
            Native.execWithoutHelpers(op, inputs, outputs, args);
        } else {
            Native.exec(op, inputs, outputs, args);
        }
    }

    static long outSize(long in, int k, int stride, int pad, int dil) {
        return Math.floorDiv(in + 2L * pad - (long) dil * (k - 1) - 1, stride) + 1;
    }

    private static void checkPositive(String what, int[] pair) {
        if (pair.length != 2 || pair[0] < 1 || pair[1] < 1) {
            throw new IllegalArgumentException("conv2d " + what + " must be two positive integers, got " + java.util.Arrays.toString(pair));
        }
    }
}
