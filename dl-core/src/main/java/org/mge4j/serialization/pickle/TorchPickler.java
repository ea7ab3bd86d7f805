package org.mge4j.serialization.pickle;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.function.Function;
import org.mge4j.Tensor;

import static org.mge4j.serialization.pickle.Opcodes.*;

/** The {@code data.pkl} of a {@code torch.save} zip: a {@link Pickler} whose tensors are persistent torch storages. */
public final class TorchPickler {
    private TorchPickler() {
    }

    /**
     * Writes {@code obj} as the {@code data.pkl} of a {@code torch.save} zip (protocol 2): each tensor becomes
     * {@code _rebuild_tensor_v2(persistent storage, 0, size, stride, False, OrderedDict())}, where
     * {@code storages} gives the persistent id {@code ['storage', storage class name, key, 'cpu', numel]}.
     */
    public static void dump(Object obj, OutputStream out, Function<Tensor, List<Object>> storages) throws IOException {
        Pickler p = new Pickler(out, 2);
        p.storages = storages;
        p.op(PROTO);
        p.op(2);
        p.save(obj, 0, null);
        p.op(STOP);
    }

    static void saveTensor(Pickler p, Tensor t) throws IOException {
        List<Object> pid = p.storages.apply(t);
        p.global("torch._utils", "_rebuild_tensor_v2");
        p.op(MARK);
        p.op(MARK);
        p.saveString((String) pid.get(0));
        p.global("torch", (String) pid.get(1));
        p.saveString((String) pid.get(2));
        p.saveString((String) pid.get(3));
        p.saveInt((Long) pid.get(4));
        p.op(TUPLE);
        p.op(BINPERSID);
        p.saveInt(0);
        long[] shape = t.shape();
        long[] stride = new long[shape.length];
        long step = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            stride[i] = step;
            step *= Math.max(1, shape[i]);
        }
        for (long[] dims : new long[][] {shape, stride}) {
            p.op(MARK);
            for (long d : dims) {
                p.saveInt(d);
            }
            p.op(TUPLE);
        }
        p.op(NEWFALSE);
        p.global("collections", "OrderedDict");
        p.op(EMPTY_TUPLE);
        p.op(REDUCE);
        p.op(TUPLE);
        p.op(REDUCE);
        p.put(t);
    }
}
