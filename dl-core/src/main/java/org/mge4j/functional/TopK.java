package org.mge4j.functional;

import org.mge4j.Tensor;
import org.mge4j.autodiff.Autograd;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/** The k largest (or smallest) elements along the last axis, with their indices; libnd4j's {@code top_k}. */
public final class TopK {
    /** What {@link #topk} returns: the values (differentiable) and their int32 indices along the last axis. */
    public record Result(Tensor values, Tensor indices) {
    }

    private TopK() {
    }

    /**
     * The {@code k} largest ({@code descending}) or smallest elements of each row along the last axis, sorted
     * best first. With {@code kthOnly} only the k-th element (the last axis dropped). {@code noSort} allows any order;
     * this implementation always returns them sorted.
     */
    public static Result topk(Tensor x, int k, boolean descending, boolean kthOnly, boolean noSort) {
        if (x.ndim() == 0) {
            throw new IllegalArgumentException("topk needs at least a 1-D input, got a scalar");
        }
        long n = x.shape(-1);
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("topk: k must be in [1, " + n + "] for a last axis of size " + n + ", got " + k);
        }
        INDArray a = Native.contiguous(Arithmetic.floating(x));
        INDArray src = descending ? a : a.neg();
        INDArray[] res = Nd4j.exec(DynamicCustomOp.builder("top_k").addInputs(src)
                .addIntegerArguments(k).addBooleanArguments(true).build());
        INDArray values = descending ? res[0] : res[0].negi();
        INDArray idx = res[1].dataType() == DataType.INT ? res[1] : res[1].castTo(DataType.INT);
        long[] inShape = a.shape();
        Tensor vals = Autograd.record("topk", values, (dy, need) -> new INDArray[] {scatter(dy, idx, inShape)}, x);
        Tensor indices = Tensor.wrap(idx);
        if (kthOnly) {
            return new Result(vals.slice(-1, k - 1, k).squeeze(-1), indices.slice(-1, k - 1, k).squeeze(-1));
        }
        return new Result(vals, indices);
    }

    /** Gradient of a gather along the last axis: each dy goes back to the position it was taken from. */
    private static INDArray scatter(INDArray dy, INDArray idx, long[] inShape) {
        long n = inShape[inShape.length - 1];
        long k = idx.size(-1);
        double[] g = Native.contiguous(dy).castTo(DataType.DOUBLE).data().asDouble();
        int[] at = Native.contiguous(idx).data().asInt();
        long total = 1;
        for (long s : inShape) {
            total *= s;
        }
        double[] dx = new double[(int) total];
        for (int i = 0; i < at.length; i++) {
            long row = i / k;
            dx[(int) (row * n + at[i])] += g[i];
        }
        return Nd4j.create(dx, inShape, 'c').castTo(dy.dataType());
    }
}
