package org.mge4j.data;

/**
 * A dataset that cannot be read: files missing (the message says how to get them) or not in the expected format
 * (the message names the file and what is wrong).
 */
public class DatasetException extends RuntimeException {
    /** An error with a message that names the file and what to do. */
    public DatasetException(String message) {
        super(message);
    }

    /** An error with a message and the I/O error behind it. */
    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
