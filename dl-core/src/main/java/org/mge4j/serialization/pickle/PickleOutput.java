package org.mge4j.serialization.pickle;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.mge4j.Tensor;
import org.mge4j.serialization.numpy.ArrayBytes;
import org.mge4j.serialization.numpy.NumpyDtype;

/**
 * Where {@link Pickler} writes a pickle that gets a {@link ChecksumTrailer}: it buffers opcodes, writes tensor
 * data straight from the tensors' native memory (to a file channel without any copy in Java), computes the
 * CRC32C of each tensor's data and of the whole pickle on the way, and appends the trailer in {@link #finish()}.
 */
final class PickleOutput extends OutputStream {
    /** Tensor data is checksummed and written in pieces this size, so each is still in cache when written. */
    private static final int CHUNK = 1 << 20;
    /** Tensors up to this size go through the buffer: one write call for many small tensors. */
    private static final int SMALL = 1 << 14;

    private final FileChannel channel;
    private final OutputStream stream;
    private final boolean checksums;
    private final byte[] buf = new byte[1 << 16];
    private int count;
    private long flushed;
    private final RunningCrc32c whole = new RunningCrc32c();
    private final List<ChecksumTrailer.Entry> entries = new ArrayList<>();
    private byte[] chunk;

    /** Writes to a file channel (at its position), with a checksum trailer when {@code checksums} is true. */
    PickleOutput(FileChannel channel, boolean checksums) {
        this.channel = channel;
        this.stream = null;
        this.checksums = checksums;
    }

    /** Writes to a stream (not closed), with a checksum trailer when {@code checksums} is true. */
    PickleOutput(OutputStream stream, boolean checksums) {
        this.channel = null;
        this.stream = stream;
        this.checksums = checksums;
    }

    @Override
    public void write(int b) throws IOException {
        if (count == buf.length) {
            flushBuffer();
        }
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len <= buf.length - count) {
            System.arraycopy(b, off, buf, count, len);
            count += len;
            return;
        }
        flushBuffer();
        if (len < buf.length) {
            System.arraycopy(b, off, buf, 0, len);
            count = len;
        } else {
            whole.update(b, off, len);
            writeOut(ByteBuffer.wrap(b, off, len));
        }
    }

    /** Bytes written so far. */
    long position() {
        return flushed + count;
    }

    /**
     * Writes the {@code n} data bytes of {@code t} (little-endian, C order), the payload of the BINBYTES opcode
     * the caller has just written, and records them under {@code path}.
     */
    void writeArray(Tensor t, long n, String path) throws IOException {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN && t.dtype().itemSize() > 1) {
            writeArrayBytes(ArrayBytes.toBytes(t), ChecksumTrailer.RAW, t, path);
            return;
        }
        if (n == 0) {
            entries.add(entry(t, position(), 0, 0, ChecksumTrailer.RAW, path));
            return;
        }
        ByteBuffer data = ArrayBytes.nativeBytes(t, n);
        if (n <= SMALL) {
            byte[] b = new byte[(int) n];
            data.get(b);
            writeArrayBytes(b, ChecksumTrailer.RAW, t, path);
            return;
        }
        flushBuffer();
        long start = position();
        CRC32C tensorCrc = new CRC32C();
        while (data.hasRemaining()) {
            ByteBuffer piece = data.slice().limit(Math.min(CHUNK, data.remaining()));
            data.position(data.position() + piece.remaining());
            tensorCrc.update(piece.duplicate());
            writeOut(piece);
        }
        int crc = (int) tensorCrc.getValue();
        data.rewind();
        whole.append(crc, n, data);
        entries.add(entry(t, start, n, crc, ChecksumTrailer.RAW, path));
    }

    /** Writes bytes that hold the data of {@code t} in the given encoding and records them under {@code path}. */
    void writeArrayBytes(byte[] bytes, int encoding, Tensor t, String path) throws IOException {
        long start = position();
        write(bytes, 0, bytes.length);
        entries.add(entry(t, start, bytes.length, RunningCrc32c.of(bytes, 0, bytes.length), encoding, path));
    }

    /** Writes out what is buffered, then the checksum trailer when asked for. */
    void finish() throws IOException {
        flushBuffer();
        if (checksums) {
            byte[] trailer = new ChecksumTrailer(flushed, whole.value(), entries).encode();
            writeOut(ByteBuffer.wrap(trailer));
        }
        if (stream != null) {
            stream.flush();
        }
    }

    private static ChecksumTrailer.Entry entry(Tensor t, long offset, long n, int crc, int encoding, String path) {
        return new ChecksumTrailer.Entry(offset, n, crc, encoding, NumpyDtype.of(t.dtype()).descr(), t.shape(), path);
    }

    private void flushBuffer() throws IOException {
        if (count > 0) {
            whole.update(buf, 0, count);
            writeOut(ByteBuffer.wrap(buf, 0, count));
            count = 0;
        }
    }

    /** Writes all of {@code b} to the channel or the stream; the bytes were already counted in the checksum. */
    private void writeOut(ByteBuffer b) throws IOException {
        int n = b.remaining();
        if (channel != null) {
            while (b.hasRemaining()) {
                channel.write(b);
            }
        } else if (b.hasArray()) {
            stream.write(b.array(), b.arrayOffset() + b.position(), n);
        } else {
            if (chunk == null) {
                chunk = new byte[CHUNK];
            }
            while (b.hasRemaining()) {
                int k = Math.min(chunk.length, b.remaining());
                b.get(chunk, 0, k);
                stream.write(chunk, 0, k);
            }
        }
        flushed += n;
    }
}
