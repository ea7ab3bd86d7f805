package org.mge4j.kernel.eval;

import org.mge4j.kernel.io.Cell;

import java.util.List;
import java.util.Optional;

/**
 * The language side of the kernel: runs cells and answers editor questions. The wire code only sees this
 * interface, never JShell. All methods except {@link #interrupt()} are called from the single shell thread.
 */
public interface Evaluator extends AutoCloseable {

    /** Runs the Java code of one cell; output goes to the cell's streams through System.out/err. */
    CellOutcome run(String code, Cell cell);

    /** Stops the running cell (busy loops and blocking calls alike); callable from any thread. */
    void interrupt();

    /** Completion candidates; positions are UTF-16 indices into {@code code}. */
    Completion complete(String code, int cursor);

    /** Documentation of the symbol at the cursor (UTF-16 index), if any. */
    Optional<Documentation> inspect(String code, int cursor);

    /** Whether {@code code} is a complete cell, as Jupyter's is_complete statuses. */
    Completeness isComplete(String code);

    /** Declared variables as "type name = value" lines, like JShell's /vars. */
    List<String> variables();

    /** Active imports as source lines, like JShell's /imports. */
    List<String> imports();

    /** Adds a jar or folder to both the compile and the run classpath. */
    void addToClasspath(String path);

    @Override
    void close();

    /**
     * Completion result.
     *
     * @param matches candidates without duplicates, best first
     * @param types   a kind per match (method, class, variable), same order
     * @param start   UTF-16 index where the replaced text starts
     */
    record Completion(List<String> matches, List<String> types, int start) {
    }

    /**
     * Documentation for a symbol.
     *
     * @param plain signature(s) and javadoc as text
     * @param html  the same as HTML
     */
    record Documentation(String plain, String html) {
    }

    /**
     * is_complete answer.
     *
     * @param status complete, incomplete, invalid or unknown
     * @param indent suggested indent for the next line (only when incomplete)
     */
    record Completeness(String status, String indent) {
    }
}
