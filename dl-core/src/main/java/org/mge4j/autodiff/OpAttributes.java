package org.mge4j.autodiff;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mge4j.Tensor;

/**
 * What an op was called with besides its tensors (strides, an axis, a shape), as a tracer needs it to replay or
 * export the op: values are {@code Long}, {@code Double}, {@code Boolean}, {@code String} or {@code long[]}.
 * An op whose graph inputs differ from its autograd inputs (batch_norm reads its running statistics, but sends
 * gradients only to x) names them with {@link #graphInputs}.
 */
public final class OpAttributes {
    private static final OpAttributes NONE = new OpAttributes();

    private final Map<String, Object> values = new LinkedHashMap<>();
    private Tensor[] graphInputs;

    private OpAttributes() {
    }

    /** No attributes. */
    public static OpAttributes none() {
        return NONE;
    }

    /** A new, empty set to add attributes to. */
    public static OpAttributes create() {
        return new OpAttributes();
    }

    /** Adds an integer attribute; returns this. */
    public OpAttributes with(String name, long value) {
        return put(name, value);
    }

    /** Adds a floating-point attribute; returns this. */
    public OpAttributes with(String name, double value) {
        return put(name, value);
    }

    /** Adds a boolean attribute; returns this. */
    public OpAttributes with(String name, boolean value) {
        return put(name, value);
    }

    /** Adds a string attribute; returns this. */
    public OpAttributes with(String name, String value) {
        return put(name, value);
    }

    /** Adds an integer-list attribute (copied); returns this. */
    public OpAttributes with(String name, int[] value) {
        return put(name, Arrays.stream(value).asLongStream().toArray());
    }

    /** Adds an integer-list attribute (copied); returns this. */
    public OpAttributes with(String name, long[] value) {
        return put(name, value.clone());
    }

    /** Names the op's inputs in the graph when they differ from the tensors it sends gradients to; returns this. */
    public OpAttributes graphInputs(Tensor... inputs) {
        this.graphInputs = inputs.clone();
        return this;
    }

    /** The graph inputs set with {@link #graphInputs}, or null when they are the autograd inputs. */
    public Tensor[] graphInputs() {
        return graphInputs == null ? null : graphInputs.clone();
    }

    /** The attributes by name, in the order they were added. */
    public Map<String, Object> asMap() {
        return Collections.unmodifiableMap(values);
    }

    private OpAttributes put(String name, Object value) {
        if (this == NONE) {
            throw new IllegalStateException("OpAttributes.none() is shared; start from OpAttributes.create()");
        }
        values.put(name, value);
        return this;
    }

    /** Equal names and values (lists compared element by element). */
    public static boolean sameValues(Map<String, Object> a, Map<String, Object> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<String, Object> e : a.entrySet()) {
            Object x = e.getValue();
            Object y = b.get(e.getKey());
            boolean same = x instanceof long[] lx && y instanceof long[] ly ? Arrays.equals(lx, ly) : x.equals(y);
            if (!same) {
                return false;
            }
        }
        return true;
    }

    /** {@code {stride=[1, 1], axis=1}}. */
    public static String format(Map<String, Object> attrs) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Object> e : attrs.entrySet()) {
            sb.append(sb.length() > 1 ? ", " : "").append(e.getKey()).append('=');
            sb.append(e.getValue() instanceof long[] l ? Arrays.toString(l) : String.valueOf(e.getValue()));
        }
        return sb.append('}').toString();
    }
}
