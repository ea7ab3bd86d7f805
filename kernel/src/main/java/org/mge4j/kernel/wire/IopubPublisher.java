package org.mge4j.kernel.wire;

import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Publishes IOPub messages from any thread. Messages are queued and sent by one owner thread, so user threads
 * (which may be interrupted or stopped) never touch the ZeroMQ socket, and the order of {@link #publish} calls
 * is the order on the wire.
 */
public final class IopubPublisher implements AutoCloseable {
    private final BlockingQueue<Message> queue = new LinkedBlockingQueue<>();
    private final ZMQ.Socket socket;
    private final WireCodec codec;
    private final Thread owner;
    private volatile boolean running = true;
    private long queued;
    private long sent;

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
            queued++;
        }
        queue.add(msg);
    }

    /** Blocks until every message queued so far has been handed to ZeroMQ, or the timeout passes. */
    public void drain(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (this) {
            long target = queued;
            while (sent < target && owner.isAlive()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                try {
                    wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void loop() {
        while (running || !queue.isEmpty()) {
            Message m;
            try {
                m = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                continue;
            }
            if (m == null) {
                continue;
            }
            List<byte[]> frames = codec.encode(new Message(
                    List.of(("kernel." + m.type()).getBytes(StandardCharsets.UTF_8)),
                    m.header(), m.parent(), m.metadata(), m.content(), m.buffers()));
            Frames.send(socket, frames);
            synchronized (this) {
                sent++;
                notifyAll();
            }
        }
    }

    @Override
    public void close() {
        drain(1000);
        running = false;
        try {
            owner.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
