package org.mge4j.jit;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads a {@code .mge} file ({@link MgeFormat}) into a {@link Graph}, validating before allocating: the header,
 * the checksum, every count against the bytes left, every var index against the vars defined so far, every shape
 * against the size limits, every op's code, arity and attributes. It builds data only; nothing in a file names code.
 */
final class MgeReader {
    private final String file;
    private final ByteBuffer buf;

    private MgeReader(String file, ByteBuffer buf) {
        this.file = file;
        this.buf = buf;
    }

    /** The graph in {@code bytes}; {@code file} names it in errors. Output names go to {@code Graph.outputNames}. */
    static Graph read(String file, byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        MgeReader r = new MgeReader(file, b);
        try {
            return r.read(bytes);
        } catch (BufferUnderflowException e) {
            throw r.fail("it ends in the middle of a record (truncated?)");
        }
    }

    private Graph read(byte[] bytes) {
        if (bytes.length < MgeFormat.HEADER) {
            throw fail("it has " + bytes.length + " bytes, fewer than the 64-byte header (truncated, or not a .mge file)");
        }
        byte[] magic = new byte[8];
        buf.get(magic);
        if (!Arrays.equals(magic, MgeFormat.MAGIC)) {
            throw fail("it does not start with the .mge magic \"MGE4JGR\" (it is not a graph dumped by mge4j; "
                    + "MegEngine's own .mge files are a different format)");
        }
        int version = buf.getInt();
        if (version != MgeFormat.VERSION) {
            throw fail("it is format version " + Integer.toUnsignedString(version) + ", and this mge4j reads version "
                    + MgeFormat.VERSION + " (dump it again, or use a newer mge4j)");
        }
        if (buf.getInt() != 0) {
            throw fail("its header flags are not 0: it needs features this mge4j does not have");
        }
        long graphOffset = buf.getLong();
        long graphLength = buf.getLong();
        long weightsOffset = buf.getLong();
        long weightsLength = buf.getLong();
        int crc = buf.getInt();
        if (graphOffset != MgeFormat.HEADER || graphLength < 0 || graphLength > bytes.length - MgeFormat.HEADER) {
            throw fail("its graph section (offset " + graphOffset + ", " + graphLength + " bytes) does not lie inside its "
                    + bytes.length + " bytes");
        }
        if (weightsOffset < graphOffset + graphLength || weightsOffset % MgeFormat.ALIGN != 0 || weightsLength < 0
                || weightsOffset > bytes.length || weightsLength != bytes.length - weightsOffset) {
            throw fail("its weights section (offset " + weightsOffset + ", " + weightsLength + " bytes) does not end the "
                    + bytes.length + "-byte file at a 64-byte aligned offset (truncated or extended?)");
        }
        CRC32C check = new CRC32C();
        check.update(bytes, MgeFormat.HEADER, bytes.length - MgeFormat.HEADER);
        if ((int) check.getValue() != crc) {
            throw fail("its checksum does not match its content (CRC32C " + Integer.toHexString((int) check.getValue())
                    + ", header says " + Integer.toHexString(crc) + "): the file is damaged");
        }
        ByteBuffer section = ByteBuffer.wrap(bytes, MgeFormat.HEADER, (int) graphLength).slice().order(ByteOrder.LITTLE_ENDIAN);
        MgeReader g = new MgeReader(file, section);
        Graph graph = g.graph(bytes, weightsOffset, weightsLength);
        if (section.hasRemaining()) {
            throw fail("its graph section has " + section.remaining() + " bytes after the last output");
        }
        return graph;
    }

    private Graph graph(byte[] bytes, long weightsOffset, long weightsLength) {
        Graph graph = new Graph();
        int nVars = count("vars", MgeFormat.MAX_VARS, 12);
        Graph.Var[] vars = new Graph.Var[nVars];
        int[] roles = new int[nVars];
        for (int i = 0; i < nVars; i++) {
            String name = str();
            int role = u8();
            DataType dtype = MgeFormat.dtype(u8());
            if (dtype == null) {
                throw fail("var " + i + " has an unknown dtype code");
            }
            int rank = u8();
            if (rank > MgeFormat.MAX_RANK) {
                throw fail("var " + i + " has rank " + rank + ", more than " + MgeFormat.MAX_RANK);
            }
            long[] shape = new long[rank];
            long elements = 1;
            for (int d = 0; d < rank; d++) {
                shape[d] = buf.getLong();
                if (shape[d] < 0 || shape[d] > MgeFormat.MAX_ELEMENTS || (elements *= Math.max(shape[d], 1)) > MgeFormat.MAX_ELEMENTS) {
                    throw fail("var " + i + " ('" + name + "') has shape " + Arrays.toString(Arrays.copyOf(shape, d + 1))
                            + ", beyond " + MgeFormat.MAX_ELEMENTS + " elements");
                }
            }
            Graph.Role r = switch (role) {
                case MgeFormat.ROLE_INPUT -> Graph.Role.INPUT;
                case MgeFormat.ROLE_CONST -> Graph.Role.CONST;
                case MgeFormat.ROLE_INTERNAL -> Graph.Role.INTERNAL;
                default -> throw fail("var " + i + " has an unknown role " + role);
            };
            Graph.Var v = new Graph.Var(r, name.isEmpty() ? null : name, shape, dtype);
            if (r == Graph.Role.CONST) {
                long offset = buf.getLong();
                long length = buf.getLong();
                long want = Arrays.stream(shape).reduce(1, (a, b) -> a * b) * dtype.width();
                if (length != want || offset < 0 || offset % MgeFormat.ALIGN != 0 || offset > weightsLength
                        || length > weightsLength - offset) {
                    throw fail("constant var " + i + " ('" + name + "') claims " + length + " bytes at offset " + offset
                            + "; its shape " + Arrays.toString(shape) + " of " + dtype + " needs " + want
                            + " bytes inside the " + weightsLength + "-byte weights section");
                }
                v.value = values(bytes, weightsOffset + offset, shape, dtype);
                graph.consts.add(v);
            }
            vars[i] = v;
            roles[i] = role;
        }
        boolean[] defined = new boolean[nVars];
        for (int i = 0; i < nVars; i++) {
            defined[i] = roles[i] != MgeFormat.ROLE_INTERNAL;
        }
        int nOps = count("ops", MgeFormat.MAX_OPS, 8);
        for (int i = 0; i < nOps; i++) {
            int code = u16();
            OpKind kind = OpKind.byCode(code);
            if (kind == null) {
                throw fail("op " + i + " has unknown op code " + code + " (written by a newer mge4j?)");
            }
            int nIn = u8();
            if (nIn < kind.minInputs || nIn > kind.maxInputs) {
                throw fail("op " + i + " (" + kind.opName + ") has " + nIn + " inputs; it takes " + kind.minInputs
                        + (kind.maxInputs != kind.minInputs ? " to " + kind.maxInputs : ""));
            }
            Graph.Var[] in = new Graph.Var[nIn];
            for (int j = 0; j < nIn; j++) {
                int id = buf.getInt();
                if (id == -1) {
                    throw fail("op " + i + " (" + kind.opName + ") has an absent input " + j);
                }
                checkIndex(id, nVars, "input " + j + " of op " + i);
                if (!defined[id]) {
                    throw fail("op " + i + " (" + kind.opName + ") reads var " + id + " before any op writes it");
                }
                in[j] = vars[id];
            }
            int out = buf.getInt();
            checkIndex(out, nVars, "the result of op " + i);
            if (roles[out] != MgeFormat.ROLE_INTERNAL || defined[out]) {
                throw fail("op " + i + " (" + kind.opName + ") writes var " + out + ", which is an input, a constant or written already");
            }
            defined[out] = true;
            int nAttrs = u8();
            Map<String, Object> attrs = new LinkedHashMap<>();
            for (int a = 0; a < nAttrs; a++) {
                String key = str();
                if (attrs.put(key, attr(key)) != null) {
                    throw fail("op " + i + " (" + kind.opName + ") repeats attribute '" + key + "'");
                }
            }
            String problem = kind.checkAttributes(attrs);
            if (problem != null) {
                throw fail("op " + i + " (" + kind.opName + "): " + problem);
            }
            graph.nodes.add(new Graph.Node(kind, kind.opName, attrs, in, vars[out]));
        }
        int nInputs = count("inputs", nVars, 4);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < nInputs; i++) {
            int id = buf.getInt();
            checkIndex(id, nVars, "graph input " + i);
            if (roles[id] != MgeFormat.ROLE_INPUT || vars[id].name == null || !names.add(vars[id].name)) {
                throw fail("graph input " + i + " is var " + id + ", which is not a uniquely named input var");
            }
            graph.inputs.add(vars[id]);
        }
        int nOutputs = count("outputs", nVars, 6);
        if (nOutputs == 0) {
            throw fail("it has no outputs");
        }
        Set<String> outNames = new HashSet<>();
        for (int i = 0; i < nOutputs; i++) {
            String name = str();
            int id = buf.getInt();
            checkIndex(id, nVars, "output " + i);
            if (!defined[id] || !outNames.add(name)) {
                throw fail("output " + i + " ('" + name + "') is var " + id + ", which no op writes, or its name repeats");
            }
            graph.outputs.add(vars[id]);
            graph.outputNames.add(name);
        }
        for (int i = 0; i < nVars; i++) {
            if (roles[i] == MgeFormat.ROLE_INPUT && !graph.inputs.contains(vars[i])) {
                throw fail("input var " + i + " is not listed among the graph's inputs");
            }
        }
        return graph;
    }

    private INDArray values(byte[] bytes, long start, long[] shape, DataType dtype) {
        ByteBuffer b = ByteBuffer.wrap(bytes, (int) start, bytes.length - (int) start).slice().order(ByteOrder.LITTLE_ENDIAN);
        int n = Math.toIntExact(Arrays.stream(shape).reduce(1, (x, y) -> x * y));
        INDArray out = switch (dtype) {
            case FLOAT -> { float[] v = new float[n]; b.asFloatBuffer().get(v); yield Nd4j.create(v, shape, 'c'); }
            case DOUBLE -> { double[] v = new double[n]; b.asDoubleBuffer().get(v); yield Nd4j.create(v, shape, 'c'); }
            case INT -> { int[] v = new int[n]; b.asIntBuffer().get(v); yield Nd4j.createFromArray(v).reshape('c', shape); }
            case LONG -> { long[] v = new long[n]; b.asLongBuffer().get(v); yield Nd4j.createFromArray(v).reshape('c', shape); }
            default -> {
                INDArray a = Nd4j.create(dtype, shape);
                for (int i = 0; i < n; i++) {
                    a.data().put(i, dtype == DataType.SHORT ? b.getShort() : b.get());
                }
                yield a;
            }
        };
        return out;
    }

    private Object attr(String key) {
        int type = u8();
        return switch (type) {
            case MgeFormat.ATTR_INT -> buf.getLong();
            case MgeFormat.ATTR_FLOAT -> Double.longBitsToDouble(buf.getLong());
            case MgeFormat.ATTR_BOOL -> {
                int v = u8();
                if (v > 1) {
                    throw fail("boolean attribute '" + key + "' holds " + v);
                }
                yield v == 1;
            }
            case MgeFormat.ATTR_STRING -> str();
            case MgeFormat.ATTR_INTS -> {
                int n = count("values of attribute '" + key + "'", MgeFormat.MAX_ATTR_LIST, 8);
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = buf.getLong();
                }
                yield v;
            }
            default -> throw fail("attribute '" + key + "' has unknown type " + type);
        };
    }

    private int count(String what, int max, int minBytesEach) {
        long n = Integer.toUnsignedLong(buf.getInt());
        if (n > max || n * minBytesEach > buf.remaining()) {
            throw fail("it claims " + n + " " + what + ", more than " + (n > max ? "the limit of " + max : "its remaining "
                    + buf.remaining() + " bytes can hold"));
        }
        return (int) n;
    }

    private void checkIndex(int id, int nVars, String what) {
        if (id < 0 || id >= nVars) {
            throw fail(what + " names var " + Integer.toUnsignedString(id) + ", but there are " + nVars + " vars");
        }
    }

    private int u8() {
        return buf.get() & 0xff;
    }

    private int u16() {
        return buf.getShort() & 0xffff;
    }

    private String str() {
        int n = u16();
        if (n > MgeFormat.MAX_STRING || n > buf.remaining()) {
            throw fail("a name claims " + n + " bytes, beyond the limit of " + MgeFormat.MAX_STRING + " or the bytes left");
        }
        byte[] b = new byte[n];
        buf.get(b);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw fail("a name is not valid UTF-8");
        }
    }

    private MgeFileException fail(String what) {
        return new MgeFileException("cannot load " + file + " as a .mge graph: " + what);
    }

    static List<String> names(List<Graph.Var> vars) {
        List<String> out = new ArrayList<>();
        for (Graph.Var v : vars) {
            out.add(v.name);
        }
        return out;
    }
}
