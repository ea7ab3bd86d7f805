package org.mge4j.kernel.wire;

import org.zeromq.ZMQ;

import java.util.ArrayList;
import java.util.List;

/** Multipart send and receive on a JeroMQ socket. */
public final class Frames {
    private Frames() {
    }

    /** Receives all parts of one message (the socket must be readable). */
    public static List<byte[]> receive(ZMQ.Socket socket) {
        List<byte[]> frames = new ArrayList<>();
        do {
            byte[] f = socket.recv(0);
            if (f == null) {
                break;
            }
            frames.add(f);
        } while (socket.hasReceiveMore());
        return frames;
    }

    /**
     * Receives one message, waiting at most {@code timeoutMillis} (0: only if one is already queued).
     * Returns null when none arrived.
     */
    public static List<byte[]> receive(ZMQ.Socket socket, int timeoutMillis) {
        byte[] first;
        if (timeoutMillis <= 0) {
            first = socket.recv(ZMQ.DONTWAIT);
        } else {
            socket.setReceiveTimeOut(timeoutMillis);
            first = socket.recv(0);
        }
        if (first == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>();
        frames.add(first);
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv(0));
        }
        return frames;
    }

    /** Sends all parts as one message. */
    public static void send(ZMQ.Socket socket, List<byte[]> frames) {
        for (int i = 0; i < frames.size(); i++) {
            socket.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0);
        }
    }
}
