package org.mge4j.kernel.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns ZeroMQ multipart frames into {@link Message}s and back, checking signatures on the raw frames.
 */
public final class WireCodec {
    /** The delimiter between routing identities and the signed part. */
    public static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);

    private static final ObjectMapper JSON = new ObjectMapper();
    private final MessageSigner signer;

    /** A codec that signs and verifies with the given signer. */
    public WireCodec(MessageSigner signer) {
        this.signer = signer;
    }

    /** Why a multipart message was refused. */
    public static final class BadMessageException extends Exception {
        BadMessageException(String message) {
            super(message);
        }
    }

    /** Parses frames; refuses messages without delimiter, with a bad signature, or with invalid JSON. */
    public Message decode(List<byte[]> frames) throws BadMessageException {
        int d = -1;
        for (int i = 0; i < frames.size(); i++) {
            if (Arrays.equals(frames.get(i), DELIMITER)) {
                d = i;
                break;
            }
        }
        if (d < 0 || frames.size() < d + 6) {
            throw new BadMessageException("message has no <IDS|MSG> delimiter or fewer than 5 frames after it");
        }
        byte[] sig = frames.get(d + 1);
        byte[] h = frames.get(d + 2), p = frames.get(d + 3), m = frames.get(d + 4), c = frames.get(d + 5);
        if (!signer.verify(sig, h, p, m, c)) {
            throw new BadMessageException("bad HMAC signature");
        }
        try {
            return new Message(new ArrayList<>(frames.subList(0, d)), object(h), object(p), object(m), object(c),
                    new ArrayList<>(frames.subList(d + 6, frames.size())));
        } catch (Exception e) {
            throw new BadMessageException("invalid JSON in a message part: " + e.getMessage());
        }
    }

    /** Serializes and signs a message into frames. */
    public List<byte[]> encode(Message msg) {
        byte[] h = bytes(msg.header()), p = bytes(msg.parent()), m = bytes(msg.metadata()), c = bytes(msg.content());
        List<byte[]> frames = new ArrayList<>(msg.identities());
        frames.add(DELIMITER);
        frames.add(signer.sign(h, p, m, c).getBytes(StandardCharsets.US_ASCII));
        frames.add(h);
        frames.add(p);
        frames.add(m);
        frames.add(c);
        frames.addAll(msg.buffers());
        return frames;
    }

    private static ObjectNode object(byte[] json) throws java.io.IOException {
        JsonNode n = JSON.readTree(json);
        if (n == null || n.isMissingNode() || n.isNull()) {
            return JSON.createObjectNode();
        }
        if (!n.isObject()) {
            throw new java.io.IOException("expected a JSON object");
        }
        return (ObjectNode) n;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize message part", e);
        }
    }
}
