package org.mge4j.jit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Writes a {@link Graph} as a {@code .mge} file ({@link MgeFormat}) into a byte array. */
final class MgeWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private MgeWriter() {
    }

    /** The file's bytes; {@code outputNames} name the graph's outputs in order. */
    static byte[] write(Graph g, List<String> outputNames) {
        MgeWriter w = new MgeWriter();
        Map<Graph.Var, Integer> ids = new IdentityHashMap<>();
        List<Graph.Var> vars = new java.util.ArrayList<>();
        vars.addAll(g.inputs);
        vars.addAll(g.consts);
        for (Graph.Node n : g.nodes) {
            vars.add(n.output);
        }
        for (int i = 0; i < vars.size(); i++) {
            ids.put(vars.get(i), i);
        }
        long weightsLength = 0;
        Map<Graph.Var, Long> offsets = new IdentityHashMap<>();
        for (Graph.Var c : g.consts) {
            offsets.put(c, weightsLength);
            weightsLength = MgeFormat.align(weightsLength + bytes(c.constValue()));
        }
        w.u32(vars.size());
        for (Graph.Var v : vars) {
            w.str(v.name == null ? "" : v.name);
            w.u8(v.role == Graph.Role.INPUT ? MgeFormat.ROLE_INPUT : v.role == Graph.Role.CONST ? MgeFormat.ROLE_CONST : MgeFormat.ROLE_INTERNAL);
            long[] shape = v.isConst() ? v.constValue().shape() : v.shape;
            w.u8(MgeFormat.dtypeCode(v.isConst() ? v.constValue().dataType() : v.dtype));
            w.u8(shape.length);
            for (long d : shape) {
                w.i64(d);
            }
            if (v.isConst()) {
                w.i64(offsets.get(v));
                w.i64(bytes(v.constValue()));
            }
        }
        w.u32(g.nodes.size());
        for (Graph.Node n : g.nodes) {
            w.u16(n.kind.code);
            w.u8(n.inputs.length);
            for (Graph.Var in : n.inputs) {
                w.u32(in == null ? -1 : ids.get(in));
            }
            w.u32(ids.get(n.output));
            w.u8(n.attrs.size());
            for (Map.Entry<String, Object> e : n.attrs.entrySet()) {
                w.str(e.getKey());
                w.attr(e.getValue());
            }
        }
        w.u32(g.inputs.size());
        for (Graph.Var v : g.inputs) {
            w.u32(ids.get(v));
        }
        w.u32(g.outputs.size());
        for (int i = 0; i < g.outputs.size(); i++) {
            w.str(outputNames.get(i));
            w.u32(ids.get(g.outputs.get(i)));
        }
        byte[] graph = w.out.toByteArray();
        long weightsOffset = MgeFormat.align(MgeFormat.HEADER + graph.length);
        long total = weightsOffset + weightsLength;
        if (total > Integer.MAX_VALUE - 64) {
            throw new IllegalStateException("the graph's weights take " + total + " bytes; .mge files over 2 GB are not supported yet");
        }
        ByteBuffer file = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        file.put(MgeFormat.MAGIC).putInt(MgeFormat.VERSION).putInt(0).putLong(MgeFormat.HEADER).putLong(graph.length)
                .putLong(weightsOffset).putLong(weightsLength);
        file.position(MgeFormat.HEADER);
        file.put(graph);
        for (Graph.Var c : g.consts) {
            file.position((int) (weightsOffset + offsets.get(c)));
            putValues(file, c.constValue());
        }
        CRC32C crc = new CRC32C();
        crc.update(file.array(), MgeFormat.HEADER, (int) total - MgeFormat.HEADER);
        file.putInt(48, (int) crc.getValue());
        return file.array();
    }

    static long bytes(INDArray a) {
        return a.length() * a.dataType().width();
    }

    private static void putValues(ByteBuffer file, INDArray a) {
        INDArray c = a.dup('c');
        DataType t = c.dataType();
        long n = c.length();
        switch (t) {
            case FLOAT -> { for (float f : c.data().asFloat()) { file.putFloat(f); } }
            case DOUBLE -> { for (double d : c.data().asDouble()) { file.putDouble(d); } }
            case INT -> { for (int i : c.data().asInt()) { file.putInt(i); } }
            case LONG -> { for (long l : c.data().asLong()) { file.putLong(l); } }
            case BOOL, BYTE, UBYTE -> { for (long i = 0; i < n; i++) { file.put((byte) c.data().getInt(i)); } }
            case SHORT -> { for (long i = 0; i < n; i++) { file.putShort((short) c.data().getInt(i)); } }
            default -> throw new IllegalArgumentException("dtype " + t + " cannot be stored in a .mge file");
        }
    }

    private void attr(Object v) {
        if (v instanceof Long l) {
            u8(MgeFormat.ATTR_INT);
            i64(l);
        } else if (v instanceof Double d) {
            u8(MgeFormat.ATTR_FLOAT);
            i64(Double.doubleToRawLongBits(d));
        } else if (v instanceof Boolean b) {
            u8(MgeFormat.ATTR_BOOL);
            u8(b ? 1 : 0);
        } else if (v instanceof String s) {
            u8(MgeFormat.ATTR_STRING);
            str(s);
        } else if (v instanceof long[] list) {
            u8(MgeFormat.ATTR_INTS);
            u32(list.length);
            for (long x : list) {
                i64(x);
            }
        } else {
            throw new IllegalArgumentException("attribute value " + v + " cannot be stored in a .mge file");
        }
    }

    private void u8(int v) {
        out.write(v);
    }

    private void u16(int v) {
        out.write(v);
        out.write(v >>> 8);
    }

    private void u32(int v) {
        for (int i = 0; i < 4; i++) {
            out.write(v >>> (8 * i));
        }
    }

    private void i64(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
    }

    private void str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > MgeFormat.MAX_STRING) {
            throw new IllegalArgumentException("name longer than " + MgeFormat.MAX_STRING + " bytes: " + s.substring(0, 40) + "...");
        }
        u16(b.length);
        out.write(b, 0, b.length);
    }
}
