package org.mge4j.functional;

import org.mge4j.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.GreaterThanOrEqual;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LessThanOrEqual;
import org.nd4j.linalg.factory.Nd4j;

/** Elementwise comparisons with broadcasting; results are bool tensors and carry no gradient. */
public final class Comparison {
    private Comparison() {
    }

    /** {@code a == b}. */
    public static Tensor eq(Tensor a, Tensor b) {
        INDArray[] p = pair(a, b);
        return Tensor.wrap(p[0].eq(p[1]));
    }

    /** {@code a != b}. */
    public static Tensor ne(Tensor a, Tensor b) {
        INDArray[] p = pair(a, b);
        return Tensor.wrap(p[0].neq(p[1]));
    }

    /** {@code a < b}. */
    public static Tensor lt(Tensor a, Tensor b) {
        INDArray[] p = pair(a, b);
        return Tensor.wrap(p[0].lt(p[1]));
    }

    /** {@code a <= b}. */
    public static Tensor le(Tensor a, Tensor b) {
        INDArray[] p = pair(a, b);
        return Tensor.wrap(Nd4j.exec(new LessThanOrEqual(p[0], p[1]))[0]);
    }

    /** {@code a > b}. */
    public static Tensor gt(Tensor a, Tensor b) {
        INDArray[] p = pair(a, b);
        return Tensor.wrap(p[0].gt(p[1]));
    }

    /** {@code a >= b}. */
    public static Tensor ge(Tensor a, Tensor b) {
        INDArray[] p = pair(a, b);
        return Tensor.wrap(Nd4j.exec(new GreaterThanOrEqual(p[0], p[1]))[0]);
    }

    /** Both operands promoted to one dtype and broadcast to one shape. */
    private static INDArray[] pair(Tensor a, Tensor b) {
        INDArray[] p = Broadcasting.promote(a, b);
        if (p[0].dataType() == org.nd4j.linalg.api.buffer.DataType.BOOL) {
            p[0] = p[0].castTo(org.nd4j.linalg.api.buffer.DataType.INT);
            p[1] = p[1].castTo(org.nd4j.linalg.api.buffer.DataType.INT);
        }
        long[] shape = Broadcasting.shape(a.shape(), b.shape());
        return new INDArray[] {Broadcasting.to(p[0], shape), Broadcasting.to(p[1], shape)};
    }
}
