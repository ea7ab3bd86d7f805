package org.mge4j.kernel.cli;

/** A file that cannot be handled as asked (a value the target format cannot hold, a key clash): exit code 1. */
final class CliFailure extends RuntimeException {
    CliFailure(String message) {
        super(message);
    }
}
