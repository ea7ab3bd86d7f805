package org.mge4j.module;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import org.mge4j.DType;
import org.mge4j.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/** MegEngine's {@code state_dict} / {@code load_state_dict}: one prefix-recursive walk, used both ways. */
final class StateDicts {
    private static final System.Logger LOG = System.getLogger(Module.class.getName());

    private StateDicts() {
    }

    /** A state entry: its key, the live tensor, and the module that holds it directly. */
    record Slot(String key, Tensor var, Module owner) {
    }

    /** Own direct tensors first (sorted), then each direct child (sorted) with prefix {@code key.}. */
    static void collect(Module m, String prefix, List<Slot> out) {
        List<Attributes.Entry> own = new ArrayList<>();
        Attributes.flatten(m, false, null, v -> v instanceof Tensor, Attributes.seenFrom(m), own);
        for (Attributes.Entry e : own) {
            out.add(new Slot(prefix + e.key(), (Tensor) e.value(), m));
        }
        List<Attributes.Entry> children = new ArrayList<>();
        Attributes.flatten(m, false, null, v -> v instanceof Module, Attributes.seenFrom(m), children);
        for (Attributes.Entry e : children) {
            collect((Module) e.value(), prefix + e.key() + ".", out);
        }
    }

    static Map<String, Tensor> stateDict(Module m) {
        List<Slot> slots = new ArrayList<>();
        collect(m, "", slots);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Slot s : slots) {
            Tensor copy = s.var().copy();
            if (s.owner() instanceof NormLayer) {
                copy = Tensor.wrap(copy.nd().reshape('c', new long[] {copy.size()})).to(s.var().device());
            }
            out.put(s.key(), copy);
        }
        return out;
    }

    static void load(Module m, Map<String, ?> values, boolean strict) {
        refuseCheckpoint(m, values);
        Outcome o = loadWith(m, (k, var) -> values.get(k));
        TreeSet<String> unused = new TreeSet<>(values.keySet());
        unused.removeAll(o.loaded());
        report(unused, o.skipped(), strict);
    }

    static void load(Module m, BiFunction<String, Tensor, ?> closure, boolean strict) {
        Outcome o = loadWith(m, closure);
        report(new TreeSet<>(), o.skipped(), strict);
    }

    /**
     * The guide's checkpoint mistake: {@code loadStateDict(ckpt)} where the state dict is one value of the map. Says
     * which key holds it (preferring one whose keys match the module's), before anything is loaded.
     */
    private static void refuseCheckpoint(Module m, Map<String, ?> values) {
        List<Slot> slots = new ArrayList<>();
        collect(m, "", slots);
        Set<String> own = new HashSet<>();
        slots.forEach(sl -> own.add(sl.key()));
        if (values.keySet().stream().anyMatch(own::contains)) {
            return;
        }
        String best = null;
        for (Map.Entry<String, ?> e : values.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> inner && inner.values().stream().anyMatch(v -> v instanceof Tensor || v instanceof INDArray)) {
                if (inner.keySet().stream().anyMatch(own::contains)) {
                    best = e.getKey();
                    break;
                }
                best = best == null ? e.getKey() : best;
            }
        }
        if (best != null) {
            throw new IllegalArgumentException("this looks like a checkpoint, not a state dict: its key '" + best
                    + "' holds a state dict (top-level keys: " + values.keySet() + "); call model.loadStateDict((Map) ckpt.get(\""
                    + best + "\"))");
        }
    }

    private record Outcome(Set<String> loaded, List<String> skipped) {
    }

    private static Outcome loadWith(Module m, BiFunction<String, Tensor, ?> closure) {
        List<Slot> slots = new ArrayList<>();
        collect(m, "", slots);
        Set<String> loaded = new HashSet<>();
        List<String> skipped = new ArrayList<>();
        for (Slot s : slots) {
            Object v = closure.apply(s.key(), s.var());
            if (v == null) {
                skipped.add(s.key());
                continue;
            }
            INDArray value = toNd(s.key(), v);
            value = convertDtype(value, s.var().dtype());
            long[] want = s.var().shape();
            long[] got = value.shape();
            if (!Arrays.equals(want, got)) {
                if (s.owner() instanceof NormLayer) {
                    if (s.var().size() != value.length()) {
                        throw new IllegalArgumentException("param `" + s.key() + "` size mismatch, should be "
                                + s.var().size() + ", get " + value.length());
                    }
                    value = value.dup('c').reshape('c', want);
                } else {
                    throw new IllegalArgumentException("param `" + s.key() + "` shape mismatch, should be "
                            + Tensor.shapeString(want) + ", get " + Tensor.shapeString(got));
                }
            }
            s.var().reset(value.dup('c'));
            loaded.add(s.key());
        }
        return new Outcome(loaded, skipped);
    }

    private static void report(TreeSet<String> unused, List<String> skipped, boolean strict) {
        List<String> missing = List.copyOf(new TreeSet<>(skipped));
        if (!unused.isEmpty()) {
            if (strict) {
                // MegEngine's text, then the missing keys too, so that one run shows everything wrong
                throw new StateDictKeyException("Unused params violate `strict=True`, unused=" + pySet(unused)
                        + (missing.isEmpty() ? "" : "; also missing=" + pySet(missing)), List.copyOf(unused), missing);
            }
            LOG.log(System.Logger.Level.WARNING, "Unused params in `strict=False` mode, unused=" + pySet(unused));
        }
        if (!missing.isEmpty()) {
            if (strict) {
                throw new StateDictKeyException("Missing params violate `strict=True`, missing=" + pySet(missing),
                        List.of(), missing);
            }
            LOG.log(System.Logger.Level.WARNING, "Missing params in `strict=False` mode, missing=" + pySet(missing));
        }
    }

    /** A Python set literal of strings, as MegEngine's messages print them: {@code {'a', 'b'}}. */
    static String pySet(Iterable<String> keys) {
        StringBuilder sb = new StringBuilder("{");
        for (String k : keys) {
            sb.append(sb.length() == 1 ? "" : ", ").append('\'').append(k).append('\'');
        }
        return sb.append('}').toString();
    }

    private static INDArray toNd(String key, Object v) {
        if (v instanceof Tensor t) {
            return t.nd();
        }
        if (v instanceof INDArray a) {
            return a;
        }
        if (v instanceof Number || v instanceof Boolean || v.getClass().isArray()) {
            return Tensor.of(v).nd();
        }
        throw new IllegalArgumentException("the value for `" + key + "` must be a Tensor, an INDArray, a number or"
                + " nested Java arrays, got " + v.getClass().getName() + ": " + v);
    }

    /**
     * MegEngine keeps the value's dtype but narrows float64 to float32 and int64 to int32; mge4j does the same unless
     * the tensor being loaded is itself 64-bit.
     */
    private static INDArray convertDtype(INDArray value, DType target) {
        DType d = DType.of(value.dataType());
        if (d == DType.FLOAT64 && target != DType.FLOAT64) {
            return value.castTo(DType.FLOAT32.nd4j());
        }
        if (d == DType.INT64 && target != DType.INT64) {
            return value.castTo(DType.INT32.nd4j());
        }
        return value;
    }
}
