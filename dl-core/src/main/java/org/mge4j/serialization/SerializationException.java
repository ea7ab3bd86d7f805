package org.mge4j.serialization;

/**
 * A file could not be saved or loaded: it is corrupt, truncated, hostile, in an unsupported format, or holds
 * something mge4j refuses to build. The message names the problem (with the byte offset for pickles) and, where
 * there is one, what to do instead.
 */
public class SerializationException extends RuntimeException {
    /** An error with a message that says what went wrong and what to do. */
    public SerializationException(String message) {
        super(message);
    }

    /** An error caused by another one (an I/O error, for example). */
    public SerializationException(String message, Throwable cause) {
        super(message, cause);
    }
}
