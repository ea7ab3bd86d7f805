package org.mge4j.kernel.cli;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mge4j.Tensor;
import org.mge4j.serialization.PickledObject;
import org.mge4j.serialization.PyTuple;
import org.mge4j.serialization.UntrustedObject;

/**
 * Walks what a file holds, depth first in file order, visiting each container and tensor once: one met again (a
 * tensor tied to two keys, a list the pickle memo shares) is reported as a reference to the path where it was
 * first met, so a hostile file whose shared lists would expand to 2^60 paths costs no more than its objects.
 *
 * <p>Paths join keys with dots ({@code model_state_dict.fc.weight}, list items by index), as state dicts name
 * parameters; the root's path is empty.
 */
final class ObjectWalker {
    /** What the walk reports. {@code key} is null for the root. */
    interface Visitor {
        /** A map, list, tuple, set or pickled object; returns false to skip its children (then no {@link #leave}). */
        boolean enter(Object key, String path, Object container, int depth);

        /** The end of a container's children. */
        void leave(Object container, int depth);

        /** A tensor, first met at {@code path}. */
        void tensor(Object key, String path, Tensor t, int depth);

        /** A null, Boolean, Number, String or byte[]. */
        void scalar(Object key, String path, Object value, int depth);

        /** A container or tensor met before, at {@code firstPath}. */
        void reference(Object key, String path, Object target, String firstPath, int depth);
    }

    private final Visitor visitor;
    private final IdentityHashMap<Object, String> seen = new IdentityHashMap<>();

    private ObjectWalker(Visitor visitor) {
        this.visitor = visitor;
    }

    /** Walks {@code root} with {@code visitor}. */
    static void walk(Object root, Visitor visitor) {
        new ObjectWalker(visitor).visit(null, "", root, 0);
    }

    private void visit(Object key, String path, Object v, int depth) {
        if (isScalar(v)) {
            visitor.scalar(key, path, v, depth);
            return;
        }
        boolean tracked = v instanceof Tensor || size(v) > 0;  // empty tuples are one shared instance: not a reference
        String first = tracked ? seen.get(v) : null;
        if (first != null) {
            visitor.reference(key, path, v, first, depth);
            return;
        }
        if (tracked) {
            seen.put(v, path);
        }
        if (v instanceof Tensor t) {
            visitor.tensor(key, path, t, depth);
            return;
        }
        if (!visitor.enter(key, path, v, depth)) {
            return;
        }
        for (Map.Entry<Object, Object> e : children(v)) {
            visit(e.getKey(), join(path, e.getKey()), e.getValue(), depth + 1);
        }
        visitor.leave(v, depth);
    }

    /** The (key, value) pairs under a container: map entries, list/tuple/set items by index, an object's parts. */
    static List<Map.Entry<Object, Object>> children(Object v) {
        List<Map.Entry<Object, Object>> out = new ArrayList<>();
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.add(new java.util.AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue()));
            }
        } else if (v instanceof List<?> || v instanceof Set<?>) {
            int i = 0;
            for (Object o : (Iterable<?>) v) {
                out.add(new java.util.AbstractMap.SimpleImmutableEntry<>(i++, o));
            }
        } else if (v instanceof UntrustedObject u) {
            addPart(out, "callee", u.callee());
            addPart(out, "args", u.args());
            addPart(out, "state", u.state());
        } else if (v instanceof PickledObject p) {
            addPart(out, "args", p.args());
            addPart(out, "state", p.state());
        }
        return out;
    }

    private static void addPart(List<Map.Entry<Object, Object>> out, String name, Object part) {
        if (part != null) {
            out.add(new java.util.AbstractMap.SimpleImmutableEntry<>(name, part));
        }
    }

    /** The number of children of a container (0 for anything else). */
    static int size(Object v) {
        if (v instanceof Map<?, ?> m) {
            return m.size();
        }
        if (v instanceof List<?> l) {
            return l.size();
        }
        if (v instanceof Set<?> s) {
            return s.size();
        }
        if (v instanceof UntrustedObject || v instanceof PickledObject) {
            return children(v).size();
        }
        return 0;
    }

    /** True for the leaf values a loaded file can hold: None, bool, int, float, str, bytes. */
    static boolean isScalar(Object v) {
        return v == null || v instanceof Boolean || v instanceof Number || v instanceof String || v instanceof byte[];
    }

    /** The path of {@code key} under {@code parent}: {@code parent.key}, or {@code key} at the root. */
    static String join(String parent, Object key) {
        String k = keyText(key);
        return parent.isEmpty() ? k : parent + "." + k;
    }

    /** A key as paths spell it: strings as they are, numbers and tuples as Python prints them. */
    static String keyText(Object key) {
        if (key instanceof String s) {
            return s;
        }
        if (key instanceof byte[] b) {
            return "bytes(" + b.length + ")";
        }
        return Scalars.repr(key);
    }

    /** Python's name for the kind of a value: dict, list, tuple, set, object, tensor, str, int, float, bool, none, bytes. */
    static String kind(Object v) {
        if (v == null) {
            return "none";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte || v instanceof BigInteger) {
            return "int";
        }
        if (v instanceof Number) {
            return "float";
        }
        if (v instanceof String) {
            return "str";
        }
        if (v instanceof byte[]) {
            return "bytes";
        }
        if (v instanceof Tensor) {
            return "tensor";
        }
        if (v instanceof Map<?, ?>) {
            return "dict";
        }
        if (v instanceof PyTuple) {
            return "tuple";
        }
        if (v instanceof List<?>) {
            return "list";
        }
        if (v instanceof Set<?>) {
            return "set";
        }
        if (v instanceof UntrustedObject || v instanceof PickledObject) {
            return "object";
        }
        return v.getClass().getSimpleName();
    }
}
