package org.mge4j.serialization;

import java.io.OutputStream;
import org.mge4j.serialization.torch.TorchZip;

/**
 * PyTorch's {@code torch.save} zip ({@code .pt}, {@code .pth}) as a {@link Codec}: read weights-only style (state
 * dicts and checkpoints with views, shared storages, float16, bfloat16 as float32, int64). Writing .pt files is
 * not implemented yet and says so.
 */
public final class TorchCodec implements Codec {
    /** The one instance. */
    public static final TorchCodec INSTANCE = new TorchCodec();

    private TorchCodec() {
    }

    @Override
    public void write(Object obj, OutputStream out, SaveOptions options) {
        throw new SerializationException("writing PyTorch .pt files is not implemented yet in mge4j; save a state dict as "
                + ".safetensors (torch reads it with safetensors.torch.load_file) or as .pkl");
    }

    @Override
    public Object read(byte[] data, LoadOptions options) {
        return TorchZip.read(data, options, "the torch.save file");
    }
}
