package org.mge4j.serialization;

import java.io.IOException;
import java.io.OutputStream;
import org.mge4j.Tensor;
import org.mge4j.serialization.numpy.NpyFormat;
import org.mge4j.serialization.numpy.NpzFormat;

/** The numpy formats as {@link Codec}s: {@link #NPY} holds one tensor, {@link #NPZ} a flat map of tensors. */
public final class NumpyCodec implements Codec {
    /** {@code .npy}: one tensor, loaded as a {@link Tensor}. */
    public static final NumpyCodec NPY = new NumpyCodec(false);
    /** {@code .npz}: a map of names to tensors (written stored, like {@code np.savez}; compressed files are read too). */
    public static final NumpyCodec NPZ = new NumpyCodec(true);

    private final boolean zip;

    private NumpyCodec(boolean zip) {
        this.zip = zip;
    }

    @Override
    public void write(Object obj, OutputStream out, SaveOptions options) throws IOException {
        if (zip) {
            NpzFormat.write(FlatTensors.of(obj, ".npz", null), out);
        } else if (obj instanceof Tensor t) {
            NpyFormat.write(t, out);
        } else {
            throw new SerializationException(".npy holds one tensor, not a " + (obj == null ? "null" : obj.getClass().getSimpleName())
                    + "; save a map of tensors as .npz or .safetensors, or any object as .pkl");
        }
    }

    @Override
    public Object read(byte[] data, LoadOptions options) {
        return zip ? NpzFormat.read(data, "the .npz file") : NpyFormat.read(data, 0, data.length, "the .npy file");
    }
}
