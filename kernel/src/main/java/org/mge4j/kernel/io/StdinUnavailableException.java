package org.mge4j.kernel.io;

/** Thrown to user code that reads System.in when the frontend did not allow stdin for this cell. */
public final class StdinUnavailableException extends IllegalStateException {
    /** The standard explanation. */
    public StdinUnavailableException() {
        super("Input from stdin is not available: this client sent allow_stdin=false (nbconvert and nbclient always do)."
                + " Pass the value in code instead, or run the cell in an interactive frontend (Jupyter, jupyter console).");
    }
}
