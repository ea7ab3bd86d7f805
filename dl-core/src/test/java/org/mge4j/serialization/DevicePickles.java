package org.mge4j.serialization;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Hand-made pickles and torch.save zips whose tensors claim a device, written opcode by opcode as MegEngine
 * (protocol 3: {@code Tensor.__getnewargs__} = (ndarray, dtype, device, False, False, name, "default")) and
 * PyTorch ({@code ('storage', torch.FloatStorage, key, location, numel)}) write them, so that GPU checkpoints can be
 * tested on a machine without a GPU and without Python.
 */
final class DevicePickles {
    private final ByteArrayOutputStream b = new ByteArrayOutputStream();

    private DevicePickles() {
        b.writeBytes(new byte[] {(byte) 0x80, 3});
    }

    /** A MegEngine tensor (or Parameter) of float32 {@code values} of {@code shape} on {@code device}. */
    record MgeTensor(boolean parameter, String device, String name, int[] shape, float[] values) {
        /** A 1-D tensor. */
        MgeTensor(boolean parameter, String device, String name, float... values) {
            this(parameter, device, name, new int[] {values.length}, values);
        }
    }

    /** A pickle of a dict (nested maps allowed) whose leaves are {@link MgeTensor}s, numbers or strings. */
    static byte[] dict(Map<String, ?> items) {
        DevicePickles p = new DevicePickles();
        p.value(items);
        p.b.write('.');
        return p.b.toByteArray();
    }

    private void value(Object v) {
        if (v instanceof Map<?, ?> m) {
            b.write('}');
            b.write('(');
            for (Map.Entry<?, ?> e : m.entrySet()) {
                str((String) e.getKey());
                value(e.getValue());
            }
            b.write('u');
        } else if (v instanceof MgeTensor t) {
            tensor(t);
        } else if (v instanceof Integer i) {
            b.write('J');
            b.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(i).array());
        } else if (v instanceof String s) {
            str(s);
        } else {
            throw new IllegalArgumentException("unsupported " + v);
        }
    }

    private void tensor(MgeTensor t) {
        global("megengine.tensor", t.parameter() ? "Parameter" : "Tensor");
        b.write('(');
        ndarray(t.shape(), t.values());
        b.write('N');                        // dtype: taken from the array
        str(t.device());
        b.write(0x89);                       // is_const False
        b.write(0x89);                       // no_cache False
        if (t.name() == null) {
            b.write('N');
        } else {
            str(t.name());
        }
        str("default");
        b.write('t');
        b.write(0x81);                       // NEWOBJ
        b.write('}');
        b.write('b');                        // BUILD {} -> __setstate__({})
    }

    /** numpy's own pickling of a little-endian float32 array (C order). */
    private void ndarray(int[] shape, float[] values) {
        global("numpy.core.multiarray", "_reconstruct");
        global("numpy", "ndarray");
        b.writeBytes(new byte[] {'K', 0, (byte) 0x85});
        b.writeBytes(new byte[] {'C', 1, 'b'});
        b.writeBytes(new byte[] {(byte) 0x87, 'R'});
        b.write('(');
        b.writeBytes(new byte[] {'K', 1});
        b.write('(');
        for (int d : shape) {
            b.writeBytes(new byte[] {'K', (byte) d});
        }
        b.write('t');
        global("numpy", "dtype");
        str("f4");
        b.writeBytes(new byte[] {(byte) 0x89, (byte) 0x88, (byte) 0x87, 'R'});
        b.write('(');
        b.writeBytes(new byte[] {'K', 3});
        str("<");
        b.writeBytes(new byte[] {'N', 'N', 'N'});
        b.writeBytes(new byte[] {'J', -1, -1, -1, -1, 'J', -1, -1, -1, -1, 'K', 0});
        b.writeBytes(new byte[] {'t', 'b'});
        b.write(0x89);                       // not Fortran order
        byte[] data = floats(values);
        b.writeBytes(new byte[] {'C', (byte) data.length});
        b.writeBytes(data);
        b.writeBytes(new byte[] {'t', 'b'});
    }

    private void global(String module, String name) {
        b.writeBytes(("c" + module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private void str(String s) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        b.write('X');
        b.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(u.length).array());
        b.writeBytes(u);
    }

    static byte[] floats(float... v) {
        ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            buf.putFloat(f);
        }
        return buf.array();
    }

    /**
     * A torch.save zip of one float tensor {@code values} whose storage was saved at {@code location}
     * ({@code "cuda:0"}, {@code "cpu"}, ...): data.pkl is {@code _rebuild_tensor_v2(storage, 0, (n,), (1,), False, {})}.
     */
    static byte[] torchFile(String location, float... values) throws Exception {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.writeBytes(new byte[] {(byte) 0x80, 2});
        p.writeBytes("ctorch._utils\n_rebuild_tensor_v2\n((".getBytes(StandardCharsets.US_ASCII));
        HostileTorchFilesTest.str(p, "storage");
        p.writeBytes("ctorch\nFloatStorage\n".getBytes(StandardCharsets.US_ASCII));
        HostileTorchFilesTest.str(p, "0");
        HostileTorchFilesTest.str(p, location);
        p.writeBytes(new byte[] {'K', (byte) values.length, 't', 'Q', 'K', 0, 'K', (byte) values.length, (byte) 0x85,
                'K', 1, (byte) 0x85, (byte) 0x89, '}', 't', 'R', '.'});
        return HostileTorchFilesTest.zip(false, "m/data.pkl", p.toByteArray(), "m/data/0", floats(values),
                "m/version", "3\n".getBytes(StandardCharsets.US_ASCII));
    }
}
