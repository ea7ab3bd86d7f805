package org.mge4j.jit;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mge4j.Tensor;
import org.mge4j.functional.F;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs a {@link Graph} over ND4J: each op once, in order, with no autodiff, hooks or module dispatch. Most ops
 * call the same functional code as eager mode, so results agree with eager to the bit; convolution and linear run
 * here directly, because optimisation may have fused a relu into them.
 */
final class Interpreter {
    private final Graph graph;
    private final Map<Graph.Var, Integer> slot = new IdentityHashMap<>();
    private final int[][] inputSlots;
    private final int[] outputSlot;
    private final int[] resultSlots;
    private final int size;

    Interpreter(Graph graph) {
        this.graph = graph;
        int n = 0;
        for (Graph.Var v : graph.inputs) {
            slot.put(v, n++);
        }
        for (Graph.Var v : graph.consts) {
            slot.put(v, n++);
        }
        inputSlots = new int[graph.nodes.size()][];
        outputSlot = new int[graph.nodes.size()];
        for (int i = 0; i < graph.nodes.size(); i++) {
            Graph.Node node = graph.nodes.get(i);
            if (node.kind == null) {
                throw new TraceError.NotTraceable(node.opName);
            }
            int[] in = new int[node.inputs.length];
            for (int j = 0; j < in.length; j++) {
                in[j] = node.inputs[j] == null ? -1 : slotOf(node.inputs[j]);
            }
            inputSlots[i] = in;
            slot.put(node.output, n);
            outputSlot[i] = n++;
        }
        resultSlots = new int[graph.outputs.size()];
        for (int i = 0; i < resultSlots.length; i++) {
            resultSlots[i] = slotOf(graph.outputs.get(i));
        }
        size = n;
    }

    private int slotOf(Graph.Var v) {
        Integer s = slot.get(v);
        if (s == null) {
            throw new IllegalStateException("graph var " + v + " is read before it is written");
        }
        return s;
    }

    /**
     * The prepared forms of the graph for one set of input shapes: ND4J's, and the Java one where the graph has it.
     * Which runs is decided by timing on the first call. A decision for ND4J is taken again at the first call 1 s
     * and 5 s later: C2 compiles the Java kernels in the background, seconds after they first ran on a busy machine,
     * so a cold decision can favour ND4J wrongly.
     */
    private static final class Prepared {
        final CompiledPlan nd4j;
        final JavaPlan java;
        final long built = System.nanoTime();
        boolean useJava;
        int rechecks;

        Prepared(CompiledPlan nd4j, JavaPlan java, boolean useJava) {
            this.nd4j = nd4j;
            this.java = java;
            this.useJava = useJava;
        }

        boolean recheckDue() {
            return java != null && !useJava && rechecks < 2
                    && System.nanoTime() - built > (rechecks == 0 ? 1_000_000_000L : 5_000_000_000L);
        }
    }

    /** Prepared forms for the last few input shapes (a last, smaller batch does not throw away the full one's). */
    private final Map<List<Long>, Prepared> prepared = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Long>, Prepared> eldest) {
            return size() > 4;
        }
    };

    private static List<Long> shapeKey(INDArray[] inputs) {
        List<Long> key = new ArrayList<>();
        for (INDArray in : inputs) {
            key.add((long) in.rank());
            key.add((long) in.dataType().ordinal());
            for (long d : in.shape()) {
                key.add(d);
            }
        }
        return key;
    }

    /**
     * The graph's outputs for {@code inputs} (in the graph's input order). The first call with new input shapes runs
     * op by op and prepares the graph for those shapes: a {@link CompiledPlan} over ND4J and, where every op has one,
     * a {@link JavaPlan} in Java, kept when it is faster ({@link PlanTiming}). Later calls with the same shapes use
     * them. One call at a time: prepared forms reuse their memory.
     */
    synchronized INDArray[] run(INDArray[] inputs) {
        Prepared ready = prepared.get(shapeKey(inputs));
        if (ready != null && ready.recheckDue() && "auto".equals(JavaPlan.mode())) {
            ready.rechecks++;
            ready.useJava = PlanTiming.javaIsFaster(ready.java, ready.nd4j, values(inputs), inputs, resultSlots, false);
        }
        if (ready != null && ready.useJava) {
            return ready.java.run(inputs, resultSlots);
        }
        INDArray[] values = values(inputs);
        if (ready != null) {
            CompiledPlan plan = ready.nd4j;
            plan.run(values);
            INDArray[] out = new INDArray[resultSlots.length];
            for (int i = 0; i < out.length; i++) {
                INDArray v = values[resultSlots[i]];
                out[i] = plan.reuses(resultSlots[i]) ? v.dup() : v;
            }
            return out;
        }
        runEachOp(values);
        if (graph.nodes.stream().noneMatch(n -> n.kind == OpKind.BATCH_NORM && n.boolAttr("training") || n.kind == OpKind.DROPOUT)) {
            // ops with effects or randomness would run twice while the plan is checked: those graphs stay op by op
            CompiledPlan plan = CompiledPlan.build(graph.nodes, inputSlots, outputSlot, values.clone(), inputs.length);
            // live constants (a trace without captureAsConst) change between calls; the Java plan copies them once
            JavaPlan java = graph.consts.stream().allMatch(c -> c.value != null) && JavaPlan.available()
                    ? JavaPlan.build(graph.nodes, inputSlots, outputSlot, values.clone(), inputs.length) : null;
            boolean useJava = java != null
                    && (!"auto".equals(JavaPlan.mode()) || PlanTiming.javaIsFaster(java, plan, values, inputs, resultSlots, true));
            prepared.put(shapeKey(inputs), new Prepared(plan, java, useJava));
        }
        INDArray[] out = new INDArray[resultSlots.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[resultSlots[i]];
        }
        return out;
    }

    /** Which prepared form runs inputs of these shapes: "java", "nd4j", or "none" (not prepared: op by op). */
    synchronized String preparedForm(INDArray[] inputs) {
        Prepared ready = prepared.get(shapeKey(inputs));
        return ready == null ? "none" : ready.useJava ? "java" : "nd4j";
    }

    /** Inputs, then the constants' current values, then room for every op's result. */
    private INDArray[] values(INDArray[] inputs) {
        INDArray[] values = new INDArray[size];
        System.arraycopy(inputs, 0, values, 0, inputs.length);
        int k = inputs.length;
        for (Graph.Var c : graph.consts) {
            values[k++] = c.constValue();
        }
        return values;
    }

    private void runEachOp(INDArray[] values) {
        List<Graph.Node> nodes = graph.nodes;
        for (int i = 0; i < nodes.size(); i++) {
            Graph.Node node = nodes.get(i);
            int[] in = inputSlots[i];
            INDArray[] args = new INDArray[in.length];
            for (int j = 0; j < in.length; j++) {
                args[j] = in[j] < 0 ? null : values[in[j]];
            }
            values[outputSlot[i]] = exec(node, args);
        }
    }

    /** One op on arrays. */
    static INDArray exec(Graph.Node node, INDArray[] a) {
        Map<String, Object> at = node.attrs;
        return switch (node.kind) {
            case CONV2D -> conv2d(a[0], a[1], a.length > 2 ? a[2] : null, node.intsAttr("stride"), node.intsAttr("padding"),
                    node.intsAttr("dilation"), "relu".equals(at.get("nonlinearity")));
            case LINEAR -> linear(a[0], a[1], a.length > 2 ? a[2] : null, "relu".equals(at.get("nonlinearity")));
            case MATMUL -> matmul(a[0], a[1], node.boolAttr("transpose_a"), node.boolAttr("transpose_b"));
            case ADD -> F.add(t(a[0]), t(a[1])).nd();
            case SUB -> F.sub(t(a[0]), t(a[1])).nd();
            case MUL -> F.mul(t(a[0]), t(a[1])).nd();
            case DIV -> F.div(t(a[0]), t(a[1])).nd();
            case POW -> F.pow(t(a[0]), t(a[1])).nd();
            case MAXIMUM -> F.maximum(t(a[0]), t(a[1])).nd();
            case MINIMUM -> F.minimum(t(a[0]), t(a[1])).nd();
            case NEG -> F.neg(t(a[0])).nd();
            case EXP -> F.exp(t(a[0])).nd();
            case LOG -> F.log(t(a[0])).nd();
            case SQRT -> F.sqrt(t(a[0])).nd();
            case ABS -> F.abs(t(a[0])).nd();
            case RELU -> F.relu(t(a[0])).nd();
            case SIGMOID -> F.sigmoid(t(a[0])).nd();
            case TANH -> F.tanh(t(a[0])).nd();
            case LEAKY_RELU -> F.leakyRelu(t(a[0]), node.doubleAttr("negative_slope")).nd();
            case SOFTMAX -> F.softmax(t(a[0]), (int) node.longAttr("axis")).nd();
            case LOG_SOFTMAX -> F.logSoftmax(t(a[0]), (int) node.longAttr("axis")).nd();
            case MAX_POOL2D -> F.maxPool2d(t(a[0]), node.intsAttr("kernel"), node.intsAttr("stride"), node.intsAttr("padding")).nd();
            case AVG_POOL2D -> F.avgPool2d(t(a[0]), node.intsAttr("kernel"), node.intsAttr("stride"), node.intsAttr("padding"),
                    (String) at.get("mode")).nd();
            case BATCH_NORM -> F.batchNorm(t(a[0]), t(a[1]), t(a[2]), null, null, node.boolAttr("training"),
                    node.doubleAttr("momentum"), node.doubleAttr("eps")).nd();
            case RESHAPE -> F.reshape(t(a[0]), (long[]) at.get("shape")).nd();
            case FLATTEN -> F.flatten(t(a[0]), (int) node.longAttr("start_axis"), (int) node.longAttr("end_axis")).nd();
            case TRANSPOSE -> F.transpose(t(a[0]), node.intsAttr("pattern")).nd();
            case CONCAT -> F.concat(java.util.Arrays.stream(a).map(Interpreter::t).toList(), (int) node.longAttr("axis")).nd();
            case SUM -> F.sum(t(a[0]), axes(node), node.boolAttr("keepdims")).nd();
            case MEAN -> F.mean(t(a[0]), axes(node), node.boolAttr("keepdims")).nd();
            case MAX -> F.max(t(a[0]), axes(node), node.boolAttr("keepdims")).nd();
            case MIN -> F.min(t(a[0]), axes(node), node.boolAttr("keepdims")).nd();
            case DROPOUT -> F.dropout(t(a[0]), node.doubleAttr("drop_prob"), node.boolAttr("training")).nd();
            case IDENTITY -> a[0];
        };
    }

    private static Tensor t(INDArray a) {
        return Tensor.wrap(a);
    }

    private static int[] axes(Graph.Node node) {
        int[] ax = node.intsAttr("axes");
        return ax.length == 0 ? null : ax;
    }

    /** Convolution with bias (shape (out,) after flattening) and an optional relu applied in place. */
    static INDArray conv2d(INDArray x, INDArray w, INDArray b, int[] s, int[] p, int[] d, boolean relu) {
        if (d[0] != 1 || d[1] != 1) {
            // eager's path, which runs dilated convolutions without libnd4j's oneDNN helper (it refuses them)
            INDArray y = F.conv2d(t(x), t(w), b == null ? null : t(b), s, p, d, 1).nd();
            return relu ? F.relu(t(y)).nd() : y;
        }
        INDArray in = contiguous(x);
        INDArray wt = contiguous(w);
        long[] xs = in.shape();
        long[] ws = wt.shape();
        if (xs.length != 4 || ws.length != 4 || xs[1] != ws[1]) {
            throw new IllegalArgumentException("conv2d: input " + Tensor.shapeString(xs) + " does not fit weight " + Tensor.shapeString(ws));
        }
        int kh = (int) ws[2];
        int kw = (int) ws[3];
        long oh = Math.floorDiv(xs[2] + 2L * p[0] - (long) d[0] * (kh - 1) - 1, s[0]) + 1;
        long ow = Math.floorDiv(xs[3] + 2L * p[1] - (long) d[1] * (kw - 1) - 1, s[1]) + 1;
        if (oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException("conv2d: kernel " + kh + "x" + kw + " does not fit input " + Tensor.shapeString(xs));
        }
        INDArray out = Nd4j.createUninitialized(in.dataType(), xs[0], ws[0], oh, ow);
        INDArray[] inputs = b == null ? new INDArray[] {in, wt} : new INDArray[] {in, wt, b.reshape(ws[0]).castTo(in.dataType())};
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(inputs).addOutputs(out)
                .addIntegerArguments(kh, kw, s[0], s[1], p[0], p[1], d[0], d[1], 0, 0, 1).build());
        if (relu) {
            Nd4j.exec(new RectifiedLinear(out, out, 0.0));
        }
        return out;
    }

    /** {@code x @ w^T + b} over the last axis, with an optional relu in place. */
    static INDArray linear(INDArray x, INDArray w, INDArray b, boolean relu) {
        long in = w.size(1);
        if (x.rank() == 0 || x.size(x.rank() - 1) != in) {
            throw new IllegalArgumentException("linear: input " + Tensor.shapeString(x.shape()) + " does not end in " + in + " features");
        }
        INDArray x2 = x.rank() == 2 ? contiguous(x) : contiguous(x).reshape('c', -1, in);
        INDArray out = Nd4j.gemm(x2, contiguous(w), false, true);
        if (b != null) {
            out.addiRowVector(b.reshape(w.size(0)).castTo(out.dataType()));
        }
        if (relu) {
            Nd4j.exec(new RectifiedLinear(out, out, 0.0));
        }
        if (x.rank() != 2) {
            long[] shape = x.shape().clone();
            shape[shape.length - 1] = w.size(0);
            out = out.reshape('c', shape);
        }
        return out;
    }

    private static INDArray matmul(INDArray a, INDArray b, boolean ta, boolean tb) {
        if (a.rank() == 2 && b.rank() == 2) {
            return Nd4j.gemm(contiguous(a), contiguous(b), ta, tb);
        }
        if (a.rank() == 3 && b.rank() == 3) {
            return Nd4j.exec(new Mmul(a.dup('c'), b.dup('c'), ta, tb, false))[0];
        }
        throw new IllegalArgumentException("matmul in a graph takes two 2-D or two 3-D operands, got "
                + Tensor.shapeString(a.shape()) + " and " + Tensor.shapeString(b.shape()));
    }

    static INDArray contiguous(INDArray a) {
        return Shape.hasDefaultStridesForShape(a) ? a : a.dup('c');
    }
}
