package org.mge4j.serialization.pickle;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.mge4j.DType;
import org.mge4j.Tensor;
import org.mge4j.serialization.numpy.ArrayBytes;
import org.mge4j.serialization.numpy.NumpyDtype;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A numpy array's data that {@link PickleFile} has already read from the file into a tensor's memory (and
 * checked against its CRC32C), standing in for the bytes in the pickle: BUILD takes the tensor as it is when the
 * pickle's dtype and shape agree with the trailer's, and copies the bytes otherwise.
 */
final class PreloadedArray {
    private final INDArray array;
    private final DType dtype;
    private final long[] shape;
    private boolean taken;

    PreloadedArray(INDArray array, DType dtype, long[] shape) {
        this.array = array;
        this.dtype = dtype;
        this.shape = shape;
    }

    /** The array as a tensor of {@code want} dtype and {@code wantShape} in C or Fortran order. */
    Tensor take(NumpyDtype want, long[] wantShape, char order) {
        boolean nativeLayout = want.byteOrder() == '<' || want.byteOrder() == '|'
                || (want.byteOrder() == '=' && java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN);
        if (!taken && order == 'C' && nativeLayout && want.dtype() == dtype && Arrays.equals(wantShape, shape)) {
            taken = true;
            return Tensor.wrap(array);
        }
        // the pickle describes the bytes differently from the trailer (or uses them twice): take a copy
        ByteBuffer data = array.data().asNio();
        data.clear();
        byte[] raw = new byte[Math.toIntExact(ArrayBytes.byteSize(shape, dtype.itemSize()))];
        data.get(raw);
        return ArrayBytes.toTensor(raw, want, wantShape, order);
    }
}
