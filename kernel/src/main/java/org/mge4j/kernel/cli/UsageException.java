package org.mge4j.kernel.cli;

/** The command line itself is wrong (unknown option, missing file name): exit code 2, with the usage to follow. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
