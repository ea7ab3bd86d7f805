package org.mge4j.kernel.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;

/**
 * System.in for cells: when a cell reads and nothing is buffered, the frontend is asked for one line through
 * input_request; the answer plus a newline is served byte by byte. Kernel threads read the original stdin.
 */
final class CellInput extends InputStream {
    private final InputStream fallback;
    private byte[] pending = new byte[0];
    private int pos;

    CellInput(InputStream fallback) {
        this.fallback = fallback;
    }

    @Override
    public synchronized int read() throws IOException {
        Cell cell = Cell.current();
        if (cell == null) {
            return fallback.read();
        }
        if (pos >= pending.length) {
            try {
                pending = (cell.readLine("", false) + "\n").getBytes(StandardCharsets.UTF_8);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for input");
            }
            pos = 0;
        }
        return pending[pos++] & 0xFF;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int first = read();
        if (first < 0) {
            return -1;
        }
        b[off] = (byte) first;
        int n = 1;
        // serve the rest of the current line without asking for another one
        while (n < len && pos < pending.length) {
            b[off + n++] = pending[pos++];
        }
        return n;
    }

    @Override
    public synchronized int available() {
        return Math.max(0, pending.length - pos);
    }
}
