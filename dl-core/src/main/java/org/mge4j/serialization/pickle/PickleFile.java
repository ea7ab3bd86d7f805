package org.mge4j.serialization.pickle;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.zip.CRC32C;
import org.mge4j.DType;
import org.mge4j.serialization.LoadOptions;
import org.mge4j.serialization.SerializationException;
import org.mge4j.serialization.numpy.ArrayBytes;
import org.mge4j.serialization.numpy.NumpyDtype;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@code .pkl} file as {@code Mge.save} writes it: a pickle followed by its {@link ChecksumTrailer}. Writing
 * streams tensor data from native memory; reading verifies every checksum before anything is returned and, when
 * the trailer says where the large tensors lie, reads their data from the file straight into the tensors.
 */
public final class PickleFile {
    /** Tensors at least this large are read straight into their memory; smaller ones stay in the pickle bytes. */
    private static final int DIRECT_MIN = 1 << 16;
    private static final int CHUNK = 1 << 20;
    /** Largest file read whole into memory (the Java array limit). */
    private static final long MAX_IN_MEMORY = Integer.MAX_VALUE - 64;

    private PickleFile() {
    }

    /** Writes {@code obj} as a pickle of {@code protocol} at the channel's position, with a trailer when asked. */
    public static void write(Object obj, FileChannel channel, int protocol, boolean checksums) throws IOException {
        PickleOutput out = new PickleOutput(channel, checksums);
        Pickler.dump(obj, out, protocol);
        out.finish();
    }

    /** Writes {@code obj} as a pickle of {@code protocol} to a stream (not closed), with a trailer when asked. */
    public static void write(Object obj, OutputStream stream, int protocol, boolean checksums) throws IOException {
        PickleOutput out = new PickleOutput(stream, checksums);
        Pickler.dump(obj, out, protocol);
        out.finish();
    }

    /**
     * Loads the pickle in {@code path}, verifying its checksum trailer when it has one.
     *
     * @throws SerializationException when the file is corrupted or truncated (naming the tensor whose data is
     *                                damaged), has no trailer while {@link LoadOptions#requireChecksums()} is set,
     *                                or is not a valid, safe pickle
     */
    public static Object read(Path path, LoadOptions options) {
        String what = path.toString();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            ChecksumTrailer trailer = null;
            if (size >= ChecksumTrailer.HEAD + ChecksumTrailer.FOOTER + 3) {
                long t = ChecksumTrailer.trailerLength(readAt(ch, size - ChecksumTrailer.FOOTER, ChecksumTrailer.FOOTER));
                if (t >= ChecksumTrailer.HEAD + ChecksumTrailer.FOOTER && t <= Math.min(size - 3, Integer.MAX_VALUE)) {
                    trailer = ChecksumTrailer.decode(readAt(ch, size - t, (int) t), size, what);
                }
            }
            if (trailer != null && direct(trailer)) {
                try {
                    return readDirect(ch, trailer, options, what);
                } catch (SerializationException e) {
                    if (e instanceof CorruptedData || size > MAX_IN_MEMORY) {
                        throw e;
                    }
                    // the pickle is intact but not laid out as mge4j writes it: the plain reader gives the precise error
                }
            }
            if (trailer == null && !options.requireChecksums() && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
                try {
                    Object result = readScanned(ch, size, options, what);
                    if (result != null) {
                        return result;
                    }
                } catch (SerializationException e) {
                    if (size > MAX_IN_MEMORY) {
                        throw e;
                    }
                    // not laid out as expected: the plain reader gives the precise error
                }
            }
            if (size > MAX_IN_MEMORY) {
                throw new SerializationException(what + " is " + size + " bytes; pickles over 2 GB load only when written by mge4j "
                        + "with checksums (use .safetensors shards otherwise)");
            }
            ByteBuffer all = readAt(ch, 0, (int) size);
            return read(all.array(), options, what);
        } catch (NoSuchFileException e) {
            throw new SerializationException("no such file: " + path.toAbsolutePath(), e);
        } catch (IOException e) {
            throw new SerializationException("could not read " + path + ": " + e, e);
        }
    }

    /**
     * Loads the pickle in {@code data}, verifying its checksum trailer when it has one; {@code what} names the
     * source in error messages.
     */
    public static Object read(byte[] data, LoadOptions options, String what) {
        ByteBuffer all = ByteBuffer.wrap(data);
        int size = data.length;
        if (size >= ChecksumTrailer.FOOTER) {
            long t = ChecksumTrailer.trailerLength(all.slice(size - ChecksumTrailer.FOOTER, ChecksumTrailer.FOOTER));
            if (t >= 0) {
                if (t < ChecksumTrailer.HEAD + ChecksumTrailer.FOOTER || t > size - 3) {
                    throw ChecksumTrailer.corrupted(what, "its footer gives a length of " + t + " bytes for a " + size + "-byte file");
                }
                ChecksumTrailer trailer = ChecksumTrailer.decode(all.slice(size - (int) t, (int) t), size, what);
                verify(trailer, data, what);
                return Unpickler.load(data, 0, (int) trailer.pickleLength, options, null);
            }
        }
        long end;
        try {
            end = PickleEnd.of(data);
        } catch (SerializationException e) {
            Unpickler.load(data, options); // says precisely what is wrong with the pickle
            throw new SerializationException("corrupt pickle in " + what + ": " + e.getMessage(), e);
        }
        if (end < size) {
            throw ChecksumTrailer.damaged(all.slice((int) end, size - (int) end), what);
        }
        if (options.requireChecksums()) {
            throw new SerializationException(what + " has no checksum trailer, which these load options require: it was written by "
                    + "Python, by mge4j with checksums(false), or it was cut right after its pickle (truncated). Load it without "
                    + "requireChecksums if you trust it");
        }
        return Unpickler.load(data, options);
    }

    /** Checks every tensor's CRC32C and the whole pickle's, in one pass over the bytes. */
    private static void verify(ChecksumTrailer trailer, byte[] data, String what) {
        RunningCrc32c whole = new RunningCrc32c();
        List<String> bad = new ArrayList<>();
        int pos = 0;
        for (int i = 0; i < trailer.entries.size(); i++) {
            ChecksumTrailer.Entry e = trailer.entries.get(i);
            whole.update(data, pos, (int) e.offset() - pos);
            int crc = RunningCrc32c.of(data, (int) e.offset(), (int) e.length());
            if (crc != e.crc()) {
                bad.add(badTensor(e, i, crc));
            }
            whole.append(crc, e.length(), ByteBuffer.wrap(data, (int) e.offset(), (int) e.length()));
            pos = (int) (e.offset() + e.length());
        }
        whole.update(data, pos, (int) trailer.pickleLength - pos);
        check(trailer, bad, whole.value(), what);
    }

    private static void check(ChecksumTrailer trailer, List<String> bad, int wholeCrc, String what) {
        if (!bad.isEmpty()) {
            throw new CorruptedData(what + " is corrupted: " + String.join("; ", bad.subList(0, Math.min(bad.size(), 8)))
                    + (bad.size() > 8 ? "; and " + (bad.size() - 8) + " more tensors" : "")
                    + ". Its data changed after it was saved (disk or copy error); restore an older copy or save it again");
        }
        if (wholeCrc != trailer.pickleCrc) {
            throw new CorruptedData(what + " is corrupted: every tensor's data passes its CRC32C, but the pickle around them "
                    + "(keys, shapes, dtypes, numbers) does not: CRC32C " + ChecksumTrailer.hex(wholeCrc) + ", saved "
                    + ChecksumTrailer.hex(trailer.pickleCrc) + ". Restore an older copy or save it again");
        }
    }

    private static String badTensor(ChecksumTrailer.Entry e, int index, int crc) {
        return e.describe(index) + " fails its CRC32C check (computed " + ChecksumTrailer.hex(crc) + ", saved "
                + ChecksumTrailer.hex(e.crc()) + ")";
    }

    /** True when every large tensor of the trailer can be read straight into a tensor of its dtype and shape. */
    private static boolean direct(ChecksumTrailer trailer) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            return false;
        }
        for (ChecksumTrailer.Entry e : trailer.entries) {
            if (e.length() < DIRECT_MIN) {
                continue;
            }
            if (e.encoding() != ChecksumTrailer.RAW || e.length() > MAX_IN_MEMORY || e.offset() < 7) {
                return false;
            }
            try {
                NumpyDtype d = NumpyDtype.parse(e.dtype());
                if ((d.byteOrder() != '<' && d.byteOrder() != '|') || ArrayBytes.byteSize(e.shape(), d.dtype().itemSize()) != e.length()) {
                    return false;
                }
            } catch (SerializationException ex) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads the pickle with the data of its large tensors going straight into their memory: the pickle is read
     * without that data, each {@code BINBYTES n <data>} replaced by a persistent id that stands for the tensor.
     */
    private static Object readDirect(FileChannel ch, ChecksumTrailer trailer, LoadOptions options, String what) throws IOException {
        List<ChecksumTrailer.Entry> large = new ArrayList<>();
        long skipped = 0;
        for (ChecksumTrailer.Entry e : trailer.entries) {
            if (e.length() >= DIRECT_MIN) {
                large.add(e);
                skipped += e.length() - 1; // the 5-byte BINBYTES header becomes the 6-byte "J <index> Q"
            }
        }
        long skeletonLength = trailer.pickleLength - skipped;
        if (skeletonLength > MAX_IN_MEMORY) {
            throw new SerializationException(what + ": the pickle without its tensor data is " + skeletonLength + " bytes, over 2 GB");
        }
        byte[] skeleton = new byte[(int) skeletonLength];
        List<PreloadedArray> arrays = new ArrayList<>(large.size());
        RunningCrc32c whole = new RunningCrc32c();
        List<String> bad = new ArrayList<>();
        long pos = 0;
        int at = 0;
        for (int i = 0; i < large.size(); i++) {
            ChecksumTrailer.Entry e = large.get(i);
            int n = (int) (e.offset() - pos);
            readFully(ch, ByteBuffer.wrap(skeleton, at, n), pos);
            whole.update(skeleton, at, n);
            at += n;
            int h = at - 5;
            long declared = (skeleton[h + 1] & 0xFFL) | (skeleton[h + 2] & 0xFFL) << 8 | (skeleton[h + 3] & 0xFFL) << 16
                    | (skeleton[h + 4] & 0xFFL) << 24;
            if ((skeleton[h] & 0xFF) != Opcodes.BINBYTES || declared != e.length()) {
                throw new SerializationException(what + ": tensor data at offset " + e.offset() + " does not follow a BINBYTES opcode");
            }
            skeleton[h] = (byte) Opcodes.BININT;
            skeleton[h + 1] = (byte) i;
            skeleton[h + 2] = (byte) (i >>> 8);
            skeleton[h + 3] = (byte) (i >>> 16);
            skeleton[h + 4] = (byte) (i >>> 24);
            skeleton[at++] = (byte) Opcodes.BINPERSID;
            DType dtype = NumpyDtype.parse(e.dtype()).dtype();
            INDArray arr = Nd4j.createUninitialized(dtype.nd4j(), e.shape(), 'c');
            ByteBuffer dst = arr.data().asNio();
            dst.clear();
            CRC32C crc = new CRC32C();
            for (long done = 0; done < e.length(); ) {
                int k = (int) Math.min(CHUNK, e.length() - done);
                ByteBuffer piece = dst.slice((int) done, k);
                readFully(ch, piece.duplicate(), e.offset() + done);
                crc.update(piece);
                done += k;
            }
            int got = (int) crc.getValue();
            if (got != e.crc()) {
                bad.add(badTensor(e, trailer.entries.indexOf(e), got));
            }
            whole.append(got, e.length(), dst.slice(0, (int) e.length()));
            arrays.add(new PreloadedArray(arr, dtype, e.shape()));
            pos = e.offset() + e.length();
        }
        int n = (int) (trailer.pickleLength - pos);
        readFully(ch, ByteBuffer.wrap(skeleton, at, n), pos);
        whole.update(skeleton, at, n);
        // the small tensors are in the skeleton: check them against their entries
        long shift = 0;
        for (int i = 0; i < trailer.entries.size(); i++) {
            ChecksumTrailer.Entry e = trailer.entries.get(i);
            if (e.length() >= DIRECT_MIN) {
                shift += e.length() - 1;
                continue;
            }
            int crc = RunningCrc32c.of(skeleton, (int) (e.offset() - shift), (int) e.length());
            if (crc != e.crc()) {
                bad.add(badTensor(e, i, crc));
            }
        }
        check(trailer, bad, whole.value(), what);
        return parseSkeleton(skeleton, arrays, options, what);
    }

    /**
     * Reads a pickle without a trailer (from Python, or saved with checksums off) without copying its large
     * BINBYTES payloads: a walk over the opcodes finds them, the pickle is parsed without them, and BUILD reads each
     * one from the file straight into its tensor. Returns null when the file is not a plain pickle that ends at its
     * end (the caller's plain reader then explains), or has no large payload.
     */
    private static Object readScanned(FileChannel ch, long size, LoadOptions options, String what) throws IOException {
        List<long[]> cuts = new ArrayList<>();
        long end = PickleEnd.of(PickleEnd.of(ch), size, (opcode, length) -> {
            if (length >= DIRECT_MIN) {
                cuts.add(new long[] {opcode, length});
            }
        });
        if (end != size || cuts.isEmpty()) {
            return null;
        }
        long skipped = 0;
        for (long[] c : cuts) {
            skipped += c[1] - 1; // BINBYTES + u4 + data becomes "J <index> Q"
        }
        if (size - skipped > MAX_IN_MEMORY) {
            return null;
        }
        byte[] skeleton = new byte[(int) (size - skipped)];
        List<PreloadedArray> arrays = new ArrayList<>(cuts.size());
        long pos = 0;
        int at = 0;
        for (int i = 0; i < cuts.size(); i++) {
            long opcode = cuts.get(i)[0];
            long length = cuts.get(i)[1];
            int n = (int) (opcode - pos);
            readFully(ch, ByteBuffer.wrap(skeleton, at, n), pos);
            at += n;
            skeleton[at++] = (byte) Opcodes.BININT;
            skeleton[at++] = (byte) i;
            skeleton[at++] = (byte) (i >>> 8);
            skeleton[at++] = (byte) (i >>> 16);
            skeleton[at++] = (byte) (i >>> 24);
            skeleton[at++] = (byte) Opcodes.BINPERSID;
            arrays.add(new PreloadedArray(ch, opcode + 5, length));
            pos = opcode + 5 + length;
        }
        readFully(ch, ByteBuffer.wrap(skeleton, at, (int) (size - pos)), pos);
        return parseSkeleton(skeleton, arrays, options, what);
    }

    private static Object parseSkeleton(byte[] skeleton, List<PreloadedArray> arrays, LoadOptions options, String what) {
        int[] next = {0};
        Function<Object, Object> preloaded = pid -> {
            if (!(pid instanceof Integer k) || k != next[0] || k >= arrays.size()) {
                throw new SerializationException(what + ": unexpected persistent id " + SafeGlobals.describe(pid));
            }
            next[0]++;
            return arrays.get(k);
        };
        Object result = Unpickler.load(skeleton, 0, skeleton.length, options, preloaded);
        if (next[0] != arrays.size()) {
            throw new SerializationException(what + ": " + (arrays.size() - next[0]) + " array payloads were not used by the pickle");
        }
        return result;
    }

    private static ByteBuffer readAt(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        readFully(ch, b, position);
        b.flip();
        return b;
    }

    private static void readFully(FileChannel ch, ByteBuffer dst, long position) throws IOException {
        long p = position;
        while (dst.hasRemaining()) {
            int k = ch.read(dst, p);
            if (k < 0) {
                throw new SerializationException("the file ended while reading byte " + p + " (it shrank while being read?)");
            }
            p += k;
        }
    }

    /** A checksum mismatch: never retried with another reader. */
    private static final class CorruptedData extends SerializationException {
        CorruptedData(String message) {
            super(message);
        }
    }
}
