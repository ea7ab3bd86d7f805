package org.mge4j.jit;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mge4j.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A static graph: input vars, constant vars, and ops in execution order, each op writing one var. What a
 * symbolic trace replays, what optimisation passes rewrite, and what {@code .mge} and ONNX files hold.
 * Vars and ops are linked by reference, so passes rewire them without index bookkeeping.
 */
final class Graph {
    /** Where a var's value comes from. */
    enum Role { INPUT, CONST, INTERNAL }

    /** A value in the graph. A const holds either a fixed array or a live tensor read at every run. */
    static final class Var {
        final Role role;
        String name;
        long[] shape;
        DataType dtype;
        INDArray value;
        Tensor live;
        Node producer;

        Var(Role role, String name, long[] shape, DataType dtype) {
            this.role = role;
            this.name = name;
            this.shape = shape;
            this.dtype = dtype;
        }

        /** A const's value now: the fixed array, or the live tensor's current data. */
        INDArray constValue() {
            return value != null ? value : live.nd();
        }

        boolean isConst() {
            return role == Role.CONST;
        }

        @Override
        public String toString() {
            return name == null ? role.name().toLowerCase() + Tensor.shapeString(shape) : name;
        }
    }

    /** One op: its kind, attributes, inputs (an absent optional input is null) and the var it writes. */
    static final class Node {
        OpKind kind;
        Map<String, Object> attrs;
        Var[] inputs;
        Var output;
        /** The eager op's name, for ops with no graph form (then kind is null). */
        final String opName;

        Node(OpKind kind, String opName, Map<String, Object> attrs, Var[] inputs, Var output) {
            this.kind = kind;
            this.opName = opName;
            this.attrs = new LinkedHashMap<>(attrs);
            this.inputs = inputs;
            this.output = output;
            output.producer = this;
        }

        long longAttr(String name) {
            return (Long) attrs.get(name);
        }

        int[] intsAttr(String name) {
            long[] v = (long[]) attrs.get(name);
            int[] out = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = Math.toIntExact(v[i]);
            }
            return out;
        }

        boolean boolAttr(String name) {
            return (Boolean) attrs.get(name);
        }

        double doubleAttr(String name) {
            return (Double) attrs.get(name);
        }
    }

    final List<Var> inputs = new ArrayList<>();
    final List<Var> consts = new ArrayList<>();
    final List<Node> nodes = new ArrayList<>();
    final List<Var> outputs = new ArrayList<>();
    final List<String> outputNames = new ArrayList<>();

    /** The first op with no graph form, or null. */
    Node firstUntraceable() {
        for (Node n : nodes) {
            if (n.kind == null) {
                return n;
            }
        }
        return null;
    }

    /** How many ops read each var (graph outputs count as readers). */
    Map<Var, Integer> readers() {
        Map<Var, Integer> count = new IdentityHashMap<>();
        for (Node n : nodes) {
            for (Var v : n.inputs) {
                if (v != null) {
                    count.merge(v, 1, Integer::sum);
                }
            }
        }
        for (Var v : outputs) {
            count.merge(v, 1, Integer::sum);
        }
        return count;
    }

    /** Makes every reader of {@code from} (ops and graph outputs) read {@code to} instead. */
    void replaceUses(Var from, Var to) {
        for (Node n : nodes) {
            for (int i = 0; i < n.inputs.length; i++) {
                if (n.inputs[i] == from) {
                    n.inputs[i] = to;
                }
            }
        }
        for (int i = 0; i < outputs.size(); i++) {
            if (outputs.get(i) == from) {
                outputs.set(i, to);
            }
        }
    }

    /** A new const var holding {@code value}. */
    Var addConst(String name, INDArray value) {
        Var v = new Var(Role.CONST, name, value.shape(), value.dataType());
        v.value = value;
        consts.add(v);
        return v;
    }

    /**
     * A copy whose consts hold fixed arrays (live tensors are read now and copied), sharing nothing mutable with
     * this graph: what dump optimises and writes.
     */
    Graph frozenCopy() {
        return copy(true);
    }

    /** A copy with its own vars and ops whose consts share this graph's arrays and live tensors: for replay. */
    Graph frozenCopyKeepingLive() {
        return copy(false);
    }

    private Graph copy(boolean freeze) {
        Graph g = new Graph();
        Map<Var, Var> map = new IdentityHashMap<>();
        for (Var v : inputs) {
            Var c = new Var(Role.INPUT, v.name, v.shape.clone(), v.dtype);
            map.put(v, c);
            g.inputs.add(c);
        }
        for (Var v : consts) {
            Var c = new Var(Role.CONST, v.name, v.shape.clone(), v.dtype);
            if (freeze) {
                try (var ignored = org.nd4j.linalg.factory.Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                    c.value = v.constValue().dup('c');
                }
                c.shape = c.value.shape();
                c.dtype = c.value.dataType();
            } else {
                c.value = v.value;
                c.live = v.live;
            }
            map.put(v, c);
            g.consts.add(c);
        }
        for (Node n : nodes) {
            Var[] in = new Var[n.inputs.length];
            for (int i = 0; i < in.length; i++) {
                in[i] = n.inputs[i] == null ? null : map.get(n.inputs[i]);
            }
            Var out = new Var(Role.INTERNAL, n.output.name, n.output.shape.clone(), n.output.dtype);
            map.put(n.output, out);
            g.nodes.add(new Node(n.kind, n.opName, n.attrs, in, out));
        }
        for (Var v : outputs) {
            g.outputs.add(map.get(v));
        }
        g.outputNames.addAll(outputNames);
        return g;
    }

    /** Drops consts no op or output reads. */
    void pruneConsts() {
        Map<Var, Integer> readers = readers();
        consts.removeIf(v -> !readers.containsKey(v));
    }

    /** Total bytes of the const values. */
    long constBytes() {
        long total = 0;
        for (Var v : consts) {
            total += v.constValue().length() * v.constValue().dataType().width();
        }
        return total;
    }
}
