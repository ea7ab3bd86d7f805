package org.mge4j.jit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A minimal protocol-buffers writer: varints, length-delimited fields and fixed32 floats, enough for ONNX. */
final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Field {@code field} as a varint (wire type 0). */
    Proto varint(int field, long value) {
        tag(field, 0);
        raw(value);
        return this;
    }

    /** Field {@code field} as a 32-bit float (wire type 5). */
    Proto float32(int field, float value) {
        tag(field, 5);
        int bits = Float.floatToIntBits(value);
        for (int i = 0; i < 4; i++) {
            out.write(bits >>> (8 * i));
        }
        return this;
    }

    /** Field {@code field} as bytes (wire type 2). */
    Proto bytes(int field, byte[] value) {
        tag(field, 2);
        raw(value.length);
        out.write(value, 0, value.length);
        return this;
    }

    /** Field {@code field} as a UTF-8 string. */
    Proto string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Field {@code field} as an embedded message. */
    Proto message(int field, Proto value) {
        return bytes(field, value.toByteArray());
    }

    /** Field {@code field} as a packed repeated varint. */
    Proto packed(int field, long[] values) {
        Proto p = new Proto();
        for (long v : values) {
            p.raw(v);
        }
        return bytes(field, p.toByteArray());
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void tag(int field, int wireType) {
        raw(((long) field << 3) | wireType);
    }

    private void raw(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
