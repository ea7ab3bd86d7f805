package org.mge4j.serialization;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mge4j.serialization.safetensors.Safetensors;

/**
 * safetensors as a {@link Codec}. Saving takes a flat map of tensors; an entry {@code "__metadata__"} holding a
 * {@code Map<String, String>} becomes the file's metadata. Loading returns the tensors only (so that
 * {@code model.loadStateDict(Mge.load("x.safetensors"))} works); read the metadata with {@link Safetensors#read}.
 */
public final class SafetensorsCodec implements Codec {
    /** The one instance. */
    public static final SafetensorsCodec INSTANCE = new SafetensorsCodec();

    private SafetensorsCodec() {
    }

    @Override
    public void write(Object obj, OutputStream out, SaveOptions options) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (obj instanceof Map<?, ?> m && m.containsKey(Safetensors.METADATA)) {
            if (!(m.get(Safetensors.METADATA) instanceof Map<?, ?> md)) {
                throw new SerializationException("safetensors __metadata__ must be a Map<String, String>");
            }
            for (Map.Entry<?, ?> e : md.entrySet()) {
                if (!(e.getKey() instanceof String k) || !(e.getValue() instanceof String v)) {
                    throw new SerializationException("safetensors __metadata__ must map strings to strings; entry " + e + " does not");
                }
                metadata.put(k, v);
            }
        }
        Safetensors.write(FlatTensors.of(obj, ".safetensors", Safetensors.METADATA), metadata, out);
    }

    @Override
    public Object read(byte[] data, LoadOptions options) {
        return Safetensors.read(data, "the .safetensors file").tensors();
    }
}
