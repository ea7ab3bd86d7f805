package org.mge4j.serialization.torch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import org.mge4j.serialization.SerializationException;

/**
 * A reader for zips of stored (uncompressed) entries through the central directory, ZIP64 included, as PyTorch
 * writes them (stored entries with data descriptors, which {@code java.util.zip.ZipInputStream} refuses). Every
 * offset and size is checked against the file before it is used, and each entry's CRC-32 is verified.
 */
final class StoredZip {
    private static final int EOCD = 0x06054b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int ZIP64_EOCD = 0x06064b50;
    private static final int CENTRAL = 0x02014b50;
    private static final int LOCAL = 0x04034b50;

    private StoredZip() {
    }

    /** Entry name to its bytes (slices copied out of {@code data}), in central-directory order. */
    static Map<String, byte[]> read(byte[] data, String what) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int eocd = -1;
        for (int i = data.length - 22; i >= Math.max(0, data.length - 22 - 65535); i--) {
            if (b.getInt(i) == EOCD) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            throw new SerializationException(what + " is not a valid zip: no end-of-central-directory record (truncated?)");
        }
        long count = b.getShort(eocd + 10) & 0xFFFF;
        long cdSize = b.getInt(eocd + 12) & 0xFFFFFFFFL;
        long cdOffset = b.getInt(eocd + 16) & 0xFFFFFFFFL;
        if (eocd >= 20 && b.getInt(eocd - 20) == ZIP64_LOCATOR) {
            long z64 = b.getLong(eocd - 20 + 8);
            check(z64, 56, data, what, "ZIP64 end record");
            if (b.getInt((int) z64) != ZIP64_EOCD) {
                throw new SerializationException(what + " is not a valid zip: bad ZIP64 end record");
            }
            count = b.getLong((int) z64 + 32);
            cdSize = b.getLong((int) z64 + 40);
            cdOffset = b.getLong((int) z64 + 48);
        }
        check(cdOffset, cdSize, data, what, "central directory");
        if (count < 0 || count > cdSize / 46) {
            throw new SerializationException(what + " is not a valid zip: " + count + " entries cannot fit a " + cdSize + "-byte central directory");
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        int p = (int) cdOffset;
        for (long i = 0; i < count; i++) {
            check(p, 46, data, what, "central directory entry");
            if (b.getInt(p) != CENTRAL) {
                throw new SerializationException(what + " is not a valid zip: bad central directory entry " + i);
            }
            int method = b.getShort(p + 10) & 0xFFFF;
            long crc = b.getInt(p + 16) & 0xFFFFFFFFL;
            long csize = b.getInt(p + 20) & 0xFFFFFFFFL;
            long size = b.getInt(p + 24) & 0xFFFFFFFFL;
            int nameLen = b.getShort(p + 28) & 0xFFFF;
            int extraLen = b.getShort(p + 30) & 0xFFFF;
            int commentLen = b.getShort(p + 32) & 0xFFFF;
            long local = b.getInt(p + 42) & 0xFFFFFFFFL;
            check(p + 46L, (long) nameLen + extraLen + commentLen, data, what, "central directory entry");
            String name = new String(data, p + 46, nameLen, StandardCharsets.UTF_8);
            int x = p + 46 + nameLen;
            int xEnd = x + extraLen;
            while (x + 4 <= xEnd) {
                int id = b.getShort(x) & 0xFFFF;
                int len = b.getShort(x + 2) & 0xFFFF;
                if (x + 4 + len > xEnd) {
                    break;
                }
                if (id == 1) { // ZIP64: the fields that were 0xFFFFFFFF, in this order
                    int q = x + 4;
                    if (size == 0xFFFFFFFFL && q + 8 <= x + 4 + len) {
                        size = b.getLong(q);
                        q += 8;
                    }
                    if (csize == 0xFFFFFFFFL && q + 8 <= x + 4 + len) {
                        csize = b.getLong(q);
                        q += 8;
                    }
                    if (local == 0xFFFFFFFFL && q + 8 <= x + 4 + len) {
                        local = b.getLong(q);
                    }
                }
                x += 4 + len;
            }
            if (method != 0 || csize != size) {
                throw new SerializationException(what + ": zip entry '" + name + "' is compressed; torch.save stores entries uncompressed");
            }
            check(local, 30, data, what, "local header of '" + name + "'");
            if (b.getInt((int) local) != LOCAL) {
                throw new SerializationException(what + " is not a valid zip: bad local header for '" + name + "'");
            }
            long start = local + 30 + (b.getShort((int) local + 26) & 0xFFFF) + (b.getShort((int) local + 28) & 0xFFFF);
            check(start, size, data, what, "data of '" + name + "'");
            CRC32 c = new CRC32();
            c.update(data, (int) start, (int) size);
            if (c.getValue() != crc) {
                throw new SerializationException(what + ": zip entry '" + name + "' fails its CRC-32 check (corrupt file)");
            }
            byte[] body = new byte[(int) size];
            System.arraycopy(data, (int) start, body, 0, (int) size);
            if (out.put(name, body) != null) {
                throw new SerializationException(what + ": zip entry '" + name + "' appears twice");
            }
            p += 46 + nameLen + extraLen + commentLen;
        }
        return out;
    }

    private static void check(long offset, long length, byte[] data, String what, String part) {
        if (offset < 0 || length < 0 || offset > data.length || length > data.length - offset) {
            throw new SerializationException(what + " is not a valid zip: its " + part + " (offset " + offset + ", " + length
                    + " bytes) lies outside the " + data.length + "-byte file");
        }
    }
}
