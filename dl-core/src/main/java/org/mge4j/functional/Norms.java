package org.mge4j.functional;

import org.mge4j.Tensor;

/** Vector p-norms along an axis, as MegEngine's {@code norm}. */
final class Norms {
    private Norms() {
    }

    /**
     * The {@code ord}-norm of {@code x} along {@code axis} ({@code null}: the whole tensor, which must then be 1-D,
     * as in MegEngine). {@code ord} may be any non-zero number, {@code 0} (count of non-zeros),
     * or {@code ±Infinity} (max/min of {@code |x|}).
     */
    public static Tensor norm(Tensor x, double ord, Integer axis, boolean keepdims) {
        if (axis == null && x.ndim() != 1) {
            throw new IllegalArgumentException("norm: axis is required unless the input is a vector, got shape "
                    + Tensor.shapeString(x.shape()));
        }
        int[] axes = axis == null ? null : new int[] {axis};
        if (ord == 0) {
            return Reduction.sum(x.ne(0).astype(x.dtype().isFloating() ? x.dtype() : org.mge4j.DType.FLOAT32), axes, keepdims);
        }
        if (ord == Double.POSITIVE_INFINITY) {
            return Reduction.max(x.abs(), axes, keepdims);
        }
        if (ord == Double.NEGATIVE_INFINITY) {
            return Reduction.min(x.abs(), axes, keepdims);
        }
        if (ord == 2) {
            return Reduction.sum(x.mul(x), axes, keepdims).sqrt();
        }
        if (ord == 1) {
            return Reduction.sum(x.abs(), axes, keepdims);
        }
        return Reduction.sum(x.abs().pow(ord), axes, keepdims).pow(1.0 / ord);
    }
}
