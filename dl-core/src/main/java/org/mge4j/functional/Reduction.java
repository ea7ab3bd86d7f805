package org.mge4j.functional;

import java.util.Arrays;
import org.mge4j.DType;
import org.mge4j.Tensor;
import org.mge4j.autodiff.Autograd;
import org.mge4j.autodiff.OpAttributes;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reductions over all axes ({@code axes == null}) or the given ones, with MegEngine's {@code keepdims}.
 * Sums of bool tensors count (int32), as {@code (pred == label).sum()} in the tutorials.
 */
public final class Reduction {
    private Reduction() {
    }

    /** Sum. */
    public static Tensor sum(Tensor x, int[] axes, boolean keepdims) {
        INDArray a = countable(x);
        int[] ax = axes(axes, x.ndim());
        long[] in = x.shape();
        long[] kept = keptShape(in, ax);
        INDArray out = a.sum(true, ax).reshape(keepdims ? kept : dropped(in, ax));
        return Autograd.record("sum", reduceAttrs(axes, keepdims), out, (dy, need) -> new INDArray[] {expand(dy, kept, in)}, x);
    }

    /** Mean; integer input gives float32. */
    public static Tensor mean(Tensor x, int[] axes, boolean keepdims) {
        INDArray a = Arithmetic.floating(x);
        int[] ax = axes(axes, x.ndim());
        long[] in = x.shape();
        long[] kept = keptShape(in, ax);
        long count = 1;
        for (int i : ax) {
            count *= in[i];
        }
        double n = count;
        INDArray out = a.mean(true, ax).reshape(keepdims ? kept : dropped(in, ax));
        return Autograd.record("mean", reduceAttrs(axes, keepdims), out, (dy, need) -> new INDArray[] {expand(dy.div(n), kept, in)}, x);
    }

    /** Maximum; at ties the gradient is shared equally. */
    public static Tensor max(Tensor x, int[] axes, boolean keepdims) {
        return extremum("max", x, axes, keepdims, true);
    }

    /** Minimum; at ties the gradient is shared equally. */
    public static Tensor min(Tensor x, int[] axes, boolean keepdims) {
        return extremum("min", x, axes, keepdims, false);
    }

    private static Tensor extremum(String op, Tensor x, int[] axes, boolean keepdims, boolean isMax) {
        INDArray a = x.dtype() == DType.BOOL ? x.nd().castTo(DataType.INT) : x.nd();
        checkNotEmpty(op, a);
        int[] ax = axes(axes, x.ndim());
        long[] in = x.shape();
        long[] kept = keptShape(in, ax);
        INDArray red = (isMax ? a.max(true, ax) : a.min(true, ax)).reshape(kept);
        INDArray out = red.reshape(keepdims ? kept : dropped(in, ax));
        if (x.dtype() == DType.BOOL) {
            out = out.castTo(DataType.BOOL);
        }
        return Autograd.record(op, x.dtype() == DType.BOOL ? null : reduceAttrs(axes, keepdims), out, (dy, need) -> {
            INDArray mask = a.eq(red.broadcast(in)).castTo(a.dataType());
            INDArray ties = mask.sum(true, ax);
            return new INDArray[] {mask.muli(expand(dy, kept, in)).divi(ties.broadcast(in))};
        }, x);
    }

    /** The attributes a tracer sees: the axes as given (empty for all) and keepdims. */
    private static OpAttributes reduceAttrs(int[] axes, boolean keepdims) {
        return OpAttributes.create().with("axes", axes == null ? new int[0] : axes).with("keepdims", keepdims);
    }

    /** Product; its gradient is {@code dy * prod / x} and so undefined where x has zeros. */
    public static Tensor prod(Tensor x, int[] axes, boolean keepdims) {
        INDArray a = countable(x);
        int[] ax = axes(axes, x.ndim());
        long[] in = x.shape();
        long[] kept = keptShape(in, ax);
        INDArray red = a.prod(true, ax).reshape(kept);
        return Autograd.record("prod", red.reshape(keepdims ? kept : dropped(in, ax)),
                (dy, need) -> new INDArray[] {expand(dy, kept, in).muli(red.broadcast(in)).divi(a)}, x);
    }

    /** Index of the maximum (int32); {@code axis == null} looks at the flattened tensor. */
    public static Tensor argmax(Tensor x, Integer axis, boolean keepdims) {
        return argExtremum(x, axis, keepdims, true);
    }

    /** Index of the minimum (int32); {@code axis == null} looks at the flattened tensor. */
    public static Tensor argmin(Tensor x, Integer axis, boolean keepdims) {
        return argExtremum(x, axis, keepdims, false);
    }

    private static Tensor argExtremum(Tensor x, Integer axis, boolean keepdims, boolean isMax) {
        INDArray a = x.dtype() == DType.BOOL ? x.nd().castTo(DataType.INT) : x.nd();
        checkNotEmpty(isMax ? "argmax" : "argmin", a);
        if (axis == null) {
            INDArray flat = a.reshape(a.length());
            INDArray idx = isMax ? Nd4j.argMax(flat, 0) : Nd4j.argMin(flat, 0);
            long[] shape = new long[keepdims ? x.ndim() : 0];
            Arrays.fill(shape, 1);
            return Tensor.wrap(idx.castTo(DataType.INT).reshape(shape));
        }
        int ax = Shapes.normAxis(axis, x.ndim());
        INDArray idx = isMax ? Nd4j.argMax(a, ax) : Nd4j.argMin(a, ax);
        long[] in = x.shape();
        int[] axs = {ax};
        return Tensor.wrap(idx.castTo(DataType.INT).reshape(keepdims ? keptShape(in, axs) : dropped(in, axs)));
    }

    /** Bool and integer data summed as int32 (bool) or kept (ints); floats unchanged. */
    private static INDArray countable(Tensor x) {
        return x.dtype() == DType.BOOL ? x.nd().castTo(DataType.INT) : x.nd();
    }

    private static void checkNotEmpty(String op, INDArray a) {
        if (a.length() == 0) {
            throw new IllegalArgumentException(op + " of an empty tensor has no identity");
        }
    }

    /** Normalised, sorted, unique axes; null means all. */
    static int[] axes(int[] axes, int ndim) {
        if (axes == null) {
            int[] all = new int[ndim];
            for (int i = 0; i < ndim; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            out[i] = Shapes.normAxis(axes[i], ndim);
        }
        Arrays.sort(out);
        for (int i = 1; i < out.length; i++) {
            if (out[i] == out[i - 1]) {
                throw new IllegalArgumentException("axis " + out[i] + " appears twice in " + Arrays.toString(axes));
            }
        }
        return out;
    }

    static long[] keptShape(long[] in, int[] ax) {
        long[] kept = in.clone();
        for (int i : ax) {
            kept[i] = 1;
        }
        return kept;
    }

    static long[] dropped(long[] in, int[] ax) {
        long[] out = new long[in.length - ax.length];
        int k = 0;
        for (int i = 0; i < in.length; i++) {
            if (Arrays.binarySearch(ax, i) < 0) {
                out[k++] = in[i];
            }
        }
        return out;
    }

    /** A reduced gradient broadcast back to the input shape. */
    static INDArray expand(INDArray dy, long[] kept, long[] in) {
        return dy.reshape(kept).broadcast(in);
    }
}
