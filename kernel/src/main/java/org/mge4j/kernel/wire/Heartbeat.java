package org.mge4j.kernel.wire;

import org.zeromq.ZMQ;

/** Echoes heartbeat pings on its own thread, so a busy cell never looks like a dead kernel. */
public final class Heartbeat {
    private Heartbeat() {
    }

    /** Starts the echo thread on a bound REP socket; it ends when the socket's context closes. */
    public static Thread start(ZMQ.Socket rep) {
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    byte[] ping = rep.recv(0);
                    if (ping == null) {
                        return;
                    }
                    rep.send(ping, 0);
                }
            } catch (RuntimeException closed) {
                // context terminated: the kernel is shutting down
            }
        }, "mge4j-heartbeat");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
