package org.mge4j.functional;

import java.util.Arrays;
import org.mge4j.DType;
import org.mge4j.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/** numpy broadcasting: the common shape of two operands, and folding a gradient back to an operand's shape. */
public final class Broadcasting {
    private Broadcasting() {
    }

    /** The broadcast shape of {@code a} and {@code b}, or an error naming both shapes. */
    public static long[] shape(long[] a, long[] b) {
        int n = Math.max(a.length, b.length);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            long x = i < n - a.length ? 1 : a[i - (n - a.length)];
            long y = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (x != y && x != 1 && y != 1) {
                throw new IllegalArgumentException("shapes " + Tensor.shapeString(a) + " and " + Tensor.shapeString(b)
                        + " cannot be broadcast together");
            }
            out[i] = x == 1 ? y : x;
        }
        return out;
    }

    /** {@code a} expanded to {@code shape} (a view where ND4J allows, else a copy). */
    public static INDArray to(INDArray a, long[] shape) {
        if (Arrays.equals(a.shape(), shape)) {
            return a;
        }
        INDArray r = a;
        if (a.rank() < shape.length) {
            long[] padded = new long[shape.length];
            Arrays.fill(padded, 1);
            System.arraycopy(a.shape(), 0, padded, shape.length - a.rank(), a.rank());
            r = a.reshape(padded);
        }
        return r.broadcast(shape);
    }

    /** Sums a gradient over the axes that broadcasting added or stretched, giving an array of {@code shape}. */
    public static INDArray reduceTo(INDArray g, long[] shape) {
        long[] gs = g.shape();
        if (Arrays.equals(gs, shape)) {
            return g;
        }
        int lead = gs.length - shape.length;
        int[] axes = new int[gs.length];
        int k = 0;
        for (int i = 0; i < gs.length; i++) {
            if (i < lead || (shape[i - lead] == 1 && gs[i] != 1)) {
                axes[k++] = i;
            }
        }
        INDArray r = k == 0 ? g : g.sum(true, Arrays.copyOf(axes, k));
        return r.reshape(shape);
    }

    /** Both operands cast to their promoted dtype, after checking that their shapes broadcast. */
    static INDArray[] promote(Tensor a, Tensor b) {
        shape(a.shape(), b.shape());
        return promoteDtypes(a, b);
    }

    /** Both operands cast to their promoted dtype, shapes unchecked (for matmul and other non-elementwise ops). */
    static INDArray[] promoteDtypes(Tensor a, Tensor b) {
        DType d = DType.promote(a.dtype(), b.dtype());
        return new INDArray[] {cast(a.nd(), d), cast(b.nd(), d)};
    }

    static INDArray cast(INDArray a, DType d) {
        return a.dataType() == d.nd4j() ? a : a.castTo(d.nd4j());
    }
}
