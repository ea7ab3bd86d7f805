package org.mge4j.serialization.pickle;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.mge4j.serialization.LoadOptions;
import org.mge4j.serialization.PyTuple;
import org.mge4j.serialization.SerializationException;

import static org.mge4j.serialization.pickle.Opcodes.*;

/**
 * A safe reader of Python pickles, protocols 2 to 5 (the binary opcodes of protocol 1 included). Globals are looked
 * up in {@link SafeGlobals}, never imported; every length is checked against the bytes left before anything is
 * allocated; the stack, the memo and the nesting depth are bounded; cycles are refused. Any problem is a
 * {@link SerializationException} naming the byte offset.
 *
 * <p>Python values become: dict and OrderedDict a {@link LinkedHashMap}, list an {@link ArrayList}, tuple a
 * {@link PyTuple}, int an Integer (Long or BigInteger when larger), float a Double, str a String, bytes and
 * bytearray a {@code byte[]}, set a {@link LinkedHashSet}, None null, numpy arrays {@link org.mge4j.Tensor}s.
 */
public final class Unpickler {
    private final byte[] buf;
    private final int end;
    private final LoadOptions options;
    private final Function<Object, Object> persistentLoad;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ArrayList<Object> stack = new ArrayList<>();
    private int[] marks = new int[16];
    private int nMarks;
    private final HashMap<Long, Object> memo = new HashMap<>();
    private final Set<Object> orderedDicts = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Object> mutableSets = Collections.newSetFromMap(new IdentityHashMap<>());
    private int pos;
    private int opStart;
    private int op;

    private Unpickler(byte[] buf, int offset, int length, LoadOptions options, Function<Object, Object> persistentLoad) {
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
        this.options = options;
        this.persistentLoad = persistentLoad;
    }

    /** Reads one pickled object from the whole of {@code data}. */
    public static Object load(byte[] data, LoadOptions options) {
        return load(data, 0, data.length, options, null);
    }

    /**
     * Reads one pickled object from {@code length} bytes of {@code data} at {@code offset}; {@code persistentLoad}
     * answers BINPERSID (PyTorch's storages), or is null to refuse persistent ids.
     */
    public static Object load(byte[] data, int offset, int length, LoadOptions options, Function<Object, Object> persistentLoad) {
        Unpickler u = new Unpickler(data, offset, length, options, persistentLoad);
        try {
            return u.run();
        } catch (SerializationException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw new SerializationException("corrupt pickle at byte " + u.opStart + ": internal error " + e, e);
        }
    }

    LoadOptions options() {
        return options;
    }

    /** The byte offset of the opcode being run. */
    int opStart() {
        return opStart;
    }

    SerializationException corrupt(String what) {
        return new SerializationException("corrupt or unsupported pickle at byte " + opStart + " (opcode 0x"
                + Integer.toHexString(op) + "): " + what);
    }

    LinkedHashMap<Object, Object> newOrderedDict() {
        LinkedHashMap<Object, Object> m = new LinkedHashMap<>();
        orderedDicts.add(m);
        return m;
    }

    Set<Object> newSet(Set<Object> s) {
        mutableSets.add(s);
        return s;
    }

    private Object run() {
        while (true) {
            opStart = pos;
            op = u1();
            switch (op) {
                case PROTO -> {
                    int p = u1();
                    if (p > 5) {
                        throw corrupt("pickle protocol " + p + " is newer than 5, the highest Python knows");
                    }
                }
                case FRAME -> {
                    long n = u8();
                    if (n > end - pos) {
                        throw corrupt("frame of " + n + " bytes but only " + (end - pos) + " bytes are left (truncated file?)");
                    }
                }
                case STOP -> {
                    Object result = pop();
                    return new Resolver(this, options).resolve(result);
                }
                case MARK -> pushMark();
                case POP -> {
                    if (nMarks > 0 && marks[nMarks - 1] == stack.size()) {
                        nMarks--;
                    } else {
                        pop();
                    }
                }
                case POP_MARK -> popMark();
                case DUP -> push(peek());
                case NONE -> push(null);
                case NEWTRUE -> push(Boolean.TRUE);
                case NEWFALSE -> push(Boolean.FALSE);
                case BININT -> push(i4());
                case BININT1 -> push(u1());
                case BININT2 -> push(u1() | (u1() << 8));
                case LONG1 -> push(longBytes(u1()));
                case LONG4 -> {
                    int n = i4();
                    if (n < 0) {
                        throw corrupt("LONG4 with negative length " + n);
                    }
                    if (n > 1 << 16) {
                        throw corrupt("integer of " + n + " bytes is too large for mge4j");
                    }
                    push(longBytes(n));
                }
                case BINFLOAT -> {
                    need(8);
                    push(ByteBuffer.wrap(buf, pos, 8).getDouble());
                    pos += 8;
                }
                case BINUNICODE -> push(utf8(u4()));
                case SHORT_BINUNICODE -> push(utf8(u1()));
                case BINUNICODE8 -> push(utf8(u8()));
                case BINBYTES -> push(bytes(u4()));
                case SHORT_BINBYTES -> push(bytes(u1()));
                case BINBYTES8, BYTEARRAY8 -> push(bytes(u8()));
                case SHORT_BINSTRING -> push(latin1(u1()));
                case BINSTRING -> {
                    int n = i4();
                    if (n < 0) {
                        throw corrupt("BINSTRING with negative length " + n);
                    }
                    push(latin1(n));
                }
                case EMPTY_TUPLE -> push(PyTuple.of());
                case TUPLE -> push(PyTuple.copyOf(popMark()));
                case TUPLE1 -> push(PyTuple.of(pop()));
                case TUPLE2 -> {
                    Object b = pop();
                    push(PyTuple.of(pop(), b));
                }
                case TUPLE3 -> {
                    Object c = pop();
                    Object b = pop();
                    push(PyTuple.of(pop(), b, c));
                }
                case EMPTY_LIST -> push(new ArrayList<>());
                case APPEND -> {
                    Object v = pop();
                    list(peek(), "APPEND").add(v);
                }
                case APPENDS -> {
                    List<Object> items = popMark();
                    list(peek(), "APPENDS").addAll(items);
                }
                case EMPTY_DICT -> push(new LinkedHashMap<>());
                case SETITEM -> {
                    Object v = pop();
                    Object k = pop();
                    putItem(peek(), k, v);
                }
                case SETITEMS -> {
                    List<Object> items = popMark();
                    if (items.size() % 2 != 0) {
                        throw corrupt("SETITEMS with an odd number of items (" + items.size() + ")");
                    }
                    Object target = peek();
                    for (int i = 0; i < items.size(); i += 2) {
                        putItem(target, items.get(i), items.get(i + 1));
                    }
                }
                case EMPTY_SET -> push(newSet(new LinkedHashSet<>()));
                case ADDITEMS -> {
                    List<Object> items = popMark();
                    Object target = peek();
                    if (!(target instanceof Set<?> && mutableSets.contains(target))) {
                        throw corrupt("ADDITEMS to " + SafeGlobals.describe(target) + "; only sets accept items");
                    }
                    @SuppressWarnings("unchecked")
                    Set<Object> set = (Set<Object>) target;
                    for (Object o : items) {
                        checkHashable(o, 0);
                        set.add(o);
                    }
                }
                case FROZENSET -> {
                    List<Object> items = popMark();
                    Set<Object> set = new LinkedHashSet<>();
                    for (Object o : items) {
                        checkHashable(o, 0);
                        set.add(o);
                    }
                    push(Collections.unmodifiableSet(set));
                }
                case GLOBAL -> {
                    String module = line();
                    String name = line();
                    push(SafeGlobals.lookup(module, name, options, opStart));
                }
                case STACK_GLOBAL -> {
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw corrupt("STACK_GLOBAL needs two strings, got " + SafeGlobals.describe(module) + " and " + SafeGlobals.describe(name));
                    }
                    push(SafeGlobals.lookup(m, n, options, opStart));
                }
                case REDUCE -> {
                    PyTuple args = tuple(pop(), "REDUCE");
                    Object f = pop();
                    if (f instanceof Pending.Inert inert) {
                        push(inert.call(args));
                    } else if (f instanceof Pending.GlobalRef g) {
                        push(SafeGlobals.call(g, args, this));
                    } else {
                        throw corrupt("REDUCE on " + SafeGlobals.describe(f) + ", which is not an accepted global");
                    }
                }
                case NEWOBJ -> {
                    PyTuple args = tuple(pop(), "NEWOBJ");
                    push(newObject(pop(), args));
                }
                case NEWOBJ_EX -> {
                    Object kwargs = pop();
                    PyTuple args = tuple(pop(), "NEWOBJ_EX");
                    if (!(kwargs instanceof Map<?, ?> kw) || !kw.isEmpty()) {
                        throw corrupt("NEWOBJ_EX with keyword arguments is not supported");
                    }
                    push(newObject(pop(), args));
                }
                case BUILD -> {
                    Object state = pop();
                    Builds.build(peek(), state, this);
                }
                case BINGET -> push(memoGet(u1()));
                case LONG_BINGET -> push(memoGet(u4()));
                case BINPUT -> memoPut(u1());
                case LONG_BINPUT -> memoPut(u4());
                case MEMOIZE -> memoPut(memo.size());
                case BINPERSID -> {
                    Object pid = pop();
                    if (persistentLoad == null) {
                        throw corrupt("persistent id " + SafeGlobals.describe(pid)
                                + " found: this pickle refers to data outside itself (a PyTorch data.pkl?); load the .pt zip file instead");
                    }
                    push(persistentLoad.apply(pid));
                }
                case NEXT_BUFFER -> throw corrupt("out-of-band buffer (protocol 5 NEXT_BUFFER): the array data is not in this file, "
                        + "it was written with a buffer_callback; save it again without one");
                case READONLY_BUFFER -> peek();
                case INST, OBJ -> throw corrupt("INST/OBJ build arbitrary objects and are refused");
                case EXT1, EXT2, EXT4 -> throw corrupt("EXT opcodes (copyreg extension registry) are refused");
                case PERSID -> throw corrupt("text persistent ids (PERSID) are refused");
                case INT, LONG, FLOAT, STRING, UNICODE, GET, PUT, DICT, LIST ->
                        throw corrupt("protocol 0 text opcode '" + (char) op + "' is not supported; save the file again with protocol 2 or later");
                default -> throw corrupt("unknown opcode (not a pickle, or a corrupt one)");
            }
        }
    }

    private Object newObject(Object cls, PyTuple args) {
        if (cls instanceof Pending.Inert inert) {
            return inert.call(args);
        }
        if (!(cls instanceof Pending.GlobalRef g)) {
            throw corrupt("NEWOBJ on " + SafeGlobals.describe(cls) + ", which is not an accepted class");
        }
        return SafeGlobals.newObject(g, args, this);
    }

    // ------------------------------------------------------------------ stack and memo

    private void push(Object o) {
        if (stack.size() + nMarks >= options.maxStack()) {
            throw corrupt("stack grew past " + options.maxStack() + " entries (LoadOptions.maxStack)");
        }
        stack.add(o);
    }

    private Object pop() {
        int floor = nMarks > 0 ? marks[nMarks - 1] : 0;
        if (stack.size() <= floor) {
            throw corrupt("stack underflow");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        int floor = nMarks > 0 ? marks[nMarks - 1] : 0;
        if (stack.size() <= floor) {
            throw corrupt("stack underflow");
        }
        return stack.get(stack.size() - 1);
    }

    private void pushMark() {
        if (stack.size() + nMarks >= options.maxStack()) {
            throw corrupt("stack grew past " + options.maxStack() + " entries (LoadOptions.maxStack)");
        }
        if (nMarks == marks.length) {
            marks = java.util.Arrays.copyOf(marks, marks.length * 2);
        }
        marks[nMarks++] = stack.size();
    }

    private List<Object> popMark() {
        if (nMarks == 0) {
            throw corrupt("no MARK on the stack");
        }
        int m = marks[--nMarks];
        List<Object> tail = stack.subList(m, stack.size());
        List<Object> items = new ArrayList<>(tail);
        tail.clear();
        return items;
    }

    private Object memoGet(long index) {
        Object v = memo.get(index);
        if (v == null && !memo.containsKey(index)) {
            throw corrupt("memo entry " + index + " was never stored");
        }
        return v;
    }

    private void memoPut(long index) {
        if (!memo.containsKey(index) && memo.size() >= options.maxMemo()) {
            throw corrupt("memo grew past " + options.maxMemo() + " entries (LoadOptions.maxMemo)");
        }
        memo.put(index, peek());
    }

    // ------------------------------------------------------------------ containers

    private List<Object> list(Object target, String opName) {
        if (target instanceof ArrayList<?>) {
            @SuppressWarnings("unchecked")
            List<Object> l = (List<Object>) target;
            return l;
        }
        throw corrupt(opName + " to " + SafeGlobals.describe(target) + "; only lists accept items");
    }

    private PyTuple tuple(Object o, String opName) {
        if (o instanceof PyTuple t) {
            return t;
        }
        throw corrupt(opName + " needs an argument tuple, got " + SafeGlobals.describe(o));
    }

    private void putItem(Object target, Object k, Object v) {
        if (!(target instanceof LinkedHashMap<?, ?>)) {
            throw corrupt("SETITEM to " + SafeGlobals.describe(target) + "; only dicts accept items");
        }
        checkHashable(k, 0);
        @SuppressWarnings("unchecked")
        Map<Object, Object> map = (Map<Object, Object>) target;
        map.put(k, v);
    }

    /** Python only allows immutable keys; refusing the rest keeps Java's hashCode off cyclic and huge graphs. */
    void checkHashable(Object k, int depth) {
        keyItemsLeft = MAX_KEY_ITEMS;
        checkKey(k, depth);
    }

    /**
     * Most items, counted with repeats, that one key may expand to: a tuple holding the same tuple twice, sixty levels
     * deep, is 2^60 items to hash and compare, which would hang the reader. Real keys are names or small tuples.
     */
    private static final int MAX_KEY_ITEMS = 1 << 16;
    private int keyItemsLeft;

    private void checkKey(Object k, int depth) {
        if (--keyItemsLeft < 0) {
            throw corrupt("a dict key or set element expands to more than " + MAX_KEY_ITEMS
                    + " items (a tuple that holds the same tuple over and over); keys are names or small tuples");
        }
        if (depth > options.maxDepth()) {
            throw corrupt("key nested deeper than " + options.maxDepth());
        }
        if (k == null || k instanceof String || k instanceof Integer || k instanceof Long || k instanceof BigInteger
                || k instanceof Double || k instanceof Boolean || k instanceof byte[]) {
            return;
        }
        if (k instanceof PyTuple t) {
            for (Object o : t) {
                checkKey(o, depth + 1);
            }
            return;
        }
        throw corrupt("unhashable dict key or set element: " + SafeGlobals.describe(k));
    }

    long[] shape(List<?> dims) {
        if (dims.size() > org.mge4j.serialization.numpy.ArrayBytes.MAX_RANK) {
            throw corrupt("array rank " + dims.size() + " is above " + org.mge4j.serialization.numpy.ArrayBytes.MAX_RANK);
        }
        long[] s = new long[dims.size()];
        for (int i = 0; i < s.length; i++) {
            Object d = dims.get(i);
            if (!(d instanceof Integer || d instanceof Long) || ((Number) d).longValue() < 0) {
                throw corrupt("array shape must hold non-negative integers, got " + SafeGlobals.describe(dims));
            }
            s[i] = ((Number) d).longValue();
        }
        return s;
    }

    // ------------------------------------------------------------------ bytes

    private void need(long n) {
        if (n < 0 || n > end - pos) {
            throw new SerializationException("truncated or corrupt pickle at byte " + opStart + " (opcode 0x" + Integer.toHexString(op)
                    + "): needs " + n + " bytes but only " + (end - pos) + " are left");
        }
    }

    private int u1() {
        need(1);
        return buf[pos++] & 0xFF;
    }

    private int i4() {
        need(4);
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    private long u4() {
        return i4() & 0xFFFFFFFFL;
    }

    private long u8() {
        need(8);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (buf[pos + i] & 0xFF);
        }
        pos += 8;
        if (v < 0) {
            throw corrupt("length above 2^63");
        }
        return v;
    }

    private byte[] bytes(long n) {
        need(n);
        byte[] out = java.util.Arrays.copyOfRange(buf, pos, pos + (int) n);
        pos += (int) n;
        return out;
    }

    private String utf8(long n) {
        need(n);
        try {
            CharBuffer cb = utf8.decode(ByteBuffer.wrap(buf, pos, (int) n));
            pos += (int) n;
            return cb.toString();
        } catch (CharacterCodingException e) {
            throw corrupt("string of " + n + " bytes is not valid UTF-8");
        }
    }

    private String latin1(long n) {
        need(n);
        String s = new String(buf, pos, (int) n, StandardCharsets.ISO_8859_1);
        pos += (int) n;
        return s;
    }

    private String line() {
        int start = pos;
        int limit = Math.min(end, pos + 4096);
        while (pos < limit && buf[pos] != '\n') {
            pos++;
        }
        if (pos >= limit) {
            throw corrupt("GLOBAL name is not terminated by a newline within 4096 bytes");
        }
        String s = new String(buf, start, pos - start, StandardCharsets.UTF_8);
        pos++;
        return s;
    }

    private Object longBytes(int n) {
        need(n);
        if (n == 0) {
            return 0;
        }
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) {
            be[i] = buf[pos + n - 1 - i];
        }
        pos += n;
        return normalize(new BigInteger(be));
    }

    static Object normalize(BigInteger v) {
        if (v.bitLength() < 32) {
            return v.intValue();
        }
        if (v.bitLength() < 64) {
            return v.longValue();
        }
        return v;
    }

    boolean isOrderedDict(Object o) {
        return orderedDicts.contains(o);
    }
}
