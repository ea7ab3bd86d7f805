package org.mge4j.serialization.pickle;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mge4j.DType;
import org.mge4j.Tensor;
import org.mge4j.serialization.PyTuple;
import org.mge4j.serialization.SerializationException;
import org.mge4j.serialization.numpy.ArrayBytes;
import org.mge4j.serialization.numpy.NumpyDtype;

import static org.mge4j.serialization.pickle.Opcodes.*;

/**
 * Writes object graphs as Python pickles that {@code pickle.load} with numpy (1.x or 2.x) reads with no other
 * package: protocols 2 to 5, the opcodes CPython itself would choose. Tensors become numpy arrays through
 * {@code numpy.core.multiarray._reconstruct} (the name both numpy 1.x and 2.x resolve); a map of names to
 * tensors (a state dict) becomes a {@code collections.OrderedDict}, as MegEngine writes it; other maps become
 * dicts, lists lists, {@link PyTuple}s and {@code Object[]} tuples, and a two-number list under the key
 * {@code "betas"} a tuple, as Adam keeps it. Shared objects are written once and referred to through the memo.
 * A whole {@link org.mge4j.module.Module} is written as an object of its class ({@link ModelWriter}).
 */
public final class Pickler {
    private static final int BATCH = 1000;
    private static final int MAX_DEPTH = 1000;

    private final OutputStream out;
    private final int protocol;
    private final IdentityHashMap<Object, Integer> memo = new IdentityHashMap<>();
    private final HashMap<String, Integer> globals = new HashMap<>();
    private int memoSize;
    private final byte[] scratch = new byte[9];
    /** Map keys and list/tuple indices from the root to the value being written: names tensors in checksum trailers. */
    private final ArrayList<Object> path = new ArrayList<>();

    /** For the data.pkl of torch.save: a tensor's persistent storage id; null for plain pickles. */
    java.util.function.Function<Tensor, List<Object>> storages;
    /** The whole models being written, outermost first (see {@link ModelWriter}). */
    final Set<Object> modelPath = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

    Pickler(OutputStream out, int protocol) {
        this.out = out;
        this.protocol = protocol;
    }


    /**
     * Writes {@code obj} to {@code out} with the given protocol (2 to 5).
     *
     * @throws SerializationException for values that have no pickle form (naming their type)
     */
    public static void dump(Object obj, OutputStream out, int protocol) throws IOException {
        if (protocol < 2 || protocol > 5) {
            throw new IllegalArgumentException("pickle protocol must be 2, 3, 4 or 5, got " + protocol);
        }
        Pickler p = new Pickler(out, protocol);
        p.op(PROTO);
        p.op(protocol);
        p.save(obj, 0, null);
        p.op(STOP);
    }

    void save(Object obj, int depth, String key) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new SerializationException("object graph nests deeper than " + MAX_DEPTH + " levels or holds a cycle through a tuple; cannot save it");
        }
        if (obj == null) {
            op(NONE);
        } else if (obj instanceof Boolean b) {
            op(b ? NEWTRUE : NEWFALSE);
        } else if (obj instanceof Integer || obj instanceof Long || obj instanceof Short || obj instanceof Byte) {
            saveInt(((Number) obj).longValue());
        } else if (obj instanceof BigInteger big) {
            saveBig(big);
        } else if (obj instanceof Double || obj instanceof Float) {
            op(BINFLOAT);
            long bits = Double.doubleToRawLongBits(((Number) obj).doubleValue());
            for (int i = 7; i >= 0; i--) {
                op((int) (bits >>> (8 * i)) & 0xFF);
            }
        } else if (obj instanceof String s) {
            saveString(s);
        } else if (obj instanceof byte[] b) {
            saveBytes(b);
        } else if (obj instanceof Character c) {
            saveString(String.valueOf(c));
        } else if (memo.containsKey(obj)) {
            get(memo.get(obj));
        } else if (obj instanceof Tensor t && storages != null) {
            TorchPickler.saveTensor(this, t);
        } else if (obj instanceof Tensor t) {
            saveTensor(t);
        } else if (obj instanceof Map<?, ?> m) {
            saveMap(m, depth);
        } else if (obj instanceof PyTuple || obj instanceof Object[]
                || ("betas".equals(key) && obj instanceof List<?> l && l.size() == 2)) {
            saveTuple(obj instanceof Object[] a ? List.of(a) : (List<?>) obj, depth);
        } else if (obj instanceof List<?> l) {
            saveList(l, depth);
        } else if (obj instanceof Set<?> s) {
            saveSet(s, depth);
        } else if (obj instanceof org.mge4j.module.Module m) {
            ModelWriter.save(this, m, depth);
        } else {
            throw new SerializationException("cannot save a " + obj.getClass().getName() + ": a pickle holds maps, lists, "
                    + "tuples (PyTuple or Object[]), strings, numbers, booleans, null, byte[] and tensors"
                    + (obj.getClass().getName().startsWith("org.mge4j.module") ? "; save model.stateDict() instead of the module" : ""));
        }
    }

    void saveInt(long v) throws IOException {
        if (v >= 0 && v < 256) {
            op(BININT1);
            op((int) v);
        } else if (v >= 0 && v < 65536) {
            op(BININT2);
            op((int) v & 0xFF);
            op((int) (v >>> 8));
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            op(BININT);
            le4((int) v);
        } else {
            saveBig(BigInteger.valueOf(v));
        }
    }

    private void saveBig(BigInteger v) throws IOException {
        if (v.bitLength() < 32) {
            saveInt(v.longValue());
            return;
        }
        byte[] be = v.toByteArray();
        if (be.length < 256) {
            op(LONG1);
            op(be.length);
        } else {
            op(LONG4);
            le4(be.length);
        }
        for (int i = be.length - 1; i >= 0; i--) {
            op(be[i] & 0xFF);
        }
    }

    void saveString(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (protocol >= 4 && b.length < 256) {
            op(SHORT_BINUNICODE);
            op(b.length);
        } else {
            op(BINUNICODE);
            le4(b.length);
        }
        out.write(b);
    }

    private void saveBytes(byte[] b) throws IOException {
        if (protocol >= 3) {
            if (b.length < 256) {
                op(SHORT_BINBYTES);
                op(b.length);
            } else {
                op(BINBYTES);
                le4(b.length);
            }
            out.write(b);
        } else if (b.length == 0) {
            global("__builtin__", "bytes");
            op(EMPTY_TUPLE);
            op(REDUCE);
        } else { // protocol 2 has no bytes: _codecs.encode(latin-1 text, 'latin1'), as CPython writes it
            global("_codecs", "encode");
            saveString(new String(b, StandardCharsets.ISO_8859_1));
            saveString("latin1");
            op(TUPLE2);
            op(REDUCE);
        }
    }

    private void saveTensor(Tensor t) throws IOException {
        DType dt = t.dtype();
        global("numpy.core.multiarray", "_reconstruct");
        global("numpy", "ndarray");
        op(BININT1);
        op(0);
        op(TUPLE1);
        saveBytes(new byte[] {'b'});
        op(TUPLE3);
        op(REDUCE);
        op(MARK);
        op(BININT1);
        op(1);
        long[] shape = t.shape();
        op(MARK);
        for (long d : shape) {
            saveInt(d);
        }
        op(TUPLE);
        saveDtype(dt);
        op(NEWFALSE);
        saveArrayData(t);
        op(TUPLE);
        op(BUILD);
        put(t);
    }

    /**
     * A tensor's data as bytes, the same opcodes as {@link #saveBytes}; written to a {@link PickleOutput}, they go
     * straight from the tensor's memory and get a checksum entry.
     */
    private void saveArrayData(Tensor t) throws IOException {
        if (!(out instanceof PickleOutput po)) {
            saveBytes(ArrayBytes.toBytes(t));
            return;
        }
        if (protocol < 3) {
            byte[] b = ArrayBytes.toBytes(t);
            if (b.length == 0) {
                saveBytes(b);
                po.writeArrayBytes(b, ChecksumTrailer.LATIN1_TEXT, t, keyPath());
                return;
            }
            global("_codecs", "encode");
            byte[] text = new String(b, StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.UTF_8);
            op(BINUNICODE);
            le4(text.length);
            po.writeArrayBytes(text, ChecksumTrailer.LATIN1_TEXT, t, keyPath());
            saveString("latin1");
            op(TUPLE2);
            op(REDUCE);
            return;
        }
        long n = ArrayBytes.byteSize(t.shape(), t.dtype().itemSize());
        if (n > Integer.MAX_VALUE - 16) {
            throw new SerializationException("tensor of shape " + java.util.Arrays.toString(t.shape()) + " is over 2 GB; save it in a .safetensors file");
        }
        if (n < 256) {
            op(SHORT_BINBYTES);
            op((int) n);
        } else {
            op(BINBYTES);
            le4((int) n);
        }
        po.writeArray(t, n, keyPath());
    }

    private String keyPath() {
        StringBuilder b = new StringBuilder();
        for (Object k : path) {
            b.append(b.length() == 0 ? "" : ".").append(k);
        }
        return b.toString();
    }

    private void saveDtype(DType dt) throws IOException {
        String key = "dtype:" + dt;
        if (globals.containsKey(key)) {
            get(globals.get(key));
            return;
        }
        NumpyDtype nd = NumpyDtype.of(dt);
        global("numpy", "dtype");
        saveString(nd.kindSize());
        op(NEWFALSE);
        op(NEWTRUE);
        op(TUPLE3);
        op(REDUCE);
        op(MARK);
        saveInt(3);
        saveString(String.valueOf(nd.byteOrder()));
        op(NONE);
        op(NONE);
        op(NONE);
        saveInt(-1);
        saveInt(-1);
        saveInt(0);
        op(TUPLE);
        op(BUILD);
        globals.put(key, memoSize);
        memoize();
    }

    private static boolean isStateDict(Map<?, ?> m) {
        if (m.isEmpty()) {
            return false;
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String) || !(e.getValue() instanceof Tensor)) {
                return false;
            }
        }
        return true;
    }

    private void saveMap(Map<?, ?> m, int depth) throws IOException {
        if (isStateDict(m)) {
            global("collections", "OrderedDict");
            op(EMPTY_TUPLE);
            op(REDUCE);
        } else {
            op(EMPTY_DICT);
        }
        put(m);
        Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
        while (it.hasNext()) {
            List<Map.Entry<?, ?>> batch = new ArrayList<>();
            while (it.hasNext() && batch.size() < BATCH) {
                batch.add(it.next());
            }
            if (batch.size() > 1) {
                op(MARK);
            }
            for (Map.Entry<?, ?> e : batch) {
                save(e.getKey(), depth + 1, null);
                path.add(e.getKey());
                save(e.getValue(), depth + 1, e.getKey() instanceof String k ? k : null);
                path.remove(path.size() - 1);
            }
            op(batch.size() > 1 ? SETITEMS : SETITEM);
        }
    }

    private void saveList(List<?> l, int depth) throws IOException {
        op(EMPTY_LIST);
        put(l);
        for (int start = 0; start < l.size(); start += BATCH) {
            int n = Math.min(BATCH, l.size() - start);
            if (n > 1) {
                op(MARK);
            }
            for (int i = start; i < start + n; i++) {
                path.add(i);
                save(l.get(i), depth + 1, null);
                path.remove(path.size() - 1);
            }
            op(n > 1 ? APPENDS : APPEND);
        }
    }

    private void saveTuple(List<?> items, int depth) throws IOException {
        if (items.isEmpty()) {
            op(EMPTY_TUPLE);
            return;
        }
        if (items.size() > 3) {
            op(MARK);
        }
        for (int i = 0; i < items.size(); i++) {
            path.add(i);
            save(items.get(i), depth + 1, null);
            path.remove(path.size() - 1);
        }
        op(items.size() == 1 ? TUPLE1 : items.size() == 2 ? TUPLE2 : items.size() == 3 ? TUPLE3 : TUPLE);
    }

    private void saveSet(Set<?> s, int depth) throws IOException {
        if (protocol >= 4) {
            op(EMPTY_SET);
            put(s);
            if (!s.isEmpty()) {
                op(MARK);
                for (Object o : s) {
                    save(o, depth + 1, null);
                }
                op(ADDITEMS);
            }
            return;
        }
        global("__builtin__", "set");
        op(EMPTY_LIST);
        if (!s.isEmpty()) {
            op(MARK);
            for (Object o : s) {
                save(o, depth + 1, null);
            }
            op(APPENDS);
        }
        op(TUPLE1);
        op(REDUCE);
        put(s);
    }

    void global(String module, String name) throws IOException {
        if (protocol >= 3 && module.equals("__builtin__")) {
            module = "builtins";
        }
        String key = module + "\n" + name;
        Integer idx = globals.get(key);
        if (idx != null) {
            get(idx);
            return;
        }
        if (protocol >= 4) {
            saveString(module);
            saveString(name);
            op(STACK_GLOBAL);
        } else {
            if (protocol < 3 && !StandardCharsets.US_ASCII.newEncoder().canEncode(key)) {
                throw new SerializationException("the global " + module + "." + name + " is not ASCII, which pickle "
                        + "protocol 2 cannot write; use protocol 3 or later");
            }
            op(GLOBAL);
            out.write((key + "\n").getBytes(StandardCharsets.UTF_8)); // as CPython: UTF-8 from protocol 3
        }
        globals.put(key, memoSize);
        memoize();
    }

    void put(Object o) throws IOException {
        memo.put(o, memoSize);
        memoize();
    }

    private void memoize() throws IOException {
        if (protocol >= 4) {
            op(MEMOIZE);
        } else if (memoSize < 256) {
            op(BINPUT);
            op(memoSize);
        } else {
            op(LONG_BINPUT);
            le4(memoSize);
        }
        memoSize++;
    }

    private void get(int idx) throws IOException {
        if (idx < 256) {
            op(BINGET);
            op(idx);
        } else {
            op(LONG_BINGET);
            le4(idx);
        }
    }

    void op(int b) throws IOException {
        out.write(b);
    }

    private void le4(int v) throws IOException {
        scratch[0] = (byte) v;
        scratch[1] = (byte) (v >>> 8);
        scratch[2] = (byte) (v >>> 16);
        scratch[3] = (byte) (v >>> 24);
        out.write(scratch, 0, 4);
    }
}
