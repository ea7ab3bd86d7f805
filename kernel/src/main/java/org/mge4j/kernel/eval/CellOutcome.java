package org.mge4j.kernel.eval;

import java.util.List;

/** What running a cell produced: a value to display, nothing, or a failure to report. */
public sealed interface CellOutcome {

    /** The cell ended with an expression; {@code value} is the live object (may be null). */
    record Value(Object value) implements CellOutcome {
    }

    /** The cell ran and has nothing to display (declarations, statements, void calls). */
    record Nothing() implements CellOutcome {
    }

    /**
     * The cell failed: a compile error, an exception, or an interrupt.
     *
     * @param ename     exception class name (or CompileError / Interrupted)
     * @param evalue    message
     * @param traceback lines to show, trimmed to the user's code
     */
    record Failure(String ename, String evalue, List<String> traceback) implements CellOutcome {
    }
}
