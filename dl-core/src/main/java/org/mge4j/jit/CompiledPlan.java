package org.mge4j.jit;

import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A graph prepared for one set of input shapes: each common inference op (conv2d with its fused relu, pooling,
 * relu, linear, softmax, flatten) gets its output memory once and a native op context whose arguments are set once,
 * so a call pays one native call per op and no allocation; other ops run as in {@link Interpreter}. Built from a
 * first ordinary run, and each prepared op is checked against that run's result before it is trusted (an op whose
 * prepared form differs is left to the ordinary path).
 */
final class CompiledPlan {
    /** One op of the plan: writes {@code values[out]} from {@code values[in...]}. */
    private interface Step {
        void run(INDArray[] values);
    }

    private final long[][] inputShapes;
    private final Step[] steps;
    private final boolean[] reused;

    private CompiledPlan(long[][] inputShapes, Step[] steps, boolean[] reused) {
        this.inputShapes = inputShapes;
        this.steps = steps;
        this.reused = reused;
    }

    /** True when the plan was made for inputs of these shapes and dtypes. */
    boolean fits(INDArray[] inputs) {
        for (int i = 0; i < inputs.length; i++) {
            if (!Arrays.equals(inputShapes[i], inputs[i].shape()) || inputs[i].dataType() != DataType.FLOAT) {
                return false;
            }
        }
        return true;
    }

    /** Runs the plan over {@code values} (inputs and constants filled in). */
    void run(INDArray[] values) {
        for (Step s : steps) {
            s.run(values);
        }
    }

    /** True when slot {@code slot} holds memory the next call overwrites (results must be copied out). */
    boolean reuses(int slot) {
        return slot < reused.length && reused[slot];
    }

    /**
     * A plan for {@code nodes}, given the values of an ordinary run ({@code sample}, every slot filled) that the
     * prepared ops are checked against.
     */
    static CompiledPlan build(List<Graph.Node> nodes, int[][] inSlots, int[] outSlots, INDArray[] sample, int nInputs) {
        long[][] shapes = new long[nInputs][];
        for (int i = 0; i < nInputs; i++) {
            shapes[i] = sample[i].shape();
        }
        boolean[] reused = new boolean[sample.length];
        Step[] steps = new Step[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            Graph.Node node = nodes.get(i);
            int[] in = inSlots[i];
            int out = outSlots[i];
            Step fast = prepare(node, in, out, sample, reused);
            boolean ok = fast != null && check(fast, sample, out);
            if (Boolean.getBoolean("mge4j.jit.debug")) {
                System.err.println("plan: " + node.kind + (fast == null ? " ordinary" : ok ? " prepared" : " prepared form differs: ordinary"));
            }
            if (ok) {
                steps[i] = fast;
                reused[out] = true;
            } else {
                steps[i] = values -> {
                    INDArray[] args = new INDArray[in.length];
                    for (int j = 0; j < in.length; j++) {
                        args[j] = in[j] < 0 ? null : values[in[j]];
                    }
                    values[out] = Interpreter.exec(node, args);
                };
            }
        }
        return new CompiledPlan(shapes, steps, reused);
    }

    /** Runs {@code step} on a copy of the sample and compares with the ordinary result. */
    private static boolean check(Step step, INDArray[] sample, int out) {
        INDArray want = sample[out];
        INDArray[] trial = sample.clone();
        try {
            step.run(trial);
        } catch (RuntimeException e) {
            if (Boolean.getBoolean("mge4j.jit.debug")) {
                e.printStackTrace();
            }
            return false;
        }
        INDArray got = trial[out];
        return Arrays.equals(want.shape(), got.shape()) && want.dataType() == got.dataType()
                && want.castTo(DataType.DOUBLE).sub(got.castTo(DataType.DOUBLE)).amaxNumber().doubleValue() <= 1e-6;
    }

    private static Step prepare(Graph.Node node, int[] in, int out, INDArray[] sample, boolean[] reused) {
        for (int s : in) {
            if (s < 0 || sample[s].dataType() != DataType.FLOAT) {
                return null;
            }
        }
        INDArray result = sample[out];
        switch (node.kind) {
            case CONV2D -> {
                int[] s = node.intsAttr("stride");
                int[] p = node.intsAttr("padding");
                int[] d = node.intsAttr("dilation");
                if (d[0] != 1 || d[1] != 1) {
                    return null;   // libnd4j's oneDNN helper refuses dilation: the ordinary path runs without it
                }
                long[] w = sample[in[1]].shape();
                boolean relu = "relu".equals(node.attrs.get("nonlinearity"));
                long channels = w[0];
                Native conv = new Native("conv2d", result, w[2], w[3], s[0], s[1], p[0], p[1], d[0], d[1], 0, 0, 1);
                Native act = relu ? new Native("relu", result).withT(0.0) : null;
                return values -> {
                    INDArray[] args = in.length > 2
                            ? new INDArray[] {values[in[0]], values[in[1]], values[in[2]].reshape(channels)}
                            : new INDArray[] {values[in[0]], values[in[1]]};
                    conv.exec(args);
                    if (act != null) {
                        act.exec(conv.output);   // into its own memory: libnd4j's relu does not run in place here
                    }
                    values[out] = act != null ? act.output : conv.output;
                };
            }
            case MAX_POOL2D, AVG_POOL2D -> {
                int[] k = node.intsAttr("kernel");
                int[] s = node.intsAttr("stride");
                int[] p = node.intsAttr("padding");
                boolean max = node.kind == OpKind.MAX_POOL2D;
                int extra = !max && "average".equals(node.attrs.get("mode")) ? 1 : 0;
                Native pool = new Native(max ? "maxpool2d" : "avgpool2d", result, k[0], k[1], s[0], s[1], p[0], p[1], 1, 1, 0, extra, 0);
                return values -> {
                    pool.exec(values[in[0]]);
                    values[out] = pool.output;
                };
            }
            case RELU -> {
                Native relu = new Native("relu", result).withT(0.0);
                return values -> {
                    relu.exec(values[in[0]]);
                    values[out] = relu.output;
                };
            }
            case SOFTMAX -> {
                Native softmax = new Native("softmax", result, node.longAttr("axis"));
                return values -> {
                    softmax.exec(values[in[0]]);
                    values[out] = softmax.output;
                };
            }
            case LINEAR -> {
                if (sample[in[0]].rank() != 2 || in.length < 3) {
                    return null;
                }
                boolean relu = "relu".equals(node.attrs.get("nonlinearity"));
                Native mm = new Native("matmul", result, 0, 1, 0);
                Native bias = new Native("biasadd", result);
                Native act = relu ? new Native("relu", result).withT(0.0) : null;
                long outFeatures = sample[in[1]].size(0);
                return values -> {
                    mm.exec(values[in[0]], values[in[1]]);
                    bias.exec(mm.output, values[in[2]].reshape(outFeatures));
                    if (act != null) {
                        act.exec(mm.output);
                    }
                    values[out] = act != null ? act.output : mm.output;
                };
            }
            case FLATTEN, RESHAPE -> {
                long[] shape = result.shape();
                return values -> values[out] = values[in[0]].reshape('c', shape);
            }
            default -> {
                return null;
            }
        }
    }

    /** A libnd4j custom op with its output memory and integer arguments set once. */
    private static final class Native {
        final INDArray output;
        private final CustomOp op;
        private final OpContext context;

        Native(String name, INDArray like, long... iArgs) {
            this.output = Nd4j.createUninitialized(like.dataType(), like.shape());
            this.op = DynamicCustomOp.builder(name).build();
            this.context = Nd4j.getExecutioner().buildContext();
            if (iArgs.length > 0) {
                context.setIArguments(iArgs);
            }
        }

        Native withT(double... tArgs) {
            context.setTArguments(tArgs);
            return this;
        }

        void exec(INDArray... inputs) {
            context.setInputArrays(inputs);
            context.setOutputArrays(output);
            Nd4j.getExecutioner().exec(op, context);
        }
    }
}
