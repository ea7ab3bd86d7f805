package org.mge4j.kernel.wire;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

/**
 * One Jupyter message: routing identities, the four JSON parts and binary buffers.
 *
 * @param identities routing prefix (ROUTER identities, or the IOPub topic)
 * @param header     msg_id, session, username, date, msg_type, version
 * @param parent     the header of the request this message answers ({} if none)
 * @param metadata   usually {}
 * @param content    the message body
 * @param buffers    raw binary frames after the content
 */
public record Message(List<byte[]> identities, ObjectNode header, ObjectNode parent, ObjectNode metadata,
                      ObjectNode content, List<byte[]> buffers) {

    /** The protocol version this kernel speaks. */
    public static final String PROTOCOL_VERSION = "5.3";

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'");

    /** The message type from the header, e.g. {@code execute_request}. */
    public String type() {
        return header.path("msg_type").asText("");
    }

    /** The message id from the header. */
    public String id() {
        return header.path("msg_id").asText("");
    }

    /** Current time as ISO 8601 UTC with microseconds, e.g. 2025-01-02T03:04:05.123456Z. */
    public static String now() {
        return DATE.format(ZonedDateTime.now(ZoneOffset.UTC));
    }

    /** A new header for a message this kernel sends. */
    public static ObjectNode newHeader(String msgType, String session) {
        ObjectNode h = JsonNodeFactory.instance.objectNode();
        h.put("msg_id", UUID.randomUUID().toString());
        h.put("session", session);
        h.put("username", "kernel");
        h.put("date", now());
        h.put("msg_type", msgType);
        h.put("version", PROTOCOL_VERSION);
        return h;
    }
}
