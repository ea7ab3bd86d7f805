package org.mge4j.serialization.pickle;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mge4j.DType;
import org.mge4j.Parameter;
import org.mge4j.Tensor;
import org.mge4j.serialization.LoadOptions;
import org.mge4j.serialization.PyTuple;
import org.mge4j.serialization.RefusedGlobalException;
import org.mge4j.serialization.SerializationException;
import org.mge4j.serialization.numpy.ArrayBytes;
import org.mge4j.serialization.numpy.NumpyDtype;
import org.mge4j.serialization.torch.TorchStorage;
import org.mge4j.serialization.torch.TorchTensors;

/**
 * The allowlist of pickle globals and the hand-written meaning of each: what a state dict, an optimizer state or a
 * checkpoint needs (OrderedDict, numpy arrays, dtypes and scalars, MegEngine tensors, sets, bytes). A global is a
 * name looked up here, never imported; any other name is refused, and the modules that can run programs cannot
 * even be trusted.
 */
final class SafeGlobals {
    static final String RECONSTRUCT = "_reconstruct";
    private static final Set<String> ALLOWED = Set.of(
            "collections.OrderedDict",
            "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct",
            "numpy.ndarray", "numpy.dtype",
            "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar",
            "numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer",
            "_codecs.encode",
            "builtins.set", "builtins.frozenset", "builtins.bytearray", "builtins.bytes",
            "megengine.tensor.Tensor", "megengine.tensor.Parameter",
            "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter");
    private static final Set<String> BLOCKED_MODULES = Set.of("os", "sys", "posix", "nt", "subprocess", "builtins",
            "__builtin__", "shutil", "socket", "importlib", "runpy", "pickle", "_pickle", "pty", "ctypes", "marshal",
            "code", "codeop", "pdb", "commands", "webbrowser", "multiprocessing", "signal", "_io", "io", "types");

    private SafeGlobals() {
    }

    /**
     * Accepts or refuses a global named by GLOBAL or STACK_GLOBAL; under {@link LoadOptions#inertGlobals()} one
     * that would be refused becomes a {@link Pending.Inert} name instead.
     *
     * @throws RefusedGlobalException when the name is neither allowlisted nor trusted
     */
    static Object lookup(String module, String name, LoadOptions options, long offset) {
        if (module.equals("__builtin__")) {
            module = "builtins"; // Python 2 name, written by fix_imports at protocol < 3
        }
        String full = module + "." + name;
        if (isAllowed(full)) {
            return new Pending.GlobalRef(module, name);
        }
        if (options.inertGlobals() && !options.trusts(full)) {
            return new Pending.Inert(full, null, null); // a name to show, never looked up
        }
        String top = module.contains(".") ? module.substring(0, module.indexOf('.')) : module;
        if (BLOCKED_MODULES.contains(top) || name.contains("\n") || name.startsWith("__")) {
            throw new RefusedGlobalException(full, "refused to load global '" + full + "' (pickle byte " + offset
                    + "): module '" + top + "' can run programs or read files, so it cannot be trusted even on request. "
                    + "A state dict or checkpoint never needs it; this file is broken or malicious.");
        }
        if (options.trusts(full)) {
            return new Pending.GlobalRef(module, name);
        }
        if (ModelReader.acceptsGlobal(full, options)) {
            return new Pending.GlobalRef(module, name); // maybe a whole model's class: judged once the file is read
        }
        throw refused(full, " (pickle byte " + offset + ")");
    }

    private static boolean isAllowed(String full) {
        return ALLOWED.contains(full) || TorchStorage.isStorageClass(full);
    }

    /** The refusal of a global that is neither allowlisted nor trusted; {@code where} locates it or is empty. */
    static RefusedGlobalException refused(String full, String where) {
        return new RefusedGlobalException(full, "refused to load global '" + full + "'" + where
                + ": it is not one of the globals a state dict or checkpoint needs (OrderedDict, numpy arrays, MegEngine tensors), "
                + "and building it could run code. If you trust this file and this class, allow it with "
                + "LoadOptions.builder().trust(\"" + full + "\").build(); it then loads as an inert PickledObject. "
                + "Better: save and load state dicts (model.stateDict()), which need no classes.");
    }

    /** REDUCE: {@code callable(*args)} for an allowlisted or trusted callable. */
    static Object call(Pending.GlobalRef g, PyTuple args, Unpickler u) {
        String full = g.full();
        switch (full) {
            case "collections.OrderedDict": {
                LinkedHashMap<Object, Object> map = u.newOrderedDict();
                if (args.size() == 1 && args.get(0) instanceof List<?> pairs) {
                    for (Object p : pairs) {
                        if (!(p instanceof List<?> kv) || kv.size() != 2) {
                            throw u.corrupt("OrderedDict(...) needs (key, value) pairs, got " + describe(p));
                        }
                        u.checkHashable(kv.get(0), 0);
                        map.put(kv.get(0), kv.get(1));
                    }
                } else if (!args.isEmpty()) {
                    throw u.corrupt("OrderedDict takes no arguments or a list of pairs, got " + args.size() + " arguments");
                }
                return map;
            }
            case "numpy.core.multiarray._reconstruct":
            case "numpy._core.multiarray._reconstruct":
                if (args.size() != 3 || !(args.get(0) instanceof Pending.GlobalRef cls) || !cls.full().equals("numpy.ndarray")) {
                    throw u.corrupt("_reconstruct must be called as _reconstruct(numpy.ndarray, shape, typecode), got " + describe(args));
                }
                return new Pending.Array();
            case "numpy.dtype": {
                if (args.isEmpty() || !(args.get(0) instanceof String s)) {
                    throw u.corrupt("numpy.dtype needs a type string such as 'f4', got " + describe(args));
                }
                if (s.length() > 64) {
                    throw u.corrupt("numpy dtype string of " + s.length() + " characters is not a dtype");
                }
                return new Pending.Dtype(NumpyDtype.parse(s));
            }
            case "numpy.core.multiarray.scalar":
            case "numpy._core.multiarray.scalar":
                return scalar(args, u);
            case "numpy.core.numeric._frombuffer":
            case "numpy._core.numeric._frombuffer":
                return frombuffer(args, u);
            case "_codecs.encode": {
                if (args.size() != 2 || !(args.get(0) instanceof String text) || !(args.get(1) instanceof String enc)
                        || !(enc.equals("latin1") || enc.equals("latin-1"))) {
                    throw u.corrupt("_codecs.encode is only accepted as encode(str, 'latin1'), got " + describe(args));
                }
                byte[] out = new byte[text.length()];
                for (int i = 0; i < out.length; i++) {
                    char c = text.charAt(i);
                    if (c > 0xFF) {
                        throw u.corrupt("_codecs.encode(..., 'latin1') of a character above U+00FF");
                    }
                    out[i] = (byte) c;
                }
                return out;
            }
            case "builtins.set":
            case "builtins.frozenset": {
                Set<Object> set = new LinkedHashSet<>();
                if (args.size() == 1 && args.get(0) instanceof List<?> items) {
                    for (Object o : items) {
                        u.checkHashable(o, 0);
                        set.add(o);
                    }
                } else if (!args.isEmpty()) {
                    throw u.corrupt(full + " takes a list, got " + describe(args));
                }
                return full.endsWith("frozenset") ? Collections.unmodifiableSet(set) : u.newSet(set);
            }
            case "builtins.bytes":
            case "builtins.bytearray":
                if (args.isEmpty()) {
                    return new byte[0];
                }
                if (args.size() == 1 && args.get(0) instanceof byte[] b) {
                    return b.clone();
                }
                throw u.corrupt(full + " is only accepted with no argument or a bytes argument, got " + describe(args));
            case "torch._utils._rebuild_tensor_v2":
                // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
                if (args.size() < 4 || !(args.get(0) instanceof TorchStorage st) || !(args.get(1) instanceof Number off)
                        || !(args.get(2) instanceof List<?> size) || !(args.get(3) instanceof List<?> stride)) {
                    throw u.corrupt("_rebuild_tensor_v2 needs (storage, offset, size, stride, ...), got " + describe(args));
                }
                return TorchTensors.rebuild(st, off.longValue(), size, stride);
            case "torch._utils._rebuild_parameter":
                if (args.size() < 2 || !(args.get(0) instanceof Tensor data)) {
                    throw u.corrupt("_rebuild_parameter needs (tensor, requires_grad, hooks), got " + describe(args));
                }
                return new Parameter(data);
            default:
                if (u.options().trusts(full)) {
                    return new Pending.TrustedObject(full, args);
                }
                if (isAllowed(full)) {
                    throw u.corrupt("calling " + full + " is not supported (REDUCE)");
                }
                // accepted only as a model's class, which is created (NEWOBJ), never called
                throw refused(full, " (pickle byte " + u.opStart() + ", called with REDUCE)");
        }
    }

    /** NEWOBJ: {@code cls.__new__(cls, *args)}. */
    static Object newObject(Pending.GlobalRef g, PyTuple args, Unpickler u) {
        String full = g.full();
        if (full.equals("megengine.tensor.Tensor") || full.equals("megengine.tensor.Parameter")) {
            Pending.MgeTensor t = new Pending.MgeTensor(full.endsWith("Parameter"));
            if (!args.isEmpty()) {
                t.data = args.get(0);
            }
            if (args.size() > 2) {
                if (!(args.get(2) instanceof String device) && args.get(2) != null) {
                    throw u.corrupt("a MegEngine tensor's device must be a string such as 'cpu0:0', got " + describe(args.get(2)));
                }
                t.device = (String) args.get(2);
            }
            if (args.size() > 5 && args.get(5) instanceof String name) {
                t.name = name;
            }
            return t;
        }
        if (full.equals("collections.OrderedDict") && args.isEmpty()) {
            return u.newOrderedDict();
        }
        if (u.options().trusts(full) || !isAllowed(full) && ModelReader.acceptsGlobal(full, u.options())) {
            return new Pending.TrustedObject(full, args);
        }
        throw u.corrupt("creating a " + full + " with NEWOBJ is not supported");
    }

    private static Object scalar(PyTuple args, Unpickler u) {
        if (args.size() != 2 || !(args.get(0) instanceof Pending.Dtype d) || !(args.get(1) instanceof byte[] raw)) {
            throw u.corrupt("numpy scalar must be scalar(dtype, bytes), got " + describe(args));
        }
        DType dt = d.dtype.dtype();
        if (raw.length != dt.itemSize()) {
            throw u.corrupt("numpy " + dt + " scalar needs " + dt.itemSize() + " bytes, got " + raw.length);
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(d.dtype.order());
        switch (dt) {
            case FLOAT32: return b.getFloat();
            case FLOAT64: return b.getDouble();
            case FLOAT16: return (float) ArrayBytes.toTensor(raw, d.dtype, new long[0], 'C').itemDouble();
            case INT32: return b.getInt();
            case INT64: return b.getLong();
            case INT8: return (int) raw[0];
            case UINT8: return raw[0] & 0xFF;
            case BOOL: return raw[0] != 0;
            default: throw u.corrupt("unsupported numpy scalar dtype " + dt);
        }
    }

    private static Object frombuffer(PyTuple args, Unpickler u) {
        if (args.size() < 4 || args.size() > 5 || !(args.get(0) instanceof byte[] buf) || !(args.get(1) instanceof Pending.Dtype d)
                || !(args.get(2) instanceof List<?> shapeList) || !(args.get(3) instanceof String order)) {
            throw u.corrupt("_frombuffer must be _frombuffer(buffer, dtype, shape, order[, axis_order]), got " + describe(args));
        }
        long[] shape = u.shape(shapeList);
        if (order.equals("C") || order.equals("F")) {
            return ArrayBytes.toTensor(buf, d.dtype, shape, order.charAt(0));
        }
        if (!order.equals("K") || args.size() != 5 || !(args.get(4) instanceof List<?> axes) || axes.size() != shape.length) {
            throw u.corrupt("_frombuffer order must be 'C', 'F', or 'K' with an axis order, got " + describe(order));
        }
        long[] axisOrder = u.shape(axes);
        int[] perm = new int[axisOrder.length];
        boolean[] seen = new boolean[perm.length];
        for (int i = 0; i < perm.length; i++) {
            if (axisOrder[i] >= perm.length || seen[(int) axisOrder[i]]) {
                throw u.corrupt("_frombuffer axis order " + axes + " is not a permutation");
            }
            perm[i] = (int) axisOrder[i];
            seen[perm[i]] = true;
        }
        Tensor c = ArrayBytes.toTensor(buf, d.dtype, shape, 'C');
        return Tensor.wrap(c.nd().permute(perm).dup('c'));
    }

    static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof byte[] b) {
            return "bytes of length " + b.length;
        }
        if (o instanceof String || o instanceof Number || o instanceof Boolean || o instanceof BigInteger) {
            String s = String.valueOf(o);
            return s.length() > 60 ? s.substring(0, 60) + "..." : s;
        }
        if (o instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < Math.min(l.size(), 8); i++) {
                Object x = l.get(i);
                parts.add(x instanceof List<?> || x instanceof Map<?, ?> ? x.getClass().getSimpleName() : describe(x));
            }
            return (o instanceof PyTuple ? "tuple" : "list") + parts + (l.size() > 8 ? "..." : "");
        }
        if (o instanceof Pending.GlobalRef g) {
            return g.full();
        }
        if (o instanceof Pending.Inert i) {
            return "untrusted " + i.name;
        }
        return "a " + o.getClass().getSimpleName();
    }
}
