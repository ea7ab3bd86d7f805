package org.mge4j.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.mge4j.Tensor;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST ({@code train-images-idx3-ubyte}, optionally gzipped),
 * into a uint8 {@link Tensor}. The header is checked (magic, type, dimensions) and the size it announces is
 * compared with the file (or the gzip trailer) before the data is allocated; the bytes are read in bulk into one
 * ND4J array.
 */
public final class Idx {
    private static final int UNSIGNED_BYTE = 0x08;
    private static final int MAX_DIMS = 8;

    private Idx() {
    }

    /**
     * The contents of an IDX file of unsigned bytes, plain or gzipped (recognised by its content, not its name).
     *
     * @throws DatasetException     when the file is missing, is not IDX, is truncated, or has extra bytes
     * @throws UncheckedIOException when reading fails
     */
    public static Tensor read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException("IDX file not found: " + file);
        }
        try {
            long fileSize = Files.size(file);
            boolean gzip = isGzip(file);
            long announced = gzip ? gzipTrailerSize(file) : fileSize;
            try (InputStream raw = Files.newInputStream(file);
                 InputStream in = gzip ? new GZIPInputStream(new BufferedInputStream(raw, 1 << 16), 1 << 16) : new BufferedInputStream(raw, 1 << 16)) {
                return read(in, file, announced, gzip);
            }
        } catch (EOFException | ZipException e) {
            throw new DatasetException(file + " is truncated or corrupt (" + e.getMessage() + "); download it again", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Tensor read(InputStream in, Path file, long announced, boolean gzip) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] magic = new byte[4];
        int got = data.readNBytes(magic, 0, 4);
        if (got < 4 || magic[0] != 0 || magic[1] != 0) {
            throw new DatasetException(file + " is not an IDX file: it should start with two zero bytes, a type byte and a dimension count"
                    + (got < 4 ? " but has only " + got + " bytes" : String.format(" but starts with %02x %02x", magic[0] & 0xff, magic[1] & 0xff)));
        }
        int type = magic[2] & 0xff;
        int ndim = magic[3] & 0xff;
        if (type != UNSIGNED_BYTE) {
            throw new DatasetException(String.format("%s has IDX element type 0x%02x; only unsigned bytes (0x08), as in MNIST and Fashion-MNIST, are supported", file, type));
        }
        if (ndim < 1 || ndim > MAX_DIMS) {
            throw new DatasetException(file + " announces " + ndim + " dimensions; an IDX file has 1 to " + MAX_DIMS);
        }
        long[] shape = new long[ndim];
        long count = 1;
        for (int i = 0; i < ndim; i++) {
            int d;
            try {
                d = data.readInt();
            } catch (EOFException e) {
                throw new DatasetException(file + " is truncated: the header ends inside the size of dimension " + i);
            }
            if (d < 0) {
                throw new DatasetException(file + " announces a negative size " + d + " for dimension " + i);
            }
            shape[i] = d;
            count = multiplyOrRefuse(count, d, file);
        }
        long headerBytes = 4L + 4L * ndim;
        long expected = headerBytes + count;
        // gzip keeps the uncompressed size modulo 2^32 in its trailer
        long comparable = gzip ? expected & 0xffffffffL : expected;
        if (announced != comparable) {
            throw new DatasetException(file + (gzip ? " decompresses to " : " has ") + announced + " bytes, but its header "
                    + Tensor.shapeString(shape) + " needs " + expected + " (" + headerBytes + " header + " + count + " data): the file is "
                    + (announced < comparable ? "truncated" : "longer than its header says") + "; download it again");
        }
        byte[] bytes = new byte[(int) count];
        int read = data.readNBytes(bytes, 0, bytes.length);
        if (read < bytes.length) {
            throw new DatasetException(file + " is truncated: its header " + Tensor.shapeString(shape) + " needs " + count
                    + " data bytes but only " + read + " follow; download it again");
        }
        if (data.read() != -1) {
            throw new DatasetException(file + " has bytes after the " + count + " data bytes its header " + Tensor.shapeString(shape) + " announces");
        }
        return Tensor.wrap(ubyteArray(bytes, shape));
    }

    private static long multiplyOrRefuse(long count, int d, Path file) {
        long c = count * d;
        if (d != 0 && (c / d != count || c > Integer.MAX_VALUE - 8)) {
            throw new DatasetException(file + " announces more than " + (Integer.MAX_VALUE - 8) + " elements, more than one array can hold");
        }
        return c;
    }

    /** A uint8 array of the given shape over a copy of {@code bytes}. */
    static INDArray ubyteArray(byte[] bytes, long[] shape) {
        if (bytes.length == 0) {
            return Nd4j.create(DataType.UBYTE, shape);
        }
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
        direct.put(bytes).flip();
        DataBuffer buffer = Nd4j.createBuffer(direct, DataType.UBYTE, bytes.length);
        return Nd4j.create(buffer, shape, Nd4j.getStrides(shape, 'c'), 0, 'c', DataType.UBYTE);
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    private static long gzipTrailerSize(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            if (f.length() < 18) {
                throw new DatasetException(file + " is truncated: a gzip file has at least 18 bytes, this one " + f.length() + "; download it again");
            }
            f.seek(f.length() - 4);
            byte[] b = new byte[4];
            f.readFully(b);
            return (b[0] & 0xffL) | (b[1] & 0xffL) << 8 | (b[2] & 0xffL) << 16 | (b[3] & 0xffL) << 24;
        }
    }
}
