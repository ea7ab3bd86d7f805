package org.mge4j.serialization;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import org.mge4j.serialization.pickle.PickleFile;
import org.mge4j.serialization.pickle.Unpickler;

/**
 * The built-in pickle {@link Codec}: {@link org.mge4j.serialization.pickle.Pickler} to write (with the checksum
 * trailer of {@link SaveOptions.Builder#checksums(boolean)}), the safe {@link Unpickler} to read, after the
 * trailer, when there is one, has been verified.
 */
public final class PickleCodec implements Codec {
    /** The one instance. */
    public static final PickleCodec INSTANCE = new PickleCodec();

    private PickleCodec() {
    }

    @Override
    public void write(Object obj, OutputStream out, SaveOptions options) throws IOException {
        PickleFile.write(obj, out, options.pickleProtocol(), options.checksums());
    }

    /** Writes to a file channel: tensor data goes from the tensors' memory to the file without a copy in Java. */
    void write(Object obj, FileChannel channel, SaveOptions options) throws IOException {
        PickleFile.write(obj, channel, options.pickleProtocol(), options.checksums());
    }

    @Override
    public Object read(byte[] data, LoadOptions options) {
        return PickleFile.read(data, options, "the pickle");
    }
}
