package org.mge4j.kernel.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mge4j.kernel.wire.Frames;
import org.mge4j.kernel.wire.Message;
import org.mge4j.kernel.wire.MessageSigner;
import org.mge4j.kernel.wire.WireCodec;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A minimal Jupyter client over real ZeroMQ sockets, like jupyter_client's blocking client. */
final class TestClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final ZContext ctx = new ZContext();
    final ZMQ.Socket shell;
    final ZMQ.Socket control;
    final ZMQ.Socket stdin;
    final ZMQ.Socket iopub;
    final ZMQ.Socket hb;
    final WireCodec codec;
    final String session = UUID.randomUUID().toString();

    /** Everything one execute produced. */
    record Execution(Message reply, List<Message> iopub) {
        List<Message> of(String type) {
            return iopub.stream().filter(m -> m.type().equals(type)).toList();
        }

        String stdout() {
            StringBuilder sb = new StringBuilder();
            for (Message m : iopub) {
                if (m.type().equals("stream") && m.content().path("name").asText().equals("stdout")) {
                    sb.append(m.content().path("text").asText());
                }
            }
            return sb.toString();
        }

        String result() {
            List<Message> r = of("execute_result");
            return r.isEmpty() ? null : r.get(0).content().path("data").path("text/plain").asText();
        }

        String status() {
            return reply.content().path("status").asText();
        }
    }

    TestClient(KernelProcess k) {
        codec = new WireCodec(new MessageSigner(k.key));
        byte[] identity = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
        shell = connect(SocketType.DEALER, k.ports[0], identity);
        iopub = connect(SocketType.SUB, k.ports[1], null);
        iopub.subscribe(new byte[0]);
        stdin = connect(SocketType.DEALER, k.ports[2], identity);
        control = connect(SocketType.DEALER, k.ports[3], null);
        hb = connect(SocketType.REQ, k.ports[4], null);
    }

    private ZMQ.Socket connect(SocketType type, int port, byte[] identity) {
        ZMQ.Socket s = ctx.createSocket(type);
        s.setLinger(0);
        if (identity != null) {
            s.setIdentity(identity);
        }
        s.connect("tcp://127.0.0.1:" + port);
        return s;
    }

    Message request(String type, ObjectNode content) {
        ObjectNode header = Message.newHeader(type, session);
        return new Message(List.of(), header, JSON.createObjectNode(), JSON.createObjectNode(), content, List.of());
    }

    String send(ZMQ.Socket socket, Message m) {
        Frames.send(socket, codec.encode(m));
        return m.id();
    }

    Message receive(ZMQ.Socket socket, long timeoutMillis) {
        socket.setReceiveTimeOut((int) timeoutMillis);
        byte[] first = socket.recv(0);
        if (first == null) {
            throw new AssertionError("no message within " + timeoutMillis + " ms");
        }
        List<byte[]> frames = new ArrayList<>();
        frames.add(first);
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv(0));
        }
        try {
            return codec.decode(frames);
        } catch (WireCodec.BadMessageException e) {
            throw new AssertionError("kernel sent a bad message: " + e.getMessage());
        }
    }

    /** Waits for the reply to msgId on a socket, skipping others. */
    Message replyTo(ZMQ.Socket socket, String msgId, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            Message m = receive(socket, Math.max(1, deadline - System.currentTimeMillis()));
            if (m.parent().path("msg_id").asText().equals(msgId)) {
                return m;
            }
        }
    }

    /** IOPub messages whose parent is msgId, up to and including its idle status. */
    List<Message> iopubUntilIdle(String msgId, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        List<Message> out = new ArrayList<>();
        while (true) {
            Message m = receive(iopub, Math.max(1, deadline - System.currentTimeMillis()));
            if (!m.parent().path("msg_id").asText().equals(msgId)) {
                continue;
            }
            out.add(m);
            if (m.type().equals("status") && m.content().path("execution_state").asText().equals("idle")) {
                return out;
            }
        }
    }

    ObjectNode executeContent(String code) {
        ObjectNode c = JSON.createObjectNode();
        c.put("code", code);
        c.put("silent", false);
        c.put("store_history", true);
        c.putObject("user_expressions");
        c.put("allow_stdin", false);
        c.put("stop_on_error", true);
        return c;
    }

    Execution execute(String code) {
        return execute(executeContent(code));
    }

    Execution execute(ObjectNode content) {
        String id = send(shell, request("execute_request", content));
        Message reply = replyTo(shell, id, 30_000);
        return new Execution(reply, iopubUntilIdle(id, 10_000));
    }

    /** Sends kernel_info until the kernel answers (the IOPub subscription needs a moment to connect). */
    Message waitForReady(long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            String id = send(shell, request("kernel_info_request", JSON.createObjectNode()));
            try {
                Message reply = replyTo(shell, id, 1000);
                iopubUntilIdle(id, 500);
                return reply;
            } catch (AssertionError notYet) {
                if (System.currentTimeMillis() > deadline) {
                    throw notYet;
                }
            }
        }
    }

    @Override
    public void close() {
        ctx.close();
    }
}
