package org.mge4j.serialization.pickle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import org.mge4j.DType;
import org.mge4j.Tensor;
import org.mge4j.serialization.SerializationException;
import org.mge4j.serialization.numpy.ArrayBytes;
import org.mge4j.serialization.numpy.NumpyDtype;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A numpy array's data that {@link PickleFile} left out of the pickle bytes it parses, standing in for those
 * bytes: either already read into a tensor's memory (and checked against the trailer's CRC32C), or still in the
 * file, read straight into a tensor of the dtype and shape BUILD gives. Data the pickle describes differently
 * (or uses twice) is copied the ordinary way.
 */
final class PreloadedArray {
    private INDArray array;
    private DType dtype;
    private long[] shape;
    private final FileChannel file;
    private final long offset;
    private final long length;
    private boolean taken;

    /** Data already read into {@code array}. */
    PreloadedArray(INDArray array, DType dtype, long[] shape) {
        this.array = array;
        this.dtype = dtype;
        this.shape = shape;
        this.file = null;
        this.offset = 0;
        this.length = ArrayBytes.byteSize(shape, dtype.itemSize());
    }

    /** Data still in {@code file}: {@code length} bytes at {@code offset}. */
    PreloadedArray(FileChannel file, long offset, long length) {
        this.file = file;
        this.offset = offset;
        this.length = length;
    }

    /** The array as a tensor of {@code want} dtype and {@code wantShape} in C or Fortran order. */
    Tensor take(NumpyDtype want, long[] wantShape, char order) {
        boolean nativeLayout = want.byteOrder() == '|' || want.order() == ByteOrder.nativeOrder();
        if (array == null && !taken && order == 'C' && nativeLayout
                && ArrayBytes.byteSize(wantShape, want.dtype().itemSize()) == length) {
            dtype = want.dtype();
            shape = wantShape;
            array = Nd4j.createUninitialized(dtype.nd4j(), shape, 'c');
            read(array.data().asNio().clear().limit(Math.toIntExact(length)));
        }
        if (array != null && !taken && order == 'C' && nativeLayout && want.dtype() == dtype && Arrays.equals(wantShape, shape)) {
            taken = true;
            return Tensor.wrap(array);
        }
        byte[] raw = new byte[Math.toIntExact(length)];
        if (array != null) {
            array.data().asNio().clear().get(raw);
        } else {
            read(ByteBuffer.wrap(raw));
        }
        return ArrayBytes.toTensor(raw, want, wantShape, order);
    }

    private void read(ByteBuffer dst) {
        try {
            long p = offset;
            while (dst.hasRemaining()) {
                int k = file.read(dst, p);
                if (k < 0) {
                    throw new SerializationException("the file ended while reading array data at byte " + p + " (it shrank while being read?)");
                }
                p += k;
            }
        } catch (IOException e) {
            throw new SerializationException("could not read array data at byte " + offset + ": " + e, e);
        }
    }
}
