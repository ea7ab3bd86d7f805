package org.mge4j.serialization;

import java.io.IOException;
import java.io.OutputStream;
import org.mge4j.serialization.pickle.Pickler;
import org.mge4j.serialization.pickle.Unpickler;

/** The built-in pickle {@link Codec}: {@link Pickler} to write, the safe {@link Unpickler} to read. */
public final class PickleCodec implements Codec {
    /** The one instance. */
    public static final PickleCodec INSTANCE = new PickleCodec();

    private PickleCodec() {
    }

    @Override
    public void write(Object obj, OutputStream out, SaveOptions options) throws IOException {
        Pickler.dump(obj, out, options.pickleProtocol());
    }

    @Override
    public Object read(byte[] data, LoadOptions options) {
        return Unpickler.load(data, options);
    }
}
