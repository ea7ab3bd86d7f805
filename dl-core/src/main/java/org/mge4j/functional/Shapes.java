package org.mge4j.functional;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mge4j.DType;
import org.mge4j.Tensor;
import org.mge4j.autodiff.Autograd;
import org.mge4j.autodiff.OpAttributes;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Ops that move data without computing: reshape, flatten, transpose, axes of size one, broadcast, concat, stack, split. */
public final class Shapes {
    private Shapes() {
    }

    /** An axis in {@code [0, ndim)}; negative axes count from the end. */
    public static int normAxis(int axis, int ndim) {
        int a = axis < 0 ? axis + ndim : axis;
        if (a < 0 || a >= Math.max(ndim, 1)) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for a tensor with " + ndim + " dimensions");
        }
        return a;
    }

    /** The same data with a new shape; one dimension may be -1 and is then inferred. */
    public static Tensor reshape(Tensor x, long... shape) {
        long[] target = inferShape(x.size(), shape, x.shape());
        long[] in = x.shape();
        INDArray out = Arrays.equals(in, target) ? x.nd() : x.nd().reshape('c', target);
        return Autograd.record("reshape", OpAttributes.create().with("shape", shape), out, (dy, need) -> new INDArray[] {dy.reshape('c', in)}, x);
    }

    private static long[] inferShape(long size, long[] shape, long[] from) {
        long[] out = shape.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (unknown >= 0) {
                    throw new IllegalArgumentException("reshape: only one dimension can be -1, got " + Arrays.toString(shape));
                }
                unknown = i;
            } else if (out[i] < 0) {
                throw new IllegalArgumentException("reshape: negative dimension in " + Arrays.toString(shape));
            } else {
                known *= out[i];
            }
        }
        if (unknown >= 0) {
            if (known == 0 || size % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + Tensor.shapeString(from) + " to " + Arrays.toString(shape));
            }
            out[unknown] = size / known;
        } else if (known != size) {
            throw new IllegalArgumentException("cannot reshape a tensor of shape " + Tensor.shapeString(from) + " ("
                    + size + " elements) to " + Tensor.shapeString(shape));
        }
        return out;
    }

    /** Axes {@code start..end} (inclusive, negatives from the end) merged into one. */
    public static Tensor flatten(Tensor x, int startAxis, int endAxis) {
        int n = x.ndim();
        if (n == 0) {
            return reshape(x, 1);
        }
        int s = normAxis(startAxis, n);
        int e = normAxis(endAxis, n);
        if (e < s) {
            throw new IllegalArgumentException("flatten: end_axis " + endAxis + " comes before start_axis " + startAxis);
        }
        long[] in = x.shape();
        long[] out = new long[n - (e - s)];
        int k = 0;
        for (int i = 0; i < s; i++) {
            out[k++] = in[i];
        }
        long merged = 1;
        for (int i = s; i <= e; i++) {
            merged *= in[i];
        }
        out[k++] = merged;
        for (int i = e + 1; i < n; i++) {
            out[k++] = in[i];
        }
        // its own op (not a reshape to this call's shape), so that a traced graph flattens any batch size
        INDArray flat = Arrays.equals(in, out) ? x.nd() : x.nd().reshape('c', out);
        return Autograd.record("flatten", OpAttributes.create().with("start_axis", s).with("end_axis", e), flat,
                (dy, need) -> new INDArray[] {dy.reshape('c', in)}, x);
    }

    /** Axes permuted by {@code pattern}; an empty pattern reverses the axes. */
    public static Tensor transpose(Tensor x, int... pattern) {
        int n = x.ndim();
        int[] p = new int[n];
        if (pattern == null || pattern.length == 0) {
            for (int i = 0; i < n; i++) {
                p[i] = n - 1 - i;
            }
        } else {
            if (pattern.length != n) {
                throw new IllegalArgumentException("transpose pattern " + Arrays.toString(pattern) + " needs " + n + " axes");
            }
            boolean[] seen = new boolean[n];
            for (int i = 0; i < n; i++) {
                p[i] = normAxis(pattern[i], n);
                if (seen[p[i]]) {
                    throw new IllegalArgumentException("transpose pattern " + Arrays.toString(pattern) + " repeats an axis");
                }
                seen[p[i]] = true;
            }
        }
        int[] inverse = new int[n];
        for (int i = 0; i < n; i++) {
            inverse[p[i]] = i;
        }
        return Autograd.record("transpose", OpAttributes.create().with("pattern", p), x.nd().permute(p), (dy, need) -> new INDArray[] {dy.permute(inverse)}, x);
    }

    /** A new axis of size one at {@code axis} (which may be {@code ndim}, or negative). */
    public static Tensor expandDims(Tensor x, int axis) {
        int n = x.ndim();
        int a = axis < 0 ? axis + n + 1 : axis;
        if (a < 0 || a > n) {
            throw new IllegalArgumentException("expand_dims axis " + axis + " is out of range for " + n + " dimensions");
        }
        long[] in = x.shape();
        long[] out = new long[n + 1];
        for (int i = 0, k = 0; i <= n; i++) {
            out[i] = i == a ? 1 : in[k++];
        }
        return reshape(x, out);
    }

    /** The given axes removed (each must have size one); null or empty removes every axis of size one. */
    public static Tensor squeeze(Tensor x, int[] axes) {
        long[] in = x.shape();
        boolean[] drop = new boolean[in.length];
        if (axes == null || axes.length == 0) {
            for (int i = 0; i < in.length; i++) {
                drop[i] = in[i] == 1;
            }
        } else {
            for (int axis : axes) {
                int a = normAxis(axis, in.length);
                if (in[a] != 1) {
                    throw new IllegalArgumentException("cannot squeeze axis " + axis + " of shape "
                            + Tensor.shapeString(in) + ": its size is " + in[a] + ", not 1");
                }
                drop[a] = true;
            }
        }
        long[] out = new long[in.length];
        int k = 0;
        for (int i = 0; i < in.length; i++) {
            if (!drop[i]) {
                out[k++] = in[i];
            }
        }
        return reshape(x, Arrays.copyOf(out, k));
    }

    /** {@code x} broadcast to {@code shape} (numpy rules). */
    public static Tensor broadcastTo(Tensor x, long... shape) {
        long[] in = x.shape();
        long[] target = Broadcasting.shape(in, shape);
        if (!Arrays.equals(target, shape)) {
            throw new IllegalArgumentException("cannot broadcast " + Tensor.shapeString(in) + " to " + Tensor.shapeString(shape));
        }
        return Autograd.record("broadcast_to", Broadcasting.to(x.nd(), shape).dup('c'),
                (dy, need) -> new INDArray[] {Broadcasting.reduceTo(dy, in)}, x);
    }

    /** Tensors joined along an existing axis; all other axes must agree. */
    public static Tensor concat(List<Tensor> tensors, int axis) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("concat needs at least one tensor");
        }
        Tensor first = tensors.get(0);
        int ax = normAxis(axis, first.ndim());
        DType d = first.dtype();
        for (Tensor t : tensors) {
            d = DType.promote(d, t.dtype());
            if (t.ndim() != first.ndim()) {
                throw new IllegalArgumentException("concat: all tensors need " + first.ndim() + " dimensions, got shape "
                        + Tensor.shapeString(t.shape()));
            }
            for (int i = 0; i < t.ndim(); i++) {
                if (i != ax && t.shape(i) != first.shape(i)) {
                    throw new IllegalArgumentException("concat along axis " + axis + ": shapes " + Tensor.shapeString(first.shape())
                            + " and " + Tensor.shapeString(t.shape()) + " differ on axis " + i);
                }
            }
        }
        INDArray[] arrays = new INDArray[tensors.size()];
        long[] sizes = new long[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = Broadcasting.cast(tensors.get(i).nd(), d);
            sizes[i] = tensors.get(i).shape(ax);
        }
        INDArray out = arrays.length == 1 ? arrays[0].dup() : Nd4j.concat(ax, arrays);
        return Autograd.record("concat", OpAttributes.create().with("axis", ax), out, (dy, need) -> {
            INDArray[] g = new INDArray[sizes.length];
            long start = 0;
            for (int i = 0; i < sizes.length; i++) {
                if (need[i]) {
                    g[i] = dy.get(along(dy.rank(), ax, NDArrayIndex.interval(start, start + sizes[i]))).dup();
                }
                start += sizes[i];
            }
            return g;
        }, tensors.toArray(new Tensor[0]));
    }

    /** Tensors of equal shape joined along a new axis. */
    public static Tensor stack(List<Tensor> tensors, int axis) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("stack needs at least one tensor");
        }
        List<Tensor> expanded = new ArrayList<>();
        for (Tensor t : tensors) {
            if (!Arrays.equals(t.shape(), tensors.get(0).shape())) {
                throw new IllegalArgumentException("stack needs tensors of equal shape, got " + Tensor.shapeString(tensors.get(0).shape())
                        + " and " + Tensor.shapeString(t.shape()));
            }
            expanded.add(expandDims(t, axis));
        }
        int n = tensors.get(0).ndim() + 1;
        return concat(expanded, axis < 0 ? axis + n : axis);
    }

    /** {@code sections} equal parts along {@code axis}. */
    public static List<Tensor> split(Tensor x, int sections, int axis) {
        int ax = normAxis(axis, x.ndim());
        long n = x.shape(ax);
        if (sections <= 0 || n % sections != 0) {
            throw new IllegalArgumentException("cannot split axis " + axis + " of size " + n + " into " + sections + " equal parts");
        }
        long step = n / sections;
        long[] points = new long[sections - 1];
        for (int i = 0; i < points.length; i++) {
            points[i] = (i + 1) * step;
        }
        return split(x, points, axis);
    }

    /** Parts cut at the given increasing split points along {@code axis} (numpy's {@code split} with indices). */
    public static List<Tensor> split(Tensor x, long[] points, int axis) {
        int ax = normAxis(axis, x.ndim());
        List<Tensor> parts = new ArrayList<>();
        long start = 0;
        for (int i = 0; i <= points.length; i++) {
            long stop = i < points.length ? points[i] : x.shape(ax);
            if (stop < start || stop > x.shape(ax)) {
                throw new IllegalArgumentException("split points " + Arrays.toString(points) + " must increase within 0.." + x.shape(ax));
            }
            parts.add(Indexing.slice(x, ax, start, stop, 1));
            start = stop;
        }
        return parts;
    }

    /** Index list selecting {@code index} on {@code axis} and everything elsewhere. */
    static INDArrayIndex[] along(int rank, int axis, INDArrayIndex index) {
        INDArrayIndex[] idx = new INDArrayIndex[rank];
        for (int i = 0; i < rank; i++) {
            idx[i] = i == axis ? index : NDArrayIndex.all();
        }
        return idx;
    }
}
