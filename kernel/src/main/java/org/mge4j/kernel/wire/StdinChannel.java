package org.mge4j.kernel.wire;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.zeromq.ZMQ;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.logging.Logger;

/**
 * Asks the frontend for a line of input ({@code input_request} / {@code input_reply}).
 * One owner thread talks to the stdin ROUTER socket; callers wait on a future, so an interrupted or stopped
 * cell never leaves the socket half-used, and a late reply to an abandoned request is ignored.
 */
public final class StdinChannel implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StdinChannel.class.getName());

    private record Pending(Message request, CompletableFuture<String> answer) {
    }

    private final ZMQ.Socket socket;
    private final WireCodec codec;
    private final String session;
    private final ConcurrentLinkedQueue<Pending> outgoing = new ConcurrentLinkedQueue<>();
    private final ConcurrentHashMap<String, CompletableFuture<String>> waiting = new ConcurrentHashMap<>();
    private final Thread owner;
    private volatile boolean running = true;

    /** Starts the owner thread for a bound stdin ROUTER socket. */
    public StdinChannel(ZMQ.Socket socket, WireCodec codec, String session) {
        this.socket = socket;
        this.codec = codec;
        this.session = session;
        this.owner = new Thread(this::loop, "mge4j-stdin");
        owner.setDaemon(true);
        owner.start();
    }

    /**
     * Sends an input_request routed like {@code executeRequest} and blocks until the reply arrives.
     *
     * @throws InterruptedException if the cell is interrupted while waiting
     */
    public String requestInput(Message executeRequest, String prompt, boolean password) throws InterruptedException {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.put("prompt", prompt);
        content.put("password", password);
        Message req = new Message(executeRequest.identities(), Message.newHeader("input_request", session),
                executeRequest.header().deepCopy(), JsonNodeFactory.instance.objectNode(), content, List.of());
        CompletableFuture<String> answer = new CompletableFuture<>();
        waiting.put(req.id(), answer);
        outgoing.add(new Pending(req, answer));
        try {
            return answer.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("stdin channel failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            waiting.remove(req.id());
        }
    }

    private void loop() {
        while (running) {
            Pending p;
            while ((p = outgoing.poll()) != null) {
                Frames.send(socket, codec.encode(p.request()));
            }
            byte[] first;
            try {
                socket.setReceiveTimeOut(20);
                first = socket.recv(0);
            } catch (RuntimeException closed) {
                return;
            }
            if (first == null) {
                continue;
            }
            List<byte[]> frames = new java.util.ArrayList<>();
            frames.add(first);
            while (socket.hasReceiveMore()) {
                frames.add(socket.recv(0));
            }
            try {
                Message reply = codec.decode(frames);
                CompletableFuture<String> f = waiting.get(reply.parent().path("msg_id").asText());
                if (f == null && reply.parent().path("msg_id").asText("").isEmpty() && waiting.size() == 1) {
                    f = waiting.values().iterator().next();  // jupyter_client sends input_reply without a parent
                }
                if (f == null) {
                    LOG.info("ignoring " + reply.type() + " that answers no open input_request");
                } else {
                    f.complete(reply.content().path("value").asText(""));
                }
            } catch (WireCodec.BadMessageException e) {
                LOG.warning("dropped stdin message: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        waiting.values().forEach(f -> f.completeExceptionally(new IllegalStateException("kernel shutting down")));
    }
}
