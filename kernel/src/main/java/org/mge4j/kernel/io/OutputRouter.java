package org.mge4j.kernel.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Replaces System.out, System.err and System.in with streams that route each thread to its {@link Cell}.
 * Kernel threads keep writing to the original streams (the kernel log). A flusher publishes buffered output
 * every {@link #FLUSH_MILLIS} ms, so long-running cells stream their output while they run.
 */
public final class OutputRouter implements AutoCloseable {
    /** How often pending output of running cells is published. */
    public static final long FLUSH_MILLIS = 50;

    private final Set<Cell> live = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mge4j-output-flusher");
        t.setDaemon(true);
        return t;
    });
    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;
    private final InputStream originalIn = System.in;

    /** Installs the routing streams and starts the flusher. */
    public OutputRouter() {
        System.setOut(new PrintStream(new Routing(Cell::stdout, originalOut), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Routing(Cell::stderr, originalErr), true, StandardCharsets.UTF_8));
        System.setIn(new CellInput(originalIn));
        flusher.scheduleWithFixedDelay(this::drainAll, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The kernel's log stream (the process's original stderr). */
    public PrintStream log() {
        return originalErr;
    }

    /** Starts routing and periodic flushing for a cell. Recent cells stay live so late thread output arrives. */
    public void attach(Cell cell) {
        if (live.size() > 16) {
            live.clear();
        }
        live.add(cell);
        cell.becomeLatest();
    }

    private void drainAll() {
        for (Cell c : live) {
            try {
                c.stdout().drain(false);
                c.stderr().drain(false);
            } catch (RuntimeException e) {
                originalErr.println("mge4j: output flush failed: " + e);
            }
        }
    }

    @Override
    public void close() {
        flusher.shutdownNow();
        drainAll();
        System.setOut(originalOut);
        System.setErr(originalErr);
        System.setIn(originalIn);
    }

    private static final class Routing extends OutputStream {
        private final Function<Cell, CellStream> pick;
        private final PrintStream fallback;

        Routing(Function<Cell, CellStream> pick, PrintStream fallback) {
            this.pick = pick;
            this.fallback = fallback;
        }

        private OutputStream target() {
            Cell c = Cell.current();
            return c == null ? fallback : pick.apply(c);
        }

        @Override
        public void write(int b) throws IOException {
            target().write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            target().write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            target().flush();
        }
    }
}
