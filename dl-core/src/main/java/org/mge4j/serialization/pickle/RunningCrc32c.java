package org.mge4j.serialization.pickle;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The CRC32C of a byte sequence assembled from pieces, some of which already have their own CRC32C (a tensor's
 * data): those are joined with zlib's {@code crc32_combine} algorithm instead of being read a second time, so a
 * file's whole checksum and its per-tensor checksums cost one pass over the bytes.
 */
final class RunningCrc32c {
    /** CRC32C (Castagnoli) polynomial, reflected, as {@link CRC32C} uses it. */
    private static final int POLY = 0x82F63B78;
    /** x^(2^n) modulo the polynomial, for n = 0..31 (zlib's {@code x2n_table}). */
    private static final int[] X2N = new int[32];
    /** Below this many bytes a piece is simply read again: cheaper than combining. */
    private static final int COMBINE_THRESHOLD = 1 << 16;

    static {
        int p = 1 << 30; // x^1
        X2N[0] = p;
        for (int n = 1; n < 32; n++) {
            X2N[n] = p = multModP(p, p);
        }
    }

    private int value;
    private final CRC32C pending = new CRC32C();
    private long pendingLength;
    private long length;

    /** Appends bytes. */
    void update(byte[] b, int off, int len) {
        pending.update(b, off, len);
        pendingLength += len;
        length += len;
    }

    /** Appends the remaining bytes of {@code buf} (its position moves to its limit). */
    void update(ByteBuffer buf) {
        int n = buf.remaining();
        pending.update(buf);
        pendingLength += n;
        length += n;
    }

    /**
     * Appends a piece of {@code len} bytes whose CRC32C is {@code crc}; {@code piece} holds those bytes (position
     * to limit, left unchanged) and is read again only when the piece is small.
     */
    void append(int crc, long len, ByteBuffer piece) {
        if (len < COMBINE_THRESHOLD) {
            update(piece.duplicate());
            return;
        }
        flush();
        value = combine(value, crc, len);
        length += len;
    }

    /** Bytes appended so far. */
    long length() {
        return length;
    }

    /** The CRC32C of everything appended so far. */
    int value() {
        flush();
        return value;
    }

    private void flush() {
        if (pendingLength > 0) {
            value = combine(value, (int) pending.getValue(), pendingLength);
            pending.reset();
            pendingLength = 0;
        }
    }

    /** The CRC32C of {@code len} bytes of {@code b} at {@code off}. */
    static int of(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    /** The CRC32C of the remaining bytes of {@code buf}, which is left unchanged. */
    static int of(ByteBuffer buf) {
        CRC32C c = new CRC32C();
        c.update(buf.duplicate());
        return (int) c.getValue();
    }

    /** The CRC32C of A followed by B, from A's CRC, B's CRC and B's length (zlib {@code crc32_combine64}). */
    static int combine(int crcA, int crcB, long lengthB) {
        if (lengthB == 0) {
            return crcA;
        }
        return multModP(x2nModP(lengthB, 3), crcA) ^ crcB;
    }

    /** a * b modulo the polynomial, in the reflected bit order. */
    private static int multModP(int a, int b) {
        int m = 1 << 31;
        int p = 0;
        while (true) {
            if ((a & m) != 0) {
                p ^= b;
                if ((a & (m - 1)) == 0) {
                    break;
                }
            }
            m >>>= 1;
            b = (b & 1) != 0 ? (b >>> 1) ^ POLY : b >>> 1;
        }
        return p;
    }

    /** x^(n * 2^k) modulo the polynomial. */
    private static int x2nModP(long n, int k) {
        int p = 1 << 31; // x^0
        while (n != 0) {
            if ((n & 1) != 0) {
                p = multModP(X2N[k & 31], p);
            }
            n >>>= 1;
            k++;
        }
        return p;
    }
}
