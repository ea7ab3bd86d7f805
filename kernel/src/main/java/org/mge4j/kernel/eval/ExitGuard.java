package org.mge4j.kernel.eval;

import org.mge4j.kernel.io.CellThreadGroup;

import java.security.Permission;

/**
 * Refuses System.exit and Runtime.halt from cell threads, so a cell cannot end the kernel. Everything else is
 * allowed. Needs a JVM that still permits a SecurityManager (JDK 17, or 18-23 with
 * {@code -Djava.security.manager=allow}, which the installed kernelspec passes).
 */
final class ExitGuard extends SecurityManager {

    /** Installs the guard; returns a warning to log when this JVM does not allow it. */
    @SuppressWarnings("removal")
    static String install() {
        try {
            System.setSecurityManager(new ExitGuard());
            return null;
        } catch (UnsupportedOperationException | SecurityException e) {
            return "System.exit in a cell will end the kernel: this JVM refuses a SecurityManager (" + e.getMessage()
                    + "); start the kernel with -Djava.security.manager=allow";
        }
    }

    @Override
    public void checkPermission(Permission perm) {
        // everything is allowed; only exit is guarded
    }

    @Override
    public void checkPermission(Permission perm, Object context) {
    }

    @Override
    public void checkExit(int status) {
        for (ThreadGroup g = Thread.currentThread().getThreadGroup(); g != null; g = g.getParent()) {
            if (g instanceof CellThreadGroup) {
                throw new SecurityException("System.exit(" + status + ") / Runtime.halt was called in a cell; the "
                        + "kernel keeps running with all its variables. To start afresh, use Kernel > Restart.");
            }
        }
    }
}
