package org.mge4j.serialization.pickle;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mge4j.Device;
import org.mge4j.Parameter;
import org.mge4j.Tensor;
import org.mge4j.serialization.LoadOptions;
import org.mge4j.serialization.PickledObject;
import org.mge4j.serialization.PyTuple;
import org.mge4j.serialization.SerializationException;
import org.mge4j.serialization.UntrustedObject;

/**
 * The last step of reading a pickle: replaces objects under construction with finished values (numpy arrays with
 * tensors, MegEngine tensors with {@link Tensor}/{@link Parameter} on the mapped device), keeps shared objects
 * shared, and refuses cycles and nesting deeper than {@link LoadOptions#maxDepth()}.
 */
final class Resolver {
    private final Unpickler u;
    private final LoadOptions options;
    private final IdentityHashMap<Object, Object> done = new IdentityHashMap<>();
    private final IdentityHashMap<Object, Boolean> onPath = new IdentityHashMap<>();
    private int modelNesting;

    Resolver(Unpickler u, LoadOptions options) {
        this.u = u;
        this.options = options;
    }

    Object resolve(Object v) {
        return resolve(v, 0);
    }

    @SuppressWarnings("unchecked")
    private Object resolve(Object v, int depth) {
        if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean || v instanceof byte[]
                || v instanceof Tensor) {
            return v;
        }
        Object seen = done.get(v);
        if (seen != null) {
            return seen;
        }
        if (onPath.containsKey(v)) {
            throw new SerializationException("corrupt or hostile pickle: the object graph contains a cycle (a container that holds itself); "
                    + "state dicts and checkpoints never do");
        }
        if (depth > options.maxDepth()) {
            throw new SerializationException("pickle nests containers deeper than " + options.maxDepth()
                    + " levels (LoadOptions.maxDepth); a state dict or checkpoint is a few levels deep");
        }
        onPath.put(v, Boolean.TRUE);
        Object out;
        if (v instanceof ArrayList<?> list) {
            List<Object> l = (List<Object>) list;
            for (int i = 0; i < l.size(); i++) {
                l.set(i, resolve(l.get(i), depth + 1));
            }
            out = v;
        } else if (v instanceof Map<?, ?> map) {
            ((Map<Object, Object>) map).replaceAll((k, x) -> resolve(x, depth + 1));
            out = v;
        } else if (v instanceof Set<?>) {
            out = v; // elements were checked hashable: scalars and tuples of scalars only
        } else if (v instanceof PyTuple t) {
            Object[] items = t.toArray();
            boolean changed = false;
            for (int i = 0; i < items.length; i++) {
                Object r = resolve(items[i], depth + 1);
                changed |= r != items[i];
                items[i] = r;
            }
            out = changed ? PyTuple.of(items) : t;
        } else if (v instanceof Pending.Array a) {
            if (a.value == null) {
                throw new SerializationException("corrupt pickle: a numpy array was created but never given its data (missing BUILD)");
            }
            out = a.value;
        } else if (v instanceof Pending.Dtype d) {
            out = d.dtype.dtype();
        } else if (v instanceof Pending.MgeTensor t) {
            out = mgeTensor(t, depth);
        } else if (v instanceof Pending.TrustedObject o && ModelReader.isModel(o)) {
            out = model(o, depth);
        } else if (v instanceof Pending.TrustedObject o) {
            if (!options.trusts(o.global)) {
                throw SafeGlobals.refused(o.global, ""); // read as a model's class, but the object is not a model
            }
            out = new PickledObject(o.global, (List<Object>) resolve(o.args, depth + 1), resolve(o.state, depth + 1));
        } else if (v instanceof Pending.Inert i) {
            out = new UntrustedObject(i.name, i.args == null ? null : (List<Object>) resolve(i.args, depth + 1),
                    resolve(i.state, depth + 1), (UntrustedObject) resolve(i.callee, depth + 1));
        } else if (v instanceof Pending.GlobalRef g) {
            throw new SerializationException("corrupt pickle: the global " + g.full() + " appears as a value; mge4j loads only data");
        } else {
            throw new SerializationException("corrupt pickle: unexpected " + v.getClass().getSimpleName() + " in the result");
        }
        onPath.remove(v);
        done.put(v, out);
        return out;
    }

    /** A whole model: inner ones stay records for the outermost, which {@link ModelReader} turns into its result. */
    private Object model(Pending.TrustedObject o, int depth) {
        modelNesting++;
        PickledObject saved;
        try {
            saved = new PickledObject(o.global, List.of(), resolve(o.state, depth + 1));
        } finally {
            modelNesting--;
        }
        return modelNesting > 0 ? saved : ModelReader.load(saved, options);
    }

    private Tensor mgeTensor(Pending.MgeTensor t, int depth) {
        Object data = resolve(t.data, depth + 1);
        if (!(data instanceof Tensor value)) {
            throw new SerializationException("corrupt pickle: a MegEngine " + (t.parameter ? "Parameter" : "Tensor")
                    + " without numpy data (got " + SafeGlobals.describe(data) + ")");
        }
        Device device = options.device(t.device == null ? "xpux:0" : t.device,
                "a MegEngine " + (t.parameter ? "Parameter" : "Tensor"));
        Tensor out = t.parameter ? Parameter.wrapParameter(value.nd()) : Tensor.wrap(value.nd());
        if (!device.equals(out.device())) {
            out.moveTo(device);
        }
        if (t.name != null) {
            out.name(t.name);
        }
        return out;
    }
}
