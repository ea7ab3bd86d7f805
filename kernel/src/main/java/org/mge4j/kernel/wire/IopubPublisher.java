package org.mge4j.kernel.wire;

import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;

/**
 * Publishes IOPub messages from any thread. {@link #publish} only queues, so user threads (which may be interrupted
 * or stopped) never touch the ZeroMQ socket; the socket is used only by the thread holding {@link #sending}: the
 * owner thread, which sends in the background, or a kernel thread in {@link #drain}, which sends what is still queued
 * itself rather than waiting for the owner thread to be scheduled (that wait was most of the time between a cell's
 * end and its reply on a busy machine). Messages leave the queue only under that lock, so the order of
 * {@link #publish} calls is the order on the wire.
 */
public final class IopubPublisher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(IopubPublisher.class.getName());
    private final ArrayDeque<Message> queue = new ArrayDeque<>();     // guarded by this
    private final ReentrantLock sending = new ReentrantLock();        // whoever holds it owns the socket
    private final ZMQ.Socket socket;
    private final WireCodec codec;
    private final Thread owner;
    private volatile boolean running = true;

    /** Starts the owner thread for a bound PUB socket. */
    public IopubPublisher(ZMQ.Socket socket, WireCodec codec) {
        this.socket = socket;
        this.codec = codec;
        this.owner = new Thread(this::loop, "mge4j-iopub");
        owner.setDaemon(true);
        owner.start();
    }

    /** Queues a message; the topic frame is derived from its type. */
    public void publish(Message msg) {
        synchronized (this) {
            queue.add(msg);
            notifyAll();
        }
    }

    /**
     * Returns once every message queued so far has been handed to ZeroMQ, sending them on the calling thread; gives
     * up after the timeout if the socket stays busy. For kernel threads only (never a cell's thread).
     */
    public void drain(long timeoutMillis) {
        try {
            if (!sending.tryLock(timeoutMillis, TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            sendQueued();
        } finally {
            sending.unlock();
        }
    }

    private synchronized Message next() {
        return queue.poll();
    }

    /** Sends until the queue is empty; the caller holds {@link #sending}. */
    private void sendQueued() {
        Message m;
        while ((m = next()) != null) {
            try {
                Frames.send(socket, codec.encode(new Message(
                        List.of(("kernel." + m.type()).getBytes(StandardCharsets.UTF_8)),
                        m.header(), m.parent(), m.metadata(), m.content(), m.buffers())));
            } catch (RuntimeException e) {
                // one message that cannot go out (socket closed at shutdown) must not end the thread that sends it
                LOG.warning("IOPub message " + m.type() + " not sent: " + e);
            }
        }
    }

    private void loop() {
        while (true) {
            synchronized (this) {
                while (queue.isEmpty() && running) {
                    try {
                        wait(100);
                    } catch (InterruptedException e) {
                        // only close() ends this thread
                    }
                }
                if (queue.isEmpty()) {
                    return;                     // closed and nothing left
                }
            }
            drain(Long.MAX_VALUE);
        }
    }

    @Override
    public void close() {
        drain(1000);
        synchronized (this) {
            running = false;
            notifyAll();
        }
        try {
            owner.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
