package org.mge4j.kernel.io;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A coalescing buffer for one of a cell's output streams. {@code flush()} from a PrintStream does not publish
 * (so a loop of println is not one message per line); the buffer is published when it grows past
 * {@link #EAGER_BYTES}, every few milliseconds by {@link OutputRouter}'s flusher, and at the flush points of a cell.
 * UTF-8 sequences split across writes are held back until complete.
 */
public final class CellStream extends OutputStream {
    /** Buffer size that triggers an immediate publish from the writing thread. */
    public static final int EAGER_BYTES = 16 * 1024;

    private final Cell cell;
    private final String name;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    CellStream(Cell cell, String name) {
        this.cell = cell;
        this.name = name;
    }

    @Override
    public synchronized void write(int b) {
        buffer.write(b);
        if (buffer.size() >= EAGER_BYTES) {
            drain(false);
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        buffer.write(b, off, len);
        if (buffer.size() >= EAGER_BYTES) {
            drain(false);
        }
    }

    @Override
    public void flush() {
        // deliberately empty: publishing happens at drain points, see class comment
    }

    /** Whether text is waiting to be published. */
    public synchronized boolean hasPending() {
        return buffer.size() > 0;
    }

    /** Publishes buffered text; {@code all} also publishes an incomplete trailing UTF-8 sequence. */
    public synchronized void drain(boolean all) {
        if (buffer.size() == 0) {
            return;
        }
        byte[] bytes = buffer.toByteArray();
        int end = all ? bytes.length : completeUtf8Prefix(bytes);
        if (end == 0) {
            return;
        }
        buffer.reset();
        buffer.write(bytes, end, bytes.length - end);
        cell.publishStream(name, new String(Arrays.copyOf(bytes, end), StandardCharsets.UTF_8));
    }

    /** Length of the longest prefix that does not end inside a multi-byte UTF-8 sequence. */
    static int completeUtf8Prefix(byte[] b) {
        int n = b.length;
        for (int back = 1; back <= Math.min(3, n); back++) {
            int c = b[n - back] & 0xFF;
            if ((c & 0xC0) == 0x80) {
                continue;                       // continuation byte: keep looking for the lead byte
            }
            int need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            return need > back ? n - back : n;
        }
        return n;
    }
}
