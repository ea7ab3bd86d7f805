package org.mge4j.serialization.numpy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.mge4j.DType;
import org.mge4j.Tensor;
import org.mge4j.serialization.SerializationException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Raw array bytes to tensors and back, the way numpy, safetensors and PyTorch store them: a flat run of items in
 * C (or Fortran) order with a given byte order. Sizes are checked before anything is allocated.
 */
public final class ArrayBytes {
    /** Highest rank accepted (numpy's own limit is 64). */
    public static final int MAX_RANK = 64;

    private ArrayBytes() {
    }

    /**
     * The number of bytes an array of {@code shape} and {@code itemSize} takes, with overflow checked.
     *
     * @throws SerializationException for a negative dimension or a size that overflows
     */
    public static long byteSize(long[] shape, int itemSize) {
        if (shape.length > MAX_RANK) {
            throw new SerializationException("array rank " + shape.length + " is above the limit of " + MAX_RANK);
        }
        long n = itemSize;
        for (long d : shape) {
            if (d < 0) {
                throw new SerializationException("array shape " + java.util.Arrays.toString(shape) + " has a negative dimension");
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new SerializationException("array shape " + java.util.Arrays.toString(shape) + " is too large: its byte size overflows");
            }
        }
        return n;
    }

    /**
     * A tensor from {@code length} bytes of {@code src} at {@code offset}, holding items of {@code dtype} in
     * {@code order} ({@code 'C'} or {@code 'F'}).
     *
     * @throws SerializationException when the byte count does not match the shape
     */
    public static Tensor toTensor(byte[] src, int offset, int length, NumpyDtype dtype, long[] shape, char order) {
        DType dt = dtype.dtype();
        long need = byteSize(shape, dt.itemSize());
        if (need != length) {
            throw new SerializationException("array data has " + length + " bytes but shape " + java.util.Arrays.toString(shape)
                    + " of " + dt + " needs " + need + " (buffer size does not match array size)");
        }
        if (order != 'C' && order != 'F') {
            throw new SerializationException("array order must be 'C' or 'F', got '" + order + "'");
        }
        INDArray arr = Nd4j.createUninitialized(dt.nd4j(), shape, order == 'F' ? 'f' : 'c');
        if (length > 0) {
            ByteBuffer dst = arr.data().asNio().order(ByteOrder.nativeOrder());
            dst.clear();
            copySwapped(ByteBuffer.wrap(src, offset, length).order(dtype.order()), dst, dt.itemSize(), length);
        }
        return Tensor.wrap(order == 'F' ? arr.dup('c') : arr);
    }

    /** {@link #toTensor(byte[], int, int, NumpyDtype, long[], char)} over a whole array. */
    public static Tensor toTensor(byte[] src, NumpyDtype dtype, long[] shape, char order) {
        return toTensor(src, 0, src.length, dtype, shape, order);
    }

    /** The tensor's items as little-endian bytes in C order. */
    public static byte[] toBytes(Tensor t) {
        INDArray arr = t.nd();
        int item = t.dtype().itemSize();
        long n = Math.multiplyExact(arr.length(), (long) item);
        if (n > Integer.MAX_VALUE - 16) {
            throw new SerializationException("tensor of shape " + java.util.Arrays.toString(t.shape()) + " is over 2 GB; save it in a .safetensors file");
        }
        byte[] out = new byte[(int) n];
        if (n == 0) {
            return out;
        }
        ByteBuffer src = nativeBytes(t, n);
        copySwapped(src, ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN), item, (int) n);
        return out;
    }

    /**
     * The {@code n} bytes of the tensor's items in C order, in machine byte order, as a buffer over its native
     * memory (position 0, limit {@code n}); a copy is made only when the items are not laid out that way.
     */
    public static ByteBuffer nativeBytes(Tensor t, long n) {
        INDArray arr = t.nd();
        // a reshape is a "view" to ND4J, but its items are contiguous: only other strides need the copy
        boolean cContiguous = arr.ordering() == 'c' && Shape.hasDefaultStridesForShape(arr)
                && arr.data().length() >= arr.offset() + arr.length();
        INDArray c = cContiguous ? arr : arr.dup('c');
        int start = Math.toIntExact(c.offset() * t.dtype().itemSize());
        ByteBuffer all = c.data().asNio();
        return all.order(ByteOrder.nativeOrder()).clear().position(start).limit(Math.toIntExact(start + n)).slice().order(ByteOrder.nativeOrder());
    }

    private static void copySwapped(ByteBuffer src, ByteBuffer dst, int item, int length) {
        if (src.order() == dst.order() || item == 1) {
            dst.put(src.slice().limit(length));
            return;
        }
        int start = src.position();
        int base = dst.position();
        for (int i = 0; i < length; i += item) {
            for (int b = 0; b < item; b++) {
                dst.put(base + i + b, src.get(start + i + item - 1 - b));
            }
        }
    }
}
