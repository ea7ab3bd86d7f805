package org.mge4j.functional;

import java.util.ArrayList;
import java.util.List;
import org.mge4j.Tensor;
import org.mge4j.autodiff.Autograd;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * numpy basic indexing: integers (drop the axis), slices {@code start:stop:step} with positive steps,
 * {@code ...} and {@code None} (a new axis). Results are copies; the gradient scatters back into zeros.
 */
public final class Indexing {
    private Indexing() {
    }

    /** One entry of an index expression. */
    public record Item(Kind kind, long index, Long start, Long stop, long step) {
        /** What an entry does. */
        public enum Kind { AT, SLICE, ELLIPSIS, NEW_AXIS }

        /** An integer index. */
        public static Item at(long i) {
            return new Item(Kind.AT, i, null, null, 1);
        }

        /** A slice; null bounds mean "from the start" / "to the end". */
        public static Item slice(Long start, Long stop, long step) {
            if (step <= 0) {
                throw new IllegalArgumentException("slice step must be positive, got " + step
                        + " (negative steps are not supported; use flip)");
            }
            return new Item(Kind.SLICE, 0, start, stop, step);
        }

        /** {@code ...}. */
        public static Item ellipsis() {
            return new Item(Kind.ELLIPSIS, 0, null, null, 1);
        }

        /** {@code None}: a new axis of size one. */
        public static Item newAxis() {
            return new Item(Kind.NEW_AXIS, 0, null, null, 1);
        }
    }

    /** Parses {@code "0, 1:3, ::2, ..., None"}. */
    public static Item[] parse(String spec) {
        List<Item> items = new ArrayList<>();
        String s = spec.strip();
        if (s.isEmpty()) {
            return new Item[0];
        }
        for (String part : s.split(",", -1)) {
            String p = part.strip();
            try {
                if (p.equals("...")) {
                    items.add(Item.ellipsis());
                } else if (p.equals("None") || p.equals("null")) {
                    items.add(Item.newAxis());
                } else if (p.contains(":")) {
                    String[] f = p.split(":", -1);
                    if (f.length > 3) {
                        throw new IllegalArgumentException();
                    }
                    Long start = f[0].isBlank() ? null : Long.parseLong(f[0].strip());
                    Long stop = f.length < 2 || f[1].isBlank() ? null : Long.parseLong(f[1].strip());
                    long step = f.length < 3 || f[2].isBlank() ? 1 : Long.parseLong(f[2].strip());
                    items.add(Item.slice(start, stop, step));
                } else {
                    items.add(Item.at(Long.parseLong(p)));
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cannot parse index '" + p + "' in \"" + spec
                        + "\"; use integers, start:stop:step slices, ... or None");
            }
        }
        return items.toArray(new Item[0]);
    }

    /** {@code x[items]}. */
    public static Tensor index(Tensor x, Item[] items) {
        long[] shape = x.shape();
        int consumed = 0;
        int ellipses = 0;
        for (Item it : items) {
            if (it.kind() == Item.Kind.AT || it.kind() == Item.Kind.SLICE) {
                consumed++;
            } else if (it.kind() == Item.Kind.ELLIPSIS) {
                ellipses++;
            }
        }
        if (ellipses > 1) {
            throw new IllegalArgumentException("an index can only have a single ellipsis ('...')");
        }
        if (consumed > shape.length) {
            throw new IllegalArgumentException("too many indices for tensor of shape " + Tensor.shapeString(shape)
                    + ": " + consumed + " were indexed");
        }
        List<INDArrayIndex> nd = new ArrayList<>();
        List<Long> outShape = new ArrayList<>();
        int axis = 0;
        for (Item it : items) {
            switch (it.kind()) {
                case ELLIPSIS -> {
                    for (int k = 0; k < shape.length - consumed; k++) {
                        nd.add(NDArrayIndex.all());
                        outShape.add(shape[axis++]);
                    }
                }
                case NEW_AXIS -> outShape.add(1L);
                case AT -> {
                    long n = shape[axis];
                    long i = it.index() < 0 ? it.index() + n : it.index();
                    if (i < 0 || i >= n) {
                        throw new IndexOutOfBoundsException("index " + it.index() + " is out of bounds for axis " + axis
                                + " with size " + n);
                    }
                    nd.add(NDArrayIndex.point(i));
                    axis++;
                }
                case SLICE -> {
                    long n = shape[axis];
                    long start = clamp(it.start(), 0, n);
                    long stop = clamp(it.stop(), n, n);
                    long len = stop <= start ? 0 : (stop - start + it.step() - 1) / it.step();
                    nd.add(len == 0 ? NDArrayIndex.interval(0, 0) : NDArrayIndex.interval(start, it.step(), start + (len - 1) * it.step() + 1));
                    outShape.add(len);
                    axis++;
                }
            }
        }
        while (axis < shape.length) {
            nd.add(NDArrayIndex.all());
            outShape.add(shape[axis++]);
        }
        long[] out = outShape.stream().mapToLong(Long::longValue).toArray();
        INDArrayIndex[] idx = nd.toArray(new INDArrayIndex[0]);
        INDArray a = x.nd();
        long elements = 1;
        for (long d : out) {
            elements *= d;
        }
        final long count = elements;
        INDArray result = count == 0 ? Nd4j.create(a.dataType(), out) : a.get(idx).dup('c').reshape('c', out);
        return Autograd.record("subtensor", result, (dy, need) -> {
            INDArray g = Nd4j.zeros(a.dataType(), shape);
            if (count > 0) {
                INDArray view = g.get(idx);
                view.assign(dy.reshape('c', view.shape()));
            }
            return new INDArray[] {g};
        }, x);
    }

    /** {@code x[..., start:stop:step, ...]} on one axis (Python's clamping of out-of-range bounds). */
    public static Tensor slice(Tensor x, int axis, long start, long stop, long step) {
        int ax = Shapes.normAxis(axis, x.ndim());
        Item[] items = new Item[ax + 1];
        for (int i = 0; i < ax; i++) {
            items[i] = Item.slice(null, null, 1);
        }
        items[ax] = Item.slice(start, stop, step);
        return index(x, items);
    }

    private static long clamp(Long bound, long otherwise, long n) {
        if (bound == null) {
            return otherwise;
        }
        long b = bound < 0 ? bound + n : bound;
        return Math.max(0, Math.min(n, b));
    }
}
