package org.mge4j.serialization;

import java.io.IOException;
import java.io.OutputStream;
import org.mge4j.serialization.torch.TorchWriter;
import org.mge4j.serialization.torch.TorchZip;

/**
 * PyTorch's {@code torch.save} zip ({@code .pt}, {@code .pth}) as a {@link Codec}: read weights-only style (state
 * dicts and checkpoints with views, shared storages, float16, bfloat16 as float32, int64), and written so
 * that {@code torch.load(path, weights_only=True)} accepts them.
 */
public final class TorchCodec implements Codec {
    /** The one instance. */
    public static final TorchCodec INSTANCE = new TorchCodec();

    private TorchCodec() {
    }

    @Override
    public void write(Object obj, OutputStream out, SaveOptions options) throws IOException {
        TorchWriter.write(obj, out);
    }

    @Override
    public Object read(byte[] data, LoadOptions options) {
        return TorchZip.read(data, options, "the torch.save file");
    }
}
