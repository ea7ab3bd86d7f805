package org.mge4j.jit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes a {@link Graph} as an ONNX model: IR version 8, opset 13, constants as initializers with little-endian
 * {@code raw_data}, the first input axis symbolic ({@code N}) so any batch size runs. Every graph op maps to
 * standard ONNX ops; an op with no faithful mapping is refused with its name.
 */
final class OnnxExporter {
    static final int IR_VERSION = 8;
    static final int OPSET = 13;

    private final Graph g;
    private final Proto graph = new Proto();
    private final Map<Graph.Var, String> names = new IdentityHashMap<>();
    private final Set<String> used = new HashSet<>();
    private int counter;

    private OnnxExporter(Graph g) {
        this.g = g;
    }

    static byte[] export(Graph g, List<String> outputNames) {
        return new OnnxExporter(g).build(outputNames);
    }

    private byte[] build(List<String> outputNames) {
        for (Graph.Var v : g.inputs) {
            names.put(v, unique(v.name));
            graph.message(11, valueInfo(names.get(v), v.dtype, v.shape, true));
        }
        for (Graph.Var c : g.consts) {
            names.put(c, unique(c.name == null ? "const" : c.name));   // written when an op reads it as it is
        }
        // an op whose result is an output writes it under the output's name
        Set<Graph.Var> named = new HashSet<>();
        for (int i = 0; i < g.outputs.size(); i++) {
            Graph.Var v = g.outputs.get(i);
            if (v.role == Graph.Role.INTERNAL && !names.containsKey(v)) {
                names.put(v, unique(outputNames.get(i)));
                named.add(v);
            }
        }
        for (Graph.Node n : g.nodes) {
            if (!names.containsKey(n.output)) {
                names.put(n.output, unique("t" + counter++));
            }
            node(n);
        }
        for (int i = 0; i < g.outputs.size(); i++) {
            Graph.Var v = g.outputs.get(i);
            String want = outputNames.get(i);
            if (!names.get(v).equals(want)) {
                String out = unique(want);
                emit("Identity", List.of(names.get(v)), out, new Proto[0]);
                want = out;
            }
            // the traced shape, the first axis symbolic as for the inputs (onnx.checker's full check wants a shape)
            if (v.isConst()) {
                initializer(v);
            }
            graph.message(12, v.isConst() ? valueInfo(want, v.constValue().dataType(), v.constValue().shape(), false)
                    : valueInfo(want, v.dtype, v.shape, v.shape.length > 0));
        }
        graph.string(2, "mge4j");
        Proto model = new Proto().varint(1, IR_VERSION).string(2, "mge4j").string(3, "0.1")
                .message(7, graph).message(8, new Proto().string(1, "").varint(2, OPSET));
        return model.toByteArray();
    }

    private void node(Graph.Node n) {
        List<String> in = new ArrayList<>();
        for (Graph.Var v : n.inputs) {
            in.add(names.get(v));
        }
        boolean flatBias = n.kind == OpKind.CONV2D || n.kind == OpKind.LINEAR || n.kind == OpKind.BATCH_NORM;
        for (int i = 0; i < n.inputs.length; i++) {
            // conv and linear biases and batch_norm statistics are written flattened by flatConst
            if (n.inputs[i].isConst() && !(flatBias && i >= (n.kind == OpKind.BATCH_NORM ? 1 : 2))) {
                initializer(n.inputs[i]);
            }
        }
        String out = names.get(n.output);
        switch (n.kind) {
            case CONV2D -> {
                int[] p = n.intsAttr("padding");
                List<String> args = new ArrayList<>(in.subList(0, 2));
                if (in.size() > 2) {
                    args.add(flatConst(n.inputs[2]));
                }
                long[] w = n.inputs[1].shape;
                String conv = fused(n, out);
                emit("Conv", args, conv, ints("kernel_shape", w[2], w[3]), ints("strides", n.intsAttr("stride")),
                        ints("pads", p[0], p[1], p[0], p[1]), ints("dilations", n.intsAttr("dilation")));
                relu(n, conv, out);
            }
            case LINEAR -> {
                if (n.output.shape.length != 2) {
                    throw refuse(n, "linear on a " + n.output.shape.length + "-D input");
                }
                List<String> args = new ArrayList<>(in.subList(0, 2));
                if (in.size() > 2) {
                    args.add(flatConst(n.inputs[2]));
                }
                String lin = fused(n, out);
                emit("Gemm", args, lin, intAttr("transB", 1));
                relu(n, lin, out);
            }
            case MATMUL -> {
                if (n.inputs[0].shape.length != 2 || n.inputs[1].shape.length != 2) {
                    throw refuse(n, "batched matmul");
                }
                emit("Gemm", in, out, intAttr("transA", n.boolAttr("transpose_a") ? 1 : 0),
                        intAttr("transB", n.boolAttr("transpose_b") ? 1 : 0));
            }
            case ADD -> emit("Add", in, out);
            case SUB -> emit("Sub", in, out);
            case MUL -> emit("Mul", in, out);
            case DIV -> emit("Div", in, out);
            case POW -> emit("Pow", in, out);
            case MAXIMUM -> emit("Max", in, out);
            case MINIMUM -> emit("Min", in, out);
            case NEG -> emit("Neg", in, out);
            case EXP -> emit("Exp", in, out);
            case LOG -> emit("Log", in, out);
            case SQRT -> emit("Sqrt", in, out);
            case ABS -> emit("Abs", in, out);
            case RELU -> emit("Relu", in, out);
            case SIGMOID -> emit("Sigmoid", in, out);
            case TANH -> emit("Tanh", in, out);
            case LEAKY_RELU -> emit("LeakyRelu", in, out, floatAttr("alpha", n.doubleAttr("negative_slope")));
            case SOFTMAX -> emit("Softmax", in, out, intAttr("axis", n.longAttr("axis")));
            case LOG_SOFTMAX -> emit("LogSoftmax", in, out, intAttr("axis", n.longAttr("axis")));
            case MAX_POOL2D -> emit("MaxPool", in, out, pool(n));
            case AVG_POOL2D -> {
                Proto[] attrs = pool(n);
                Proto[] all = java.util.Arrays.copyOf(attrs, attrs.length + 1);
                all[attrs.length] = intAttr("count_include_pad", "average".equals(n.attrs.get("mode")) ? 1 : 0);
                emit("AveragePool", in, out, all);
            }
            case BATCH_NORM -> {
                if (n.boolAttr("training")) {
                    throw refuse(n, "batch_norm in training mode");
                }
                long c = n.inputs[1].constValue().length();
                String scale = addConst("bn_scale", Nd4j.ones(n.inputs[1].constValue().dataType(), c));
                String bias = addConst("bn_bias", Nd4j.zeros(n.inputs[1].constValue().dataType(), c));
                emit("BatchNormalization", List.of(in.get(0), scale, bias, flatConst(n.inputs[1]), flatConst(n.inputs[2])), out,
                        floatAttr("epsilon", n.doubleAttr("eps")));
            }
            case RESHAPE -> emit("Reshape", List.of(in.get(0), addConst("shape", Nd4j.createFromArray((long[]) n.attrs.get("shape")))), out);
            case FLATTEN -> {
                int rank = n.inputs[0].shape.length;
                int s = (int) n.longAttr("start_axis");
                int e = (int) n.longAttr("end_axis");
                long[] shape = new long[rank - (e - s)];
                shape[s] = -1;
                emit("Reshape", List.of(in.get(0), addConst("shape", Nd4j.createFromArray(shape))), out);
            }
            case TRANSPOSE -> emit("Transpose", in, out, ints("perm", n.intsAttr("pattern")));
            case CONCAT -> emit("Concat", in, out, intAttr("axis", n.longAttr("axis")));
            case SUM -> {
                long[] axes = (long[]) n.attrs.get("axes");
                List<String> args = axes.length == 0 ? in : List.of(in.get(0), addConst("axes", Nd4j.createFromArray(axes)));
                emit("ReduceSum", args, out, intAttr("keepdims", n.boolAttr("keepdims") ? 1 : 0));
            }
            case MEAN -> emit("ReduceMean", in, out, reduce(n));
            case MAX -> emit("ReduceMax", in, out, reduce(n));
            case MIN -> emit("ReduceMin", in, out, reduce(n));
            case DROPOUT -> {
                if (n.boolAttr("training")) {
                    throw refuse(n, "dropout in training mode");
                }
                emit("Identity", in, out);
            }
            case IDENTITY -> emit("Identity", in, out);
        }
    }

    private String fused(Graph.Node n, String out) {
        return "relu".equals(n.attrs.get("nonlinearity")) ? unique(out + "_pre_relu") : out;
    }

    private void relu(Graph.Node n, String pre, String out) {
        if ("relu".equals(n.attrs.get("nonlinearity"))) {
            emit("Relu", List.of(pre), out);
        }
    }

    private Proto[] pool(Graph.Node n) {
        int[] p = n.intsAttr("padding");
        return new Proto[] {ints("kernel_shape", n.intsAttr("kernel")), ints("strides", n.intsAttr("stride")),
            ints("pads", p[0], p[1], p[0], p[1])};
    }

    private Proto[] reduce(Graph.Node n) {
        long[] axes = (long[]) n.attrs.get("axes");
        Proto keep = intAttr("keepdims", n.boolAttr("keepdims") ? 1 : 0);
        return axes.length == 0 ? new Proto[] {keep} : new Proto[] {keep, ints("axes", axes)};
    }

    private static IllegalStateException refuse(Graph.Node n, String what) {
        return new IllegalStateException("cannot export op '" + n.kind.opName + "' to ONNX: " + what + " has no ONNX form in mge4j yet; dump to .mge instead");
    }

    private String flatConst(Graph.Var c) {
        INDArray v = c.constValue();
        if (v.rank() == 1) {
            initializer(c);
            return names.get(c);
        }
        return addConst(names.get(c) + "_flat", v.reshape(v.length()));
    }

    private final Set<Graph.Var> written = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

    /** Writes a const as an initializer under its name, once. */
    private void initializer(Graph.Var c) {
        if (written.add(c)) {
            graph.message(5, tensor(names.get(c), c.constValue()));
        }
    }

    private String addConst(String base, INDArray value) {
        String name = unique(base);
        graph.message(5, tensor(name, value));
        return name;
    }

    private void emit(String op, List<String> inputs, String output, Proto... attrs) {
        Proto node = new Proto();
        for (String i : inputs) {
            node.string(1, i);
        }
        node.string(2, output).string(3, output + "_" + op).string(4, op);
        for (Proto a : attrs) {
            node.message(5, a);
        }
        graph.message(1, node);
    }

    private String unique(String base) {
        String name = base;
        for (int k = 1; !used.add(name); k++) {
            name = base + "_" + k;
        }
        return name;
    }

    private static Proto intAttr(String name, long v) {
        return new Proto().string(1, name).varint(20, 2).varint(3, v);
    }

    private static Proto floatAttr(String name, double v) {
        return new Proto().string(1, name).varint(20, 1).float32(2, (float) v);
    }

    private static Proto ints(String name, long... v) {
        Proto p = new Proto().string(1, name).varint(20, 7);
        for (long x : v) {
            p.varint(8, x);
        }
        return p;
    }

    private static Proto ints(String name, int... v) {
        return ints(name, java.util.Arrays.stream(v).asLongStream().toArray());
    }

    static int elemType(DataType t) {
        return switch (t) {
            case FLOAT -> 1;
            case DOUBLE -> 11;
            case INT -> 6;
            case LONG -> 7;
            case BOOL -> 9;
            case BYTE -> 3;
            case UBYTE -> 2;
            case SHORT -> 5;
            default -> throw new IllegalArgumentException("dtype " + t + " has no ONNX type here");
        };
    }

    private static Proto valueInfo(String name, DataType dtype, long[] shape, boolean batchAxis) {
        Proto tensorType = new Proto().varint(1, elemType(dtype));
        if (shape != null) {
            Proto s = new Proto();
            for (int i = 0; i < shape.length; i++) {
                s.message(1, i == 0 && batchAxis ? new Proto().string(2, "N") : new Proto().varint(1, shape[i]));
            }
            tensorType.message(2, s);
        }
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    private static Proto tensor(String name, INDArray value) {
        INDArray c = value.dup('c');
        DataType t = c.dataType();
        ByteBuffer b = ByteBuffer.allocate((int) (c.length() * t.width())).order(ByteOrder.LITTLE_ENDIAN);
        switch (t) {
            case FLOAT -> { for (float f : c.data().asFloat()) { b.putFloat(f); } }
            case DOUBLE -> { for (double d : c.data().asDouble()) { b.putDouble(d); } }
            case INT -> { for (int i : c.data().asInt()) { b.putInt(i); } }
            case LONG -> { for (long l : c.data().asLong()) { b.putLong(l); } }
            default -> throw new IllegalArgumentException("constant of dtype " + t + " cannot be exported to ONNX yet");
        }
        Proto p = new Proto();
        for (long d : c.shape()) {
            p.varint(1, d);
        }
        return p.varint(2, elemType(t)).string(8, name).bytes(9, b.array());
    }
}
