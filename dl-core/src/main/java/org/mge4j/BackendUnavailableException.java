package org.mge4j;

/**
 * ND4J's backend cannot start on this machine: the message says which backend, what is missing and what to use
 * instead (for the CUDA build on a machine without a GPU: the CPU build and its kernelspec).
 */
public class BackendUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message that says what to do. */
    public BackendUnavailableException(String message) {
        super(message);
    }
}
