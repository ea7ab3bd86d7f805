package org.mge4j.jit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mge4j.Tensor;

/**
 * The shape of a traced function's result, as MegEngine accepts it: nothing, a tensor, a list of tensors, or a
 * map of named tensors (whose names, sorted, become the output names).
 */
record Outputs(Form form, List<String> keys) {
    enum Form { NONE, TENSOR, LIST, MAP }

    /** The form of {@code result}, or an error naming what was returned instead. */
    static Outputs of(Object result) {
        if (result == null) {
            return new Outputs(Form.NONE, List.of());
        }
        if (result instanceof Tensor) {
            return new Outputs(Form.TENSOR, List.of());
        }
        if (result instanceof List<?> list) {
            for (Object o : list) {
                requireTensor(o, "list element");
            }
            return new Outputs(Form.LIST, List.of());
        }
        if (result instanceof Map<?, ?> map) {
            List<String> keys = new ArrayList<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("a traced function's output map must have String keys, got "
                            + e.getKey());
                }
                requireTensor(e.getValue(), "map value '" + key + "'");
                keys.add(key);
            }
            keys.sort(null);
            return new Outputs(Form.MAP, List.copyOf(keys));
        }
        throw new IllegalArgumentException("a traced function must return a Tensor, a List<Tensor> or a Map<String, Tensor>"
                + " (or null for none), got a " + result.getClass().getName());
    }

    private static void requireTensor(Object o, String what) {
        if (!(o instanceof Tensor)) {
            throw new IllegalArgumentException("a traced function's outputs must be tensors, but a " + what + " is "
                    + (o == null ? "null" : "a " + o.getClass().getName()));
        }
    }

    /** The output tensors of {@code result} in output order (map values by sorted key). */
    List<Tensor> tensors(Object result) {
        return switch (form) {
            case NONE -> List.of();
            case TENSOR -> List.of((Tensor) result);
            case LIST -> list(result);
            case MAP -> {
                List<Tensor> out = new ArrayList<>();
                Map<?, ?> map = (Map<?, ?>) result;
                for (String k : keys) {
                    out.add((Tensor) map.get(k));
                }
                yield out;
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static List<Tensor> list(Object result) {
        return new ArrayList<>((List<Tensor>) result);
    }

    /** A result of this form from output tensors. */
    Object rebuild(List<Tensor> tensors) {
        return switch (form) {
            case NONE -> null;
            case TENSOR -> tensors.get(0);
            case LIST -> List.copyOf(tensors);
            case MAP -> {
                Map<String, Tensor> out = new LinkedHashMap<>();
                for (int i = 0; i < keys.size(); i++) {
                    out.put(keys.get(i), tensors.get(i));
                }
                yield out;
            }
        };
    }

    static Map<String, Tensor> sorted(Map<String, Tensor> map) {
        return new TreeMap<>(map);
    }
}
