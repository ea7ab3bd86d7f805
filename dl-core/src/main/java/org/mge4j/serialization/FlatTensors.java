package org.mge4j.serialization;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mge4j.Tensor;

/** Turns what a user passes to {@code Mge.save} into the flat name-to-tensor map that .npz and .safetensors hold. */
final class FlatTensors {
    private FlatTensors() {
    }

    /**
     * The tensors of a flat map, in its order; {@code skip} is a key left out (null for none).
     *
     * @throws SerializationException naming the first key whose value is not a tensor, with what to do instead
     */
    static Map<String, Tensor> of(Object obj, String format, String skip) {
        if (!(obj instanceof Map<?, ?> map)) {
            throw new SerializationException(format + " holds a flat map of names to tensors, not a "
                    + (obj == null ? "null" : obj.getClass().getSimpleName())
                    + "; save a Map<String, Tensor> such as model.stateDict(), or use .pkl for any object");
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String k)) {
                throw new SerializationException(format + " keys must be strings, got " + e.getKey());
            }
            if (k.equals(skip)) {
                continue;
            }
            if (!(e.getValue() instanceof Tensor t)) {
                Object v = e.getValue();
                throw new SerializationException(format + " holds only tensors, but key '" + k + "' holds a "
                        + (v == null ? "null" : v.getClass().getSimpleName())
                        + (v instanceof Map ? " (a nested map: a checkpoint? save it as .pkl or .pt, or save its state dict alone)"
                        : "; save checkpoints with epochs, losses or optimizer state as .pkl"));
            }
            out.put(k, t);
        }
        return out;
    }
}
