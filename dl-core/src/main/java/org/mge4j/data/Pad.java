package org.mge4j.data;

import java.nio.ByteBuffer;
import org.mge4j.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Pads the last two axes (height and width) by {@code size} on every side with a constant, as MegEngine's
 * {@code T.Pad(size, value)}: {@code new Pad(2)} turns 28x28 images into 32x32 for LeNet. The dtype is kept.
 */
public final class Pad implements Transform {
    private final int size;
    private final double value;

    /** Zero padding of {@code size} on every side. */
    public Pad(int size) {
        this(size, 0);
    }

    /**
     * Padding of {@code size} on every side, filled with {@code value}.
     *
     * @throws IllegalArgumentException when size is negative
     */
    public Pad(int size, double value) {
        if (size < 0) {
            throw new IllegalArgumentException("Pad size must be >= 0, got " + size);
        }
        this.size = size;
        this.value = value;
    }

    @Override
    public Tensor apply(Tensor input) {
        INDArray x = input.nd();
        int r = x.rank();
        if (r < 2) {
            throw new IllegalArgumentException("Pad works on images (H, W), (C, H, W) or (N, C, H, W), got shape "
                    + Tensor.shapeString(x.shape()));
        }
        long h = x.size(r - 2);
        long w = x.size(r - 1);
        long[] shape = x.shape().clone();
        shape[r - 2] += 2L * size;
        shape[r - 1] += 2L * size;
        // Nd4j.create zero-fills; the native fill is only needed for another value
        INDArray out = value == 0 ? Nd4j.create(x.dataType(), shape, 'c') : Nd4j.valueArrayOf(shape, value, x.dataType());
        if (x.length() == 0) {
            return Tensor.wrap(out);
        }
        // Copy image rows as raw bytes: ND4J's strided view assignment is far slower for small images.
        INDArray src = x.ordering() == 'c' && !x.isView() ? x : x.dup('c');
        ByteBuffer from = src.data().asNio();
        ByteBuffer to = out.data().asNio();
        int item = src.dataType().width();
        long planes = src.length() / (h * w);
        long outW = w + 2L * size;
        long outPlane = (h + 2L * size) * outW;
        int rowBytes = Math.toIntExact(w * item);
        for (long p = 0; p < planes; p++) {
            for (long y = 0; y < h; y++) {
                long srcOff = (p * h * w + y * w) * item;
                long dstOff = (p * outPlane + (y + size) * outW + size) * item;
                to.put(Math.toIntExact(dstOff), from, Math.toIntExact(srcOff), rowBytes);
            }
        }
        return Tensor.wrap(out);
    }

    /** {@code Pad(size=2, value=0.0)}. */
    @Override
    public String toString() {
        return "Pad(size=" + size + ", value=" + value + ")";
    }
}
