package org.mge4j.serialization.torch;

import java.util.Map;
import org.mge4j.Device;
import org.mge4j.serialization.SerializationException;

/**
 * One storage of a {@code torch.save} file: the raw bytes of {@code data/KEY}, read once and shared by every
 * tensor that views it, and the element type its storage class names ({@code torch.FloatStorage}, ...).
 *
 * @param key       the record key ({@code "0"}, {@code "1"}, ...)
 * @param kind      the storage class name without {@code torch.}, for example {@code "FloatStorage"}
 * @param bytes     the storage bytes, little-endian
 * @param numel     the number of elements
 * @param device    where its tensors load: the saved location ({@code "cuda:0"}) as MegEngine names it
 *                  ({@code "gpu0:0"}), through {@code LoadOptions.mapLocation}
 */
public record TorchStorage(String key, String kind, byte[] bytes, long numel, Device device) {
    /** Bytes per element of each storage class mge4j reads. */
    static final Map<String, Integer> ITEM_SIZE = Map.of("FloatStorage", 4, "DoubleStorage", 8, "HalfStorage", 2,
            "BFloat16Storage", 2, "LongStorage", 8, "IntStorage", 4, "CharStorage", 1, "ByteStorage", 1, "BoolStorage", 1);

    /** The storage classes mge4j accepts as pickle globals ({@code torch.FloatStorage}, ...). */
    public static boolean isStorageClass(String global) {
        return global.startsWith("torch.") && ITEM_SIZE.containsKey(global.substring(6));
    }

    /** Bytes per element of a storage class, or an error naming the unsupported class. */
    static int itemSize(String kind) {
        Integer n = ITEM_SIZE.get(kind);
        if (n == null) {
            throw new SerializationException("torch." + kind + " storages are not supported; mge4j reads Float, Double, Half, "
                    + "BFloat16, Long, Int, Char, Byte and Bool storages");
        }
        return n;
    }
}
