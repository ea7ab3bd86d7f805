package org.mge4j.kernel.cli;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.mge4j.Tensor;
import org.mge4j.serialization.numpy.ArrayBytes;

/**
 * SHA-256 of a tensor's items as little-endian bytes in C order: the same hex string as Python's
 * {@code hashlib.sha256(np.ascontiguousarray(a).astype(a.dtype.newbyteorder('<')).tobytes()).hexdigest()}, so a
 * file's arrays can be compared with numpy's without trusting either reader.
 */
final class TensorDigest {
    private TensorDigest() {
    }

    /** The lowercase hex SHA-256 of {@code t}'s little-endian C-order bytes. */
    static String sha256(Tensor t) {
        return sha256(ArrayBytes.toBytes(t));
    }

    /** The lowercase hex SHA-256 of {@code bytes}. */
    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256, which every Java SE must have", e);
        }
    }

    /** The tensor's size in bytes: elements times item size. */
    static long byteSize(Tensor t) {
        return Math.multiplyExact(elements(t), (long) t.dtype().itemSize());
    }

    /** The number of elements (1 for a 0-d tensor, 0 when a dimension is 0). */
    static long elements(Tensor t) {
        long n = 1;
        for (long d : t.shape()) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
