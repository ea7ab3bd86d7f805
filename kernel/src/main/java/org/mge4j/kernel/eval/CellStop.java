package org.mge4j.kernel.eval;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The stop check of cell code. {@link CellClassWeaver} puts a call to {@link #check()} at the start of every
 * method of every class a cell defines and before every backward jump, so a busy loop in cell code, in any thread,
 * ends at its next iteration once a stop is requested. This replaces {@code Thread.stop}, which JDK 20 made throw,
 * and is the same design as JShell's own in-process engine on JDK 22+, made to work on every JDK from 17 on.
 *
 * <p>The same check ends cell code with an {@link OutOfMemoryError} once the heap is nearly full ({@link HeapGuard}):
 * a cell that fills the heap then fails before the kernel's own threads (ZeroMQ, the shell loop) run out of memory.
 *
 * <p>A stop stays in force until the next snippet starts: every thread that runs cell code meanwhile (the running
 * cell, threads started by earlier cells) unwinds with {@link Stopped}. Library code (ND4J, the JDK) is not
 * woven: a thread inside it stops when it returns to cell code, or earlier if it reacts to its interrupt.
 */
public final class CellStop {
    private static final int STOP = 1;
    private static final int HEAP_FULL = 2;
    private static final AtomicInteger STATE = new AtomicInteger();
    private static volatile String heapReport = "";

    private CellStop() {
    }

    /**
     * Called by woven cell code: throws {@link Stopped} while a stop is in force, and {@link OutOfMemoryError} while
     * {@link HeapGuard} says the heap is nearly full. One volatile read when neither holds.
     */
    public static void check() {
        if (STATE.get() != 0) {
            stopOrOutOfMemory();
        }
    }

    private static void stopOrOutOfMemory() {
        int s = STATE.get();
        if ((s & STOP) != 0) {
            throw new Stopped();
        }
        if ((s & HEAP_FULL) != 0) {
            throw new OutOfMemoryError("Java heap space: " + heapReport + "; the kernel ended the cell while its own"
                    + " threads still have memory to answer");
        }
    }

    static void request() {
        STATE.getAndUpdate(s -> s | STOP);
    }

    /** Set by {@link HeapGuard} after each collection: whether the heap is nearly full, and how full. */
    static void heapNearlyFull(boolean full, String report) {
        heapReport = report;
        STATE.getAndUpdate(s -> full ? s | HEAP_FULL : s & ~HEAP_FULL);
    }

    /** A new snippet starts with neither a stop nor a full heap in force (until the next collection says so). */
    static void clear() {
        STATE.set(0);
    }

    /**
     * Makes threads that end by a stop die quietly: without this, every background thread of a cell would print a
     * stack trace for {@link Stopped}. Other uncaught exceptions are reported as before.
     */
    static void quietWhenStopped() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            if (e instanceof Stopped) {
                return;
            }
            if (previous != null) {
                previous.uncaughtException(thread, e);
            } else {
                System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                e.printStackTrace(System.err);
            }
        });
    }

    /**
     * What a stopped thread unwinds with. An {@link Error}, so {@code catch (Exception e)} in a cell does not swallow
     * it; a {@code catch (Throwable t)} inside a loop does, but the loop's next backward jump throws it again.
     */
    public static final class Stopped extends Error {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("the cell was interrupted", null, false, false);   // no stack trace: thrown in every cell thread
        }
    }
}
