package org.mge4j.kernel.protocol;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mge4j.kernel.wire.Frames;
import org.mge4j.kernel.wire.IopubPublisher;
import org.mge4j.kernel.wire.Message;
import org.mge4j.kernel.wire.WireCodec;
import org.zeromq.ZMQ;

import java.util.List;

/**
 * A request being handled, with the means to answer it: a reply on the socket it came from (only from that
 * socket's owner thread) and IOPub messages whose parent is the request.
 */
public final class Request {
    private final Message message;
    private final ZMQ.Socket socket;
    private final WireCodec codec;
    private final IopubPublisher iopub;
    private final String session;
    private static final long IOPUB_DRAIN_MILLIS = 2000;

    private boolean replied;
    private boolean holdReply;
    private boolean finished;
    private String heldType;
    private ObjectNode heldContent;

    Request(Message message, ZMQ.Socket socket, WireCodec codec, IopubPublisher iopub, String session) {
        this.message = message;
        this.socket = socket;
        this.codec = codec;
        this.iopub = iopub;
        this.session = session;
    }

    /** The request message. */
    /** The socket the request came in on (its replies go back on it). */
    ZMQ.Socket socket() {
        return socket;
    }

    public Message message() {
        return message;
    }

    /** The request content. */
    public ObjectNode content() {
        return message.content();
    }

    /** The kernel session id. */
    public String session() {
        return session;
    }

    /** The publisher for IOPub. */
    public IopubPublisher iopub() {
        return iopub;
    }

    /** Whether a reply has been sent (or is held until {@link #finish()}). */
    public boolean replied() {
        return replied;
    }

    /** From now on {@link #reply} holds the reply until {@link #finish()} (the router does this for every request). */
    void holdReply() {
        holdReply = true;
    }

    /** Sends the reply on the request's socket, routed back to the sender (when held: at {@link #finish()}). */
    public void reply(String msgType, ObjectNode content) {
        replied = true;
        if (holdReply) {
            heldType = msgType;
            heldContent = content;
        } else {
            send(msgType, content);
        }
    }

    /**
     * Publishes {@code status: idle}, waits until IOPub has handed it (and every output before it) to ZeroMQ, then
     * sends the held reply. A client that reads the reply and then IOPub finds the outputs and idle already there,
     * however late this process is scheduled (jupyter_kernel_test allows 0.1 s per IOPub message after the reply).
     * Runs once; later calls do nothing.
     */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        status("idle");
        if (heldType != null) {
            iopub.drain(IOPUB_DRAIN_MILLIS);
            send(heldType, heldContent);
        }
    }

    private void send(String msgType, ObjectNode content) {
        Frames.send(socket, codec.encode(new Message(message.identities(), Message.newHeader(msgType, session),
                message.header().deepCopy(), JsonNodeFactory.instance.objectNode(), content, List.of())));
    }

    /** Publishes on IOPub with this request as parent. */
    public void publish(String msgType, ObjectNode content) {
        iopub.publish(new Message(List.of(), Message.newHeader(msgType, session), message.header().deepCopy(),
                JsonNodeFactory.instance.objectNode(), content, List.of()));
    }

    /** Publishes {@code status: busy|idle}. */
    public void status(String state) {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("execution_state", state);
        publish("status", c);
    }

    /** A fresh object with {@code status: ok}. */
    public static ObjectNode ok() {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("status", "ok");
        return c;
    }
}
