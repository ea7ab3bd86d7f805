package org.mge4j.serialization.numpy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.mge4j.Tensor;
import org.mge4j.serialization.SerializationException;

/**
 * The numpy {@code .npz} format: a zip of {@code NAME.npy} entries, stored ({@code np.savez}) or deflated
 * ({@code np.savez_compressed}). Reading checks each entry's declared array size against what its compressed
 * bytes could possibly hold before allocating it, so a zip bomb is refused, not inflated.
 */
public final class NpzFormat {
    /** Deflate cannot expand data by more than about 1032 to 1; anything claiming more is refused up front. */
    private static final long MAX_DEFLATE_RATIO = 1032;

    private NpzFormat() {
    }

    /**
     * Reads every array of an .npz file, in the order of its entries, keyed by the entry name without {@code .npy}.
     *
     * @throws SerializationException for a corrupt zip, an entry that is not a valid .npy, a duplicate name, or an
     *                                entry larger than its compressed bytes allow
     */
    public static Map<String, Tensor> read(byte[] data, String what) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        String entry = null;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(data))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                String name = e.getName();
                entry = name;
                if (!name.endsWith(".npy") || e.isDirectory()) {
                    throw new SerializationException(what + ": .npz entry '" + name + "' is not an .npy array; an .npz holds only NAME.npy entries");
                }
                String key = name.substring(0, name.length() - 4);
                String entryWhat = what + " entry '" + name + "'";
                byte[] head = zip.readNBytes(10);
                long budget = e.getMethod() == ZipEntry.STORED ? data.length : data.length * MAX_DEFLATE_RATIO;
                byte[] bytes = readEntry(zip, head, Math.min(budget, Integer.MAX_VALUE - 16L), entryWhat);
                if (out.put(key, NpyFormat.read(bytes, 0, bytes.length, entryWhat)) != null) {
                    throw new SerializationException(what + ": .npz entry '" + name + "' appears twice");
                }
            }
        } catch (IOException | RuntimeException ex) {
            if (ex instanceof SerializationException se) {
                throw se;
            }
            if (entry != null && String.valueOf(ex.getMessage()).contains("invalid entry CRC")) {
                throw new SerializationException(what + ": .npz entry '" + entry + "' fails its CRC-32 check (corrupt file: "
                        + ex.getMessage() + ")", ex);
            }
            throw new SerializationException(what + " is not a valid .npz zip: " + ex.getMessage(), ex);
        }
        if (out.isEmpty()) {
            throw new SerializationException(what + " is not a valid .npz file: it holds no .npy entries");
        }
        return out;
    }

    /** Reads one entry after its first bytes, growing the buffer only within what the header and budget allow. */
    private static byte[] readEntry(ZipInputStream zip, byte[] head, long budget, String what) throws IOException {
        if (head.length < 10 || !NpyFormat.isNpy(head, 0, head.length)) {
            throw new SerializationException(what + " is not a .npy array (bad magic or too short)");
        }
        int lenBytes = (head[6] & 0xFF) == 1 ? 2 : 4;
        byte[] rest = zip.readNBytes(lenBytes == 2 ? 0 : 2);
        byte[] lenField = new byte[4];
        System.arraycopy(head, 8, lenField, 0, 2);
        System.arraycopy(rest, 0, lenField, 2, rest.length);
        long headerLen = (lenField[0] & 0xFF) | (lenField[1] & 0xFF) << 8 | (long) (lenField[2] & 0xFF) << 16 | (long) (lenField[3] & 0xFF) << 24;
        if (headerLen > (1 << 20)) {
            throw new SerializationException(what + " declares a .npy header of " + headerLen + " bytes (limit 1 MiB)");
        }
        byte[] header = zip.readNBytes((int) headerLen);
        int prefix = 10 + rest.length + header.length;
        byte[] meta = new byte[prefix];
        System.arraycopy(head, 0, meta, 0, 10);
        System.arraycopy(rest, 0, meta, 10, rest.length);
        System.arraycopy(header, 0, meta, 10 + rest.length, header.length);
        long need = NpyFormat.header(meta, 0, meta.length, what).dataBytes();
        if (need > budget - prefix) {
            throw new SerializationException(what + " declares " + need + " data bytes, more than its " + budget
                    + "-byte budget (the zip's compressed bytes cannot hold that much)");
        }
        byte[] all = new byte[(int) (prefix + need)];
        System.arraycopy(meta, 0, all, 0, prefix);
        int got = zip.readNBytes(all, prefix, (int) need);
        if (got != need) {
            throw new SerializationException(what + " is truncated: " + got + " of " + need + " data bytes");
        }
        if (zip.read() != -1) {
            throw new SerializationException(what + " has trailing bytes after its array data");
        }
        return all;
    }

    /** Writes {@code arrays} as a stored (uncompressed) .npz, as {@code np.savez} does, entries in map order. */
    public static void write(Map<String, Tensor> arrays, OutputStream out) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
            java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
            NpyFormat.write(e.getValue(), buf);
            byte[] b = buf.toByteArray();
            ZipEntry z = new ZipEntry(e.getKey() + ".npy");
            z.setMethod(ZipEntry.STORED);
            z.setSize(b.length);
            z.setCompressedSize(b.length);
            CRC32 crc = new CRC32();
            crc.update(b);
            z.setCrc(crc.getValue());
            zip.putNextEntry(z);
            zip.write(b);
            zip.closeEntry();
        }
        zip.finish();
    }
}
