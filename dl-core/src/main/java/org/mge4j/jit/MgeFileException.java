package org.mge4j.jit;

/** A {@code .mge} file that cannot be loaded: not one, a version this mge4j does not read, or damaged. */
public class MgeFileException extends RuntimeException {
    /** An error with the given message (which names the file and what is wrong). */
    public MgeFileException(String message) {
        super(message);
    }

    /** An error with the given message and cause. */
    public MgeFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
