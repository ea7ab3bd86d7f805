package org.mge4j.functional;

import org.mge4j.DType;
import org.mge4j.Tensor;
import org.mge4j.autodiff.Autograd;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Ops that pick elements: clip to a range, and choose between two tensors by a mask. */
final class Selection {
    private Selection() {
    }

    /**
     * {@code x} limited to {@code [lower, upper]}; either bound may be null (no limit). The gradient passes where
     * {@code lower <= x <= upper} and is zero outside.
     */
    public static Tensor clip(Tensor x, Double lower, Double upper) {
        if (lower != null && upper != null && lower > upper) {
            throw new IllegalArgumentException("clip: lower bound " + lower + " is greater than upper bound " + upper);
        }
        INDArray a = x.nd();
        INDArray out = a;
        if (lower != null) {
            out = Transforms.max(out, lower, true);
        }
        if (upper != null) {
            out = Transforms.min(out, upper, lower == null);
        }
        if (out == a) {
            out = a.dup();
        }
        return Autograd.record("clip", out, (dy, need) -> {
            INDArray pass = dy.dup();
            if (lower != null) {
                pass.muli(a.gte(lower).castTo(dy.dataType()));
            }
            if (upper != null) {
                pass.muli(a.lte(upper).castTo(dy.dataType()));
            }
            return new INDArray[] {pass};
        }, x);
    }

    /**
     * {@code mask ? x : y} elementwise, with broadcasting. The gradient reaches {@code x} where the mask is true and
     * {@code y} where it is false, zero elsewhere.
     */
    public static Tensor where(Tensor mask, Tensor x, Tensor y) {
        long[] shape = Broadcasting.shape(mask.shape(), Broadcasting.shape(x.shape(), y.shape()));
        INDArray[] p = Broadcasting.promoteDtypes(x, y);
        INDArray cond = mask.dtype() == DType.BOOL ? mask.nd() : mask.nd().neq(0);
        INDArray c = Native.contiguous(Broadcasting.to(cond, shape));
        INDArray a = Native.contiguous(Broadcasting.to(p[0], shape));
        INDArray b = Native.contiguous(Broadcasting.to(p[1], shape));
        INDArray out = Native.empty(a, shape);
        Native.exec("select", new INDArray[] {c, a, b}, new INDArray[] {out});
        long[] sx = x.shape();
        long[] sy = y.shape();
        return Autograd.record("where", out, (dy, need) -> {
            INDArray m = c.castTo(dy.dataType());
            return new INDArray[] {null,
                need[1] ? Broadcasting.reduceTo(dy.mul(m), sx) : null,
                need[2] ? Broadcasting.reduceTo(dy.mul(m.rsub(1)), sy) : null};
        }, mask, x, y);
    }
}
