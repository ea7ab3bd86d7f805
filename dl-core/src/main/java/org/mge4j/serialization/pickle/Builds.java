package org.mge4j.serialization.pickle;

import java.util.List;
import java.util.Map;
import org.mge4j.serialization.PyTuple;
import org.mge4j.serialization.numpy.ArrayBytes;

/**
 * The BUILD opcode ({@code obj.__setstate__(state)}) for the few objects that accept it: numpy arrays and dtypes,
 * MegEngine tensors, OrderedDicts (torch's {@code _metadata} attribute) and trusted objects. Everything else is refused.
 */
final class Builds {
    private Builds() {
    }

    static void build(Object target, Object state, Unpickler u) {
        if (target instanceof Pending.Array a) {
            array(a, state, u);
        } else if (target instanceof Pending.Dtype d) {
            if (!(state instanceof PyTuple t) || t.size() < 2 || !(t.get(1) instanceof String order) || order.length() != 1) {
                throw u.corrupt("numpy dtype state must be a tuple (version, byteorder, ...), got " + SafeGlobals.describe(state));
            }
            d.dtype = d.dtype.withByteOrder(order.charAt(0));
        } else if (target instanceof Pending.MgeTensor t) {
            if (!(state instanceof Map<?, ?> m)) {
                throw u.corrupt("a MegEngine tensor's state must be a dict, got " + SafeGlobals.describe(state));
            }
            if (m.containsKey("data")) { // MegEngine 1.1/1.2 files keep the data in the state
                t.data = m.get("data");
                if (m.get("device") instanceof String dev) {
                    t.device = dev;
                }
            }
        } else if (target instanceof Map<?, ?> && u.isOrderedDict(target)) {
            if (!(state instanceof Map<?, ?>) && !(state instanceof PyTuple)) {
                throw u.corrupt("OrderedDict attributes must be a dict, got " + SafeGlobals.describe(state));
            }
            // Attributes such as torch's _metadata describe versions of modules; a Java state dict has no use for them.
        } else if (target instanceof Pending.TrustedObject o) {
            o.state = state;
        } else if (target instanceof Pending.Inert i) {
            i.state = state;
        } else {
            throw u.corrupt("BUILD (setting the state) of " + SafeGlobals.describe(target) + " is not allowed");
        }
    }

    private static void array(Pending.Array a, Object state, Unpickler u) {
        if (a.value != null) {
            throw u.corrupt("numpy array state set twice");
        }
        if (!(state instanceof PyTuple t) || (t.size() != 5 && t.size() != 4)) {
            throw u.corrupt("numpy array state must be (version, shape, dtype, is_fortran, data), got " + SafeGlobals.describe(state));
        }
        int i = 0;
        if (t.size() == 5) {
            if (!(t.get(0) instanceof Integer v) || v != 1) {
                throw u.corrupt("can't handle version " + SafeGlobals.describe(t.get(0)) + " of numpy.ndarray pickle");
            }
            i = 1;
        }
        if (!(t.get(i) instanceof List<?> dims) || !(t.get(i + 1) instanceof Pending.Dtype d) || !(t.get(i + 2) instanceof Boolean fortran)) {
            throw u.corrupt("numpy array state must be (version, shape, dtype, is_fortran, data), got " + SafeGlobals.describe(state));
        }
        long[] shape = u.shape(dims);
        Object data = t.get(i + 3);
        if (data instanceof PreloadedArray p) { // data PickleFile read straight into a tensor
            a.value = p.take(d.dtype, shape, fortran ? 'F' : 'C');
            return;
        }
        byte[] raw;
        if (data instanceof byte[] b) {
            raw = b;
        } else if (data instanceof String s) { // Python 2 str data, read as latin-1
            raw = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        } else if (data instanceof List<?>) {
            throw u.corrupt("numpy object arrays (data stored as a list) are refused: they hold pickled Python objects");
        } else {
            throw u.corrupt("numpy array data must be bytes, got " + SafeGlobals.describe(data));
        }
        a.value = ArrayBytes.toTensor(raw, d.dtype, shape, fortran ? 'F' : 'C');
    }
}
