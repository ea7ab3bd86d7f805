package org.mge4j.functional;

import java.util.Arrays;
import org.mge4j.Tensor;
import org.mge4j.autodiff.Autograd;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Padding of every axis by {@code (before, after)} cells, in numpy's modes constant, reflect and edge. */
final class Padding {
    /** How padded cells are filled. */
    public enum Mode {
        /** A constant value. */
        CONSTANT,
        /** Mirror without repeating the edge ({@code [1,2,3] -> [3,2,1,2,3,2,1]}). */
        REFLECT,
        /** Repeat the edge value ({@code "edge"}, also known as replicate). */
        EDGE;

        /** The mode from its numpy / MegEngine name: "constant", "reflect", "edge" (or "replicate"). */
        public static Mode of(String name) {
            switch (name) {
                case "constant":
                    return CONSTANT;
                case "reflect":
                    return REFLECT;
                case "edge":
                case "replicate":
                    return EDGE;
                default:
                    throw new IllegalArgumentException("pad mode must be \"constant\", \"reflect\" or \"edge\", got \"" + name + "\"");
            }
        }
    }

    private Padding() {
    }

    /** {@code x} padded by {@code padWidth[axis] = {before, after}} on each axis. */
    public static Tensor pad(Tensor x, long[][] padWidth, Mode mode, double value) {
        int n = x.ndim();
        if (padWidth.length != n) {
            throw new IllegalArgumentException("pad needs one (before, after) pair per axis: " + n + " for shape "
                    + Tensor.shapeString(x.shape()) + ", got " + padWidth.length);
        }
        long[] in = x.shape();
        long[] outShape = new long[n];
        for (int i = 0; i < n; i++) {
            if (padWidth[i].length != 2 || padWidth[i][0] < 0 || padWidth[i][1] < 0) {
                throw new IllegalArgumentException("pad widths must be (before, after) pairs of non-negative integers, got "
                        + Arrays.toString(padWidth[i]) + " for axis " + i);
            }
            if (mode == Mode.REFLECT && (padWidth[i][0] >= in[i] || padWidth[i][1] >= in[i]) && (padWidth[i][0] > 0 || padWidth[i][1] > 0)) {
                throw new IllegalArgumentException("reflect padding of axis " + i + " by " + Arrays.toString(padWidth[i])
                        + " needs widths smaller than its size " + in[i]);
            }
            if (mode == Mode.EDGE && in[i] == 0 && (padWidth[i][0] > 0 || padWidth[i][1] > 0)) {
                throw new IllegalArgumentException("edge padding of an empty axis " + i + " is not possible");
            }
            outShape[i] = in[i] + padWidth[i][0] + padWidth[i][1];
        }
        if (mode == Mode.CONSTANT) {
            return constant(x, padWidth, in, outShape, value);
        }
        Tensor out = x;
        for (int i = 0; i < n; i++) {
            if (padWidth[i][0] > 0 || padWidth[i][1] > 0) {
                out = gather(out, i, sourceIndices(in[i], padWidth[i][0], padWidth[i][1], mode));
            }
        }
        return out;
    }

    private static Tensor constant(Tensor x, long[][] pw, long[] in, long[] outShape, double value) {
        INDArray a = x.nd();
        INDArray out = Nd4j.valueArrayOf(outShape, value, a.dataType());
        INDArrayIndex[] inner = new INDArrayIndex[in.length];
        for (int i = 0; i < in.length; i++) {
            inner[i] = NDArrayIndex.interval(pw[i][0], pw[i][0] + in[i]);
        }
        if (a.length() > 0) {
            out.get(inner).assign(a);
        }
        return Autograd.record("pad", out, (dy, need) -> new INDArray[] {dy.get(inner).dup('c')}, x);
    }

    /** For each output position along the axis, the input position it copies. */
    private static long[] sourceIndices(long size, long before, long after, Mode mode) {
        long[] idx = new long[(int) (size + before + after)];
        for (int j = 0; j < idx.length; j++) {
            long p = j - before;
            if (mode == Mode.EDGE) {
                idx[j] = Math.max(0, Math.min(size - 1, p));
            } else {
                long period = 2 * (size - 1);
                long q = period == 0 ? 0 : Math.floorMod(p, period);
                idx[j] = q < size ? q : period - q;
            }
        }
        return idx;
    }

    /** {@code x} indexed along {@code axis} by {@code idx}; the gradient adds back to each source position. */
    private static Tensor gather(Tensor x, int axis, long[] idx) {
        INDArray a = x.nd();
        long[] outShape = a.shape().clone();
        outShape[axis] = idx.length;
        INDArray out = Nd4j.createUninitialized(a.dataType(), outShape);
        for (int j = 0; j < idx.length; j++) {
            out.get(at(outShape.length, axis, j)).assign(a.get(at(outShape.length, axis, idx[j])));
        }
        long[] inShape = a.shape();
        return Autograd.record("pad", out, (dy, need) -> {
            INDArray dx = Nd4j.zeros(dy.dataType(), inShape);
            for (int j = 0; j < idx.length; j++) {
                dx.get(at(inShape.length, axis, idx[j])).addi(dy.get(at(inShape.length, axis, j)));
            }
            return new INDArray[] {dx};
        }, x);
    }

    private static INDArrayIndex[] at(int rank, int axis, long i) {
        INDArrayIndex[] ix = new INDArrayIndex[rank];
        for (int k = 0; k < rank; k++) {
            ix[k] = k == axis ? NDArrayIndex.interval(i, i + 1) : NDArrayIndex.all();
        }
        return ix;
    }
}
