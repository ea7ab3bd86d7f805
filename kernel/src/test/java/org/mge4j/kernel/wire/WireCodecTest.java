package org.mge4j.kernel.wire;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WireCodecTest {
    private final WireCodec codec = new WireCodec(new MessageSigner("secret"));

    private Message sample() {
        return new Message(List.of("client-1".getBytes(StandardCharsets.US_ASCII)),
                Message.newHeader("execute_request", "s"), JsonNodeFactory.instance.objectNode(),
                JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.objectNode().put("code", "1+1"),
                List.of(new byte[] {1, 2, 3}));
    }

    @Test
    void encodedMessageDecodesToTheSameContentIdentitiesAndBuffers() throws Exception {
        Message back = codec.decode(codec.encode(sample()));
        assertEquals("1+1", back.content().path("code").asText());
        assertEquals("client-1", new String(back.identities().get(0), StandardCharsets.US_ASCII));
        assertEquals(3, back.buffers().get(0).length);
    }

    @Test
    void signatureIsTheLowercaseHexHmacSha256OfTheFourParts() {
        // value from Python: hmac.new(b"key", b"abcd", hashlib.sha256).hexdigest()
        String sig = new MessageSigner("key").sign("a".getBytes(), "b".getBytes(), "c".getBytes(), "d".getBytes());
        assertEquals("2a31ec0ee8d878c9eece9fb0df79b3b90b2256240163aa5ee50d176d3d1121f8", sig);
    }

    @Test
    void tamperedContentIsRefusedAsBadSignature() {
        List<byte[]> frames = codec.encode(sample());
        frames.set(frames.size() - 2, "{\"code\":\"System.exit(0)\"}".getBytes(StandardCharsets.UTF_8));
        WireCodec.BadMessageException e = assertThrows(WireCodec.BadMessageException.class, () -> codec.decode(frames));
        assertEquals("bad HMAC signature", e.getMessage());
    }

    @Test
    void messageSignedWithAnotherKeyIsRefused() {
        List<byte[]> frames = new WireCodec(new MessageSigner("other")).encode(sample());
        assertThrows(WireCodec.BadMessageException.class, () -> codec.decode(frames));
    }

    @Test
    void headerDateHasMicrosecondsAndUtcZone() {
        assertTrue(Message.now().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"), Message.now());
    }
}
