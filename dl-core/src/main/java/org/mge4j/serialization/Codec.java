package org.mge4j.serialization;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A way to turn an object graph into bytes and back: MegEngine's {@code pickle_module}. Give one to
 * {@link SaveOptions.Builder#codec} and {@link LoadOptions.Builder#codec} to replace the built-in formats.
 */
public interface Codec {
    /** Writes {@code obj} to {@code out}. */
    void write(Object obj, OutputStream out, SaveOptions options) throws IOException;

    /**
     * Reads one object from {@code data}.
     *
     * @throws SerializationException when the bytes are not a valid, safe file of this codec
     */
    Object read(byte[] data, LoadOptions options);
}
