package org.mge4j.serialization.pickle;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mge4j.serialization.SerializationException;

/**
 * The checksum trailer {@code Mge.save} appends to a pickle after its STOP opcode, where Python's
 * {@code pickle.load}, numpy and MegEngine never look: a CRC32C ({@link java.util.zip.CRC32C}, Castagnoli) of each
 * tensor's data and of the whole pickle, so that a corrupted or truncated file is refused on load instead of
 * giving wrong numbers. Layout, all integers little-endian:
 *
 * <pre>
 * pickle      bytes [0, P): the pickle itself, ending with STOP (0x2E)
 * head        "MGE4JCKS" (8 bytes), version u16 = 1, flags u16 = 0,
 *             trailer length T u64 (head to end of file), pickle length P u64,
 *             pickle CRC32C u32 (of bytes [0, P)), tensor count N u32
 * N entries   in the order the tensors' data appear in the pickle:
 *             data offset u64, data length u64, data CRC32C u32,
 *             encoding u8 (0 = raw array bytes, the BINBYTES payload of protocols 3-5;
 *                          1 = the bytes as latin-1 text in UTF-8, protocol 2's _codecs.encode),
 *             dtype: u8 length + ASCII numpy descriptor ("&lt;f4"), shape: u8 rank + rank x u64,
 *             key path: u16 length + UTF-8 ("model_state_dict.conv1.weight"; empty when unknown)
 * footer      T u64 again, CRC32C u32 of the trailer from its head to this footer, "MGE4JEND" (8 bytes)
 * </pre>
 *
 * The file is P + T bytes. A reader finds the footer from the end of the file; a file that ends right after STOP
 * has no trailer (a pickle from Python, or one saved with {@code checksums(false)}).
 */
final class ChecksumTrailer {
    static final byte[] HEAD_MAGIC = "MGE4JCKS".getBytes(StandardCharsets.US_ASCII);
    static final byte[] END_MAGIC = "MGE4JEND".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    /** Head: magic, version, flags, T, P, pickle CRC, count. */
    static final int HEAD = 8 + 2 + 2 + 8 + 8 + 4 + 4;
    /** Footer: T, CRC, magic. */
    static final int FOOTER = 8 + 4 + 8;
    /** Smallest entry: offset, length, crc, encoding, empty dtype, rank 0, empty path. */
    private static final int MIN_ENTRY = 8 + 8 + 4 + 1 + 1 + 1 + 2;
    static final int RAW = 0;
    static final int LATIN1_TEXT = 1;

    /**
     * Where one tensor's data lies in the file and its checksum.
     *
     * @param offset   file offset of the first data byte
     * @param length   number of data bytes
     * @param crc      CRC32C of those bytes
     * @param encoding {@link #RAW} or {@link #LATIN1_TEXT}
     * @param dtype    numpy descriptor, for example {@code "<f4"}
     * @param shape    the tensor's shape
     * @param path     the keys leading to the tensor, joined by dots; empty when unknown
     */
    record Entry(long offset, long length, int crc, int encoding, String dtype, long[] shape, String path) {
        /** How an error message names this tensor: its key path, else its index, with dtype and shape. */
        String describe(int index) {
            String what = path.isEmpty() ? "tensor #" + index : "tensor '" + path + "'";
            return what + " (" + dtype + " " + Arrays.toString(shape) + ", " + length + " bytes at offset " + offset + ")";
        }
    }

    final long pickleLength;
    final int pickleCrc;
    final List<Entry> entries;

    ChecksumTrailer(long pickleLength, int pickleCrc, List<Entry> entries) {
        this.pickleLength = pickleLength;
        this.pickleCrc = pickleCrc;
        this.entries = entries;
    }

    /** The trailer's bytes, head to footer. */
    byte[] encode() {
        List<byte[]> parts = new ArrayList<>();
        int body = HEAD;
        for (Entry e : entries) {
            byte[] d = e.dtype().getBytes(StandardCharsets.US_ASCII);
            byte[] p = e.path().getBytes(StandardCharsets.UTF_8);
            if (p.length > 0xFFFF) {
                p = Arrays.copyOf(p, 0xFFFF); // a path that long is a name, not a key; the CRC still guards the data
            }
            ByteBuffer b = le(ByteBuffer.allocate(MIN_ENTRY + d.length + 8 * e.shape().length + p.length));
            b.putLong(e.offset()).putLong(e.length()).putInt(e.crc()).put((byte) e.encoding());
            b.put((byte) d.length).put(d).put((byte) e.shape().length);
            for (long s : e.shape()) {
                b.putLong(s);
            }
            b.putShort((short) p.length).put(p);
            parts.add(b.array());
            body += b.capacity();
        }
        long total = (long) body + FOOTER;
        ByteBuffer out = le(ByteBuffer.allocate(Math.toIntExact(total)));
        out.put(HEAD_MAGIC).putShort((short) VERSION).putShort((short) 0).putLong(total).putLong(pickleLength)
                .putInt(pickleCrc).putInt(entries.size());
        for (byte[] p : parts) {
            out.put(p);
        }
        int crc = RunningCrc32c.of(out.array(), 0, body);
        out.putLong(total).putInt(crc).put(END_MAGIC);
        return out.array();
    }

    /**
     * The trailer length T the last {@link #FOOTER} bytes of a file announce, or -1 when they are not a footer
     * (no trailer, or a truncated or damaged one).
     */
    static long trailerLength(ByteBuffer footer) {
        ByteBuffer f = le(footer.duplicate());
        if (f.remaining() != FOOTER) {
            return -1;
        }
        for (int i = 0; i < 8; i++) {
            if (f.get(f.position() + 12 + i) != END_MAGIC[i]) {
                return -1;
            }
        }
        return f.getLong(f.position());
    }

    /**
     * Parses and checks a trailer: {@code trailer} holds its T bytes, head to footer, taken from the end of a file
     * of {@code fileLength} bytes.
     *
     * @throws SerializationException when the trailer's own CRC or any length or offset in it is wrong
     */
    static ChecksumTrailer decode(ByteBuffer trailer, long fileLength, String what) {
        ByteBuffer t = le(trailer.slice());
        int size = t.remaining();
        if (size < HEAD + FOOTER) {
            throw corrupted(what, "it is " + size + " bytes, less than its fixed " + (HEAD + FOOTER));
        }
        int body = size - FOOTER;
        int want = t.getInt(body + 8);
        int got = RunningCrc32c.of(t.duplicate().limit(body));
        if (want != got) {
            throw corrupted(what, "its own CRC32C is " + hex(got) + ", the footer says " + hex(want));
        }
        for (int i = 0; i < 8; i++) {
            if (t.get(i) != HEAD_MAGIC[i]) {
                throw corrupted(what, "it does not start with " + new String(HEAD_MAGIC, StandardCharsets.US_ASCII));
            }
        }
        t.position(8);
        int version = t.getShort() & 0xFFFF;
        if (version != VERSION) {
            throw new SerializationException(what + " has a checksum trailer of version " + version + "; this mge4j reads version "
                    + VERSION + ". Load it with a newer mge4j, or in Python, which ignores the trailer");
        }
        t.getShort(); // flags, none defined yet
        long total = t.getLong();
        long pickleLength = t.getLong();
        int pickleCrc = t.getInt();
        long count = t.getInt() & 0xFFFFFFFFL;
        if (total != size || t.getLong(body) != size) {
            throw corrupted(what, "its length fields (" + total + ", " + t.getLong(body) + ") disagree with its size " + size);
        }
        if (pickleLength != fileLength - size || pickleLength < 3) {
            throw corrupted(what, "it says the pickle is " + pickleLength + " bytes, but the file holds " + (fileLength - size)
                    + " bytes before the trailer");
        }
        if (count > (long) (body - HEAD) / MIN_ENTRY) {
            throw corrupted(what, "it lists " + count + " tensors, more than fit in " + (body - HEAD) + " bytes");
        }
        List<Entry> entries = new ArrayList<>((int) count);
        long previousEnd = 2; // after PROTO n
        for (int i = 0; i < count; i++) {
            need(t, body, MIN_ENTRY, what);
            long offset = t.getLong();
            long length = t.getLong();
            int crc = t.getInt();
            int encoding = t.get() & 0xFF;
            int dLen = t.get() & 0xFF;
            need(t, body, dLen + 1, what);
            byte[] d = new byte[dLen];
            t.get(d);
            int rank = t.get() & 0xFF;
            if (rank > org.mge4j.serialization.numpy.ArrayBytes.MAX_RANK) {
                throw corrupted(what, "tensor #" + i + " has rank " + rank);
            }
            need(t, body, 8L * rank + 2, what);
            long[] shape = new long[rank];
            for (int k = 0; k < rank; k++) {
                shape[k] = t.getLong();
            }
            int pLen = t.getShort() & 0xFFFF;
            need(t, body, pLen, what);
            byte[] p = new byte[pLen];
            t.get(p);
            if (encoding != RAW && encoding != LATIN1_TEXT) {
                throw corrupted(what, "tensor #" + i + " has unknown data encoding " + encoding);
            }
            if (offset < previousEnd || length < 0 || length > pickleLength - offset) {
                throw corrupted(what, "tensor #" + i + " data (" + length + " bytes at offset " + offset
                        + ") is out of order or outside the " + pickleLength + "-byte pickle");
            }
            previousEnd = offset + length;
            entries.add(new Entry(offset, length, crc, encoding, new String(d, StandardCharsets.US_ASCII), shape,
                    new String(p, StandardCharsets.UTF_8)));
        }
        if (t.position() != body) {
            throw corrupted(what, (body - t.position()) + " unexplained bytes after its last entry");
        }
        return new ChecksumTrailer(pickleLength, pickleCrc, List.copyOf(entries));
    }

    /**
     * Why the {@code tail} bytes that follow a pickle's STOP are not a valid trailer, as an exception: a piece of
     * a trailer is a truncated file, anything else a corrupted one.
     */
    static SerializationException damaged(ByteBuffer tail, String what) {
        ByteBuffer t = le(tail.slice());
        int n = t.remaining();
        int magic = Math.min(n, 8);
        boolean trailerStart = true;
        for (int i = 0; i < magic; i++) {
            trailerStart &= t.get(i) == HEAD_MAGIC[i];
        }
        if (trailerStart && n < HEAD) {
            return truncated(what, "only the first " + n + " bytes of its checksum trailer are there");
        }
        if (trailerStart) {
            long total = t.getLong(12);
            if (total > n) {
                return truncated(what, "its checksum trailer has " + n + " of its " + total + " bytes");
            }
            return corrupted(what, "its end marker is damaged");
        }
        return new SerializationException(what + " is corrupted: " + n + " bytes follow the end of the pickle and they are not an "
                + "mge4j checksum trailer. Save the file again; if it is a pickle with extra data appended, only Python reads it");
    }

    static SerializationException corrupted(String what, String detail) {
        return new SerializationException(what + " is corrupted: its checksum trailer is damaged (" + detail
                + "). Save it again, or restore an older copy");
    }

    static SerializationException truncated(String what, String detail) {
        return new SerializationException(what + " is truncated: " + detail + ". The write was cut short "
                + "(a crash, a full disk, or an incomplete copy); save it again, or restore an older copy");
    }

    static String hex(int crc) {
        return String.format("0x%08x", crc);
    }

    private static void need(ByteBuffer t, int body, long n, String what) {
        if (n > body - t.position()) {
            throw corrupted(what, "an entry runs past the end of the entry list");
        }
    }

    private static ByteBuffer le(ByteBuffer b) {
        return b.order(ByteOrder.LITTLE_ENDIAN);
    }
}
