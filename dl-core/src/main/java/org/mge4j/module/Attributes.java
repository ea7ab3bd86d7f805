package org.mge4j.module;

import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.mge4j.Tensor;

/**
 * How a module's attributes are found and expanded: MegEngine's {@code vars(self)}, {@code _expand_structure} and
 * {@code _flatten}, the one traversal every iterator, {@code stateDict} and the repr are built on.
 */
final class Attributes {
    private Attributes() {
    }

    /** One attribute of a module: its name in keys and its current value. */
    record Attr(String name, Object value) {
    }

    /** One leaf found by the traversal: its dotted key, the Tensor or Module, and the module holding it. */
    record Entry(String key, Object value, Module parent) {
    }

    /** A field of a module class with the name it is reported under. */
    private record FieldInfo(Field field, String name) {
    }

    private static final ClassValue<List<FieldInfo>> FIELDS = new ClassValue<>() {
        @Override
        protected List<FieldInfo> computeValue(Class<?> type) {
            return discoverFields(type);
        }
    };

    /** The attributes in declaration order (fields from the top superclass down, then registered ones). */
    static List<Attr> declared(Module m) {
        List<Attr> out = new ArrayList<>();
        for (FieldInfo f : FIELDS.get(m.getClass())) {
            try {
                out.add(new Attr(f.name(), f.field().get(m)));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot read field " + f.field() + " of a module", e);
            }
        }
        for (Map.Entry<String, Object> e : m.registered().entrySet()) {
            out.add(new Attr(e.getKey(), e.getValue()));
        }
        return out;
    }

    /** The attributes sorted by name (code point order, as Python's {@code sorted(vars(self))}). */
    static List<Attr> sorted(Module m) {
        List<Attr> out = declared(m);
        out.sort(Comparator.comparing(Attr::name));
        return out;
    }

    /** True when some field of the module's class is reported under {@code name}. */
    static boolean hasField(Class<?> type, String name) {
        return FIELDS.get(type).stream().anyMatch(f -> f.name().equals(name));
    }

    /**
     * Expands a value into its Tensor and Module leaves with dotted keys: lists and arrays by index, maps by sorted
     * key, anything else to nothing.
     */
    static void expand(String prefix, Object obj, List<Attr> out) {
        if (obj instanceof Tensor || obj instanceof Module) {
            out.add(new Attr(prefix, obj));
        } else if (obj instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                expand(prefix + "." + i, list.get(i), out);
            }
        } else if (obj instanceof Object[] array) {
            for (int i = 0; i < array.length; i++) {
                expand(prefix + "." + i, array[i], out);
            }
        } else if (obj instanceof Map<?, ?> map) {
            for (Object k : sortedKeys(map)) {
                List<Attr> sub = new ArrayList<>();
                expand(String.valueOf(k), map.get(k), sub);
                if (!sub.isEmpty() && !(k instanceof String)) {
                    throw new IllegalArgumentException("keys for Tensor and Module must be str, error key: " + k
                            + " (in attribute `" + prefix + "`; use String keys for maps of tensors or modules)");
                }
                for (Attr a : sub) {
                    out.add(new Attr(prefix + "." + a.name(), a.value()));
                }
            }
        }
    }

    /**
     * MegEngine's {@code _flatten}: a pre-order walk over sorted attribute names; {@code seen} (identity) is shared
     * by the whole walk so a shared tensor or reused module is reported once, under its first key.
     */
    static void flatten(Module m, boolean recursive, String prefix, Predicate<Object> predicate,
            Set<Object> seen, List<Entry> out) {
        String p = prefix == null ? "" : prefix + ".";
        for (Attr attr : sorted(m)) {
            List<Attr> leaves = new ArrayList<>();
            expand(attr.name(), attr.value(), leaves);
            for (Attr leaf : leaves) {
                if (!seen.add(leaf.value())) {
                    continue;
                }
                if (predicate.test(leaf.value())) {
                    out.add(new Entry(p + leaf.name(), leaf.value(), m));
                }
                if (recursive && leaf.value() instanceof Module child) {
                    flatten(child, true, p + leaf.name(), predicate, seen, out);
                }
            }
        }
    }

    /** A fresh identity set holding {@code self}, as MegEngine's {@code seen = set([id(self)])}. */
    static Set<Object> seenFrom(Module self) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.add(self);
        return seen;
    }

    /**
     * The reported name of a Java field: its {@link AttributeName} if any, else the camelCase name in snake_case
     * ({@code runningMean} to {@code running_mean}, {@code convBN} to {@code conv_bn}; {@code fc1} stays).
     */
    static String snakeCase(String javaName) {
        StringBuilder sb = new StringBuilder(javaName.length() + 4);
        for (int i = 0; i < javaName.length(); i++) {
            char c = javaName.charAt(i);
            if (Character.isUpperCase(c)) {
                boolean prevLowerOrDigit = i > 0 && (Character.isLowerCase(javaName.charAt(i - 1))
                        || Character.isDigit(javaName.charAt(i - 1)));
                boolean acronymEnd = i > 0 && Character.isUpperCase(javaName.charAt(i - 1))
                        && i + 1 < javaName.length() && Character.isLowerCase(javaName.charAt(i + 1));
                if (prevLowerOrDigit || acronymEnd) {
                    sb.append('_');
                }
                sb.append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static List<Object> sortedKeys(Map<?, ?> map) {
        List<Object> keys = new ArrayList<>(map.keySet());
        boolean allStrings = keys.stream().allMatch(k -> k instanceof String);
        if (allStrings) {
            keys.sort(Comparator.comparing(k -> (String) k));
        } else {
            // Python would compare mixed keys or fail; a stable order by class then text keeps the walk deterministic
            keys.sort(Comparator.comparing((Object k) -> k == null ? "" : k.getClass().getName())
                    .thenComparing(String::valueOf));
        }
        return keys;
    }

    private static List<FieldInfo> discoverFields(Class<?> type) {
        List<Class<?>> chain = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Module.class && c != Object.class; c = c.getSuperclass()) {
            chain.add(0, c);
        }
        List<FieldInfo> out = new ArrayList<>();
        for (Class<?> c : chain) {
            for (Field f : c.getDeclaredFields()) {
                int mod = f.getModifiers();
                if (Modifier.isStatic(mod) || Modifier.isTransient(mod) || f.isSynthetic()
                        || f.getType().isPrimitive()) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                } catch (InaccessibleObjectException e) {
                    throw new IllegalStateException("cannot read field `" + f.getName() + "` of " + c.getName()
                            + ": open its package to mge4j (opens " + c.getPackageName() + ")", e);
                }
                AttributeName named = f.getAnnotation(AttributeName.class);
                String name = named != null ? named.value() : snakeCase(f.getName());
                for (FieldInfo seen : out) {
                    if (seen.name().equals(name)) {
                        throw new IllegalStateException("two fields of " + type.getName() + " are both reported as `"
                                + name + "` (" + seen.field().getName() + " and " + f.getName()
                                + "); rename one or give it an @AttributeName");
                    }
                }
                out.add(new FieldInfo(f, name));
            }
        }
        return List.copyOf(out);
    }
}
