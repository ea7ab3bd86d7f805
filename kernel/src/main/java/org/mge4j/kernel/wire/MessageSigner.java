package org.mge4j.kernel.wire;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * HMAC-SHA256 signatures over the raw header, parent, metadata and content frames.
 * An empty key disables signing, as the protocol specifies. Thread-safe: each call uses its own {@link Mac}.
 */
public final class MessageSigner {
    private final byte[] key;

    /** A signer for the connection file's key (empty: no signatures). */
    public MessageSigner(String key) {
        this.key = key.getBytes(StandardCharsets.UTF_8);
    }

    /** Lowercase hex HMAC of the frames, or "" when no key is set. */
    public String sign(byte[]... frames) {
        if (key.length == 0) {
            return "";
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] f : frames) {
                mac.update(f);
            }
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /** Whether the signature matches the frames, compared in constant time. */
    public boolean verify(byte[] signature, byte[]... frames) {
        if (key.length == 0) {
            return true;
        }
        byte[] expected = sign(frames).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signature);
    }
}
