package org.mge4j.kernel.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * A table from msg_type to handler. Every handled request is wrapped in {@code busy} / {@code idle}, and its reply
 * is sent after {@code idle} has gone out (the protocol allows either order; this one leaves clients nothing to wait
 * for after the reply); a handler that fails answers with {@code status: error} instead of leaving the frontend waiting.
 */
public final class MessageRouter {
    private java.util.function.Consumer<Request> beforeReply = r -> { };

    /** Runs after a request's handler and before its idle and reply go out. */
    void beforeReply(java.util.function.Consumer<Request> hook) {
        this.beforeReply = hook;
    }

    private static final Logger LOG = Logger.getLogger(MessageRouter.class.getName());

    /** Handles one request type. */
    @FunctionalInterface
    public interface Handler {
        /** Handles the request; should reply when the type is a *_request. */
        void handle(Request request) throws Exception;
    }

    private final Map<String, Handler> handlers = new HashMap<>();

    /** Registers a handler for a message type. */
    public MessageRouter on(String msgType, Handler handler) {
        handlers.put(msgType, handler);
        return this;
    }

    /** Dispatches a request, or logs and ignores an unknown type (the protocol allows that). */
    public void dispatch(Request request, Set<String> allowed) {
        String type = request.message().type();
        Handler h = handlers.get(type);
        if (h == null || (allowed != null && !allowed.contains(type))) {
            LOG.info("no handler for " + type + "; ignored");
            return;
        }
        request.status("busy");
        request.holdReply();
        try {
            h.handle(request);
        } catch (Exception | Error e) {
            // an Error from user code reached through a handler (a value's toString overflowing the stack) must not
            // end the loop that serves the socket
            LOG.severe("handler for " + type + " failed: " + e);
            if (!request.replied() && type.endsWith("_request")) {
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                ObjectNode c = request.content().objectNode();
                c.put("status", "error");
                c.put("ename", e.getClass().getSimpleName());
                c.put("evalue", "the kernel failed to handle " + type + ": " + e.getMessage());
                c.putArray("traceback").add(trace.toString());
                request.reply(type.replace("_request", "_reply"), c);
            }
        } finally {
            try {
                beforeReply.accept(request);
            } finally {
                request.finish();       // idle, then the reply: see Request.finish
            }
        }
    }
}
