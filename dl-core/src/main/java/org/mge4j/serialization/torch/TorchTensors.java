package org.mge4j.serialization.torch;

import java.util.List;
import org.mge4j.DType;
import org.mge4j.Tensor;
import org.mge4j.serialization.SerializationException;
import org.mge4j.serialization.numpy.ArrayBytes;
import org.mge4j.serialization.numpy.NumpyDtype;

/**
 * {@code torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, ...)} in Java: the view's elements
 * are gathered from the storage in C order into a new tensor, after checking that every element it addresses lies
 * inside the storage. bfloat16 loads as float32 (exactly: a bfloat16 is the top half of a float32), as mge4j has
 * no bfloat16 dtype.
 */
public final class TorchTensors {
    private TorchTensors() {
    }

    /**
     * The tensor a {@code _rebuild_tensor_v2} call describes.
     *
     * @throws SerializationException for a size/stride mismatch, negative values or a view outside the storage
     */
    public static Tensor rebuild(TorchStorage storage, long offset, List<?> size, List<?> stride) {
        if (size.size() != stride.size()) {
            throw new SerializationException("torch tensor has size " + size + " but stride " + stride + " (different ranks)");
        }
        int rank = size.size();
        if (rank > ArrayBytes.MAX_RANK) {
            throw new SerializationException("torch tensor rank " + rank + " is above the limit of " + ArrayBytes.MAX_RANK);
        }
        long[] shape = new long[rank];
        long[] strides = new long[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = nonNegative(size.get(i), "size");
            strides[i] = nonNegative(stride.get(i), "stride");
        }
        int item = TorchStorage.itemSize(storage.kind());
        long count = ArrayBytes.byteSize(shape, 1);
        if (offset < 0) {
            throw new SerializationException("torch tensor storage offset " + offset + " is negative");
        }
        if (count > 0) {
            long last = offset;
            try {
                for (int i = 0; i < rank; i++) {
                    last = Math.addExact(last, Math.multiplyExact(shape[i] - 1, strides[i]));
                }
            } catch (ArithmeticException e) {
                last = Long.MAX_VALUE;
            }
            if (last >= storage.numel()) {
                throw new SerializationException("torch tensor of size " + size + ", stride " + stride + " and offset " + offset
                        + " reaches element " + last + " of storage " + storage.key() + ", which has " + storage.numel() + " elements");
            }
        }
        if (count > storage.numel()) {
            throw new SerializationException("torch tensor of size " + size + " has more elements than storage " + storage.key()
                    + " (" + storage.numel() + "): an expanded view; call .contiguous() on it before torch.save");
        }
        byte[] out = new byte[(int) (count * item)];
        long[] idx = new long[rank];
        for (long n = 0; n < count; n++) {
            long src = offset;
            for (int i = 0; i < rank; i++) {
                src += idx[i] * strides[i];
            }
            System.arraycopy(storage.bytes(), (int) (src * item), out, (int) (n * item), item);
            for (int i = rank - 1; i >= 0; i--) {
                if (++idx[i] < shape[i]) {
                    break;
                }
                idx[i] = 0;
            }
        }
        if (storage.kind().equals("BFloat16Storage")) {
            byte[] f32 = new byte[out.length * 2];
            for (int i = 0; i < out.length / 2; i++) {
                f32[i * 4 + 2] = out[i * 2];
                f32[i * 4 + 3] = out[i * 2 + 1];
            }
            return placed(ArrayBytes.toTensor(f32, NumpyDtype.of(DType.FLOAT32), shape, 'C'), storage);
        }
        return placed(ArrayBytes.toTensor(out, NumpyDtype.of(dtype(storage.kind())).withByteOrder('<'), shape, 'C'), storage);
    }

    private static Tensor placed(Tensor t, TorchStorage storage) {
        if (storage.device() != null && !storage.device().equals(t.device())) {
            t.moveTo(storage.device());
        }
        return t;
    }

    private static DType dtype(String kind) {
        switch (kind) {
            case "FloatStorage": return DType.FLOAT32;
            case "DoubleStorage": return DType.FLOAT64;
            case "HalfStorage": return DType.FLOAT16;
            case "LongStorage": return DType.INT64;
            case "IntStorage": return DType.INT32;
            case "CharStorage": return DType.INT8;
            case "ByteStorage": return DType.UINT8;
            case "BoolStorage": return DType.BOOL;
            default: throw new SerializationException("torch." + kind + " storages are not supported");
        }
    }

    private static long nonNegative(Object o, String what) {
        if (!(o instanceof Number n) || o instanceof Double || n.longValue() < 0) {
            throw new SerializationException("torch tensor " + what + " must hold non-negative integers, got " + o);
        }
        if (o instanceof java.math.BigInteger b && b.bitLength() > 62) {
            throw new SerializationException("torch tensor " + what + " value " + b + " is too large");
        }
        return n.longValue();
    }
}
