package org.mge4j.jit;

import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Folds a per-channel affine map that directly follows a conv2d or linear with constant weights into those
 * weights: an eval-mode batch_norm ({@code (y - mean) / sqrt(var + eps)}), and a multiply, divide, add or subtract
 * by a per-channel constant (how BatchNorm applies its weight and bias). The conv then computes
 * {@code W' = W * s}, {@code b' = b * s + t} and the affine op disappears.
 */
final class AffineFolding {
    private AffineFolding() {
    }

    /** Runs the pass to a fixed point; returns how many ops it folded. */
    static int run(Graph g) {
        int folded = 0;
        boolean changed = true;
        while (changed) {
            changed = false;
            Map<Graph.Var, Integer> readers = g.readers();
            for (int i = 0; i < g.nodes.size() && !changed; i++) {
                Graph.Node p = g.nodes.get(i);
                if (!foldableProducer(p) || readers.getOrDefault(p.output, 0) != 1 || g.outputs.contains(p.output)) {
                    continue;
                }
                Graph.Node r = readerOf(g, p.output);
                INDArray[] st = r == null ? null : scaleShift(r, p);
                if (st == null) {
                    continue;
                }
                apply(g, p, st[0], st[1]);
                g.replaceUses(r.output, p.output);
                p.output.name = r.output.name != null ? r.output.name : p.output.name;
                p.output.shape = r.output.shape;
                g.nodes.remove(r);
                folded++;
                changed = true;
            }
        }
        g.pruneConsts();
        return folded;
    }

    private static boolean foldableProducer(Graph.Node p) {
        if (p.kind != OpKind.CONV2D && p.kind != OpKind.LINEAR || p.attrs.containsKey("nonlinearity")) {
            return false;
        }
        return p.inputs[1].isConst() && (p.inputs.length < 3 || p.inputs[2] == null || p.inputs[2].isConst());
    }

    private static Graph.Node readerOf(Graph g, Graph.Var v) {
        for (Graph.Node n : g.nodes) {
            for (Graph.Var in : n.inputs) {
                if (in == v) {
                    return n;
                }
            }
        }
        return null;
    }

    /** {scale, shift} per output channel for reader {@code r} of {@code p}'s output, or null when it is not a per-channel affine map. */
    private static INDArray[] scaleShift(Graph.Node r, Graph.Node p) {
        long channels = p.inputs[1].constValue().size(0);
        int channelAxis = p.kind == OpKind.CONV2D ? 1 : p.output.shape.length - 1;
        int rank = p.output.shape.length;
        switch (r.kind) {
            case BATCH_NORM -> {
                if (r.boolAttr("training") || r.inputs[0] != p.output || !r.inputs[1].isConst() || !r.inputs[2].isConst()) {
                    return null;
                }
                INDArray mean = r.inputs[1].constValue().reshape(channels).castTo(DataType.DOUBLE);
                INDArray var = r.inputs[2].constValue().reshape(channels).castTo(DataType.DOUBLE);
                INDArray scale = Transforms.pow(var.add(r.doubleAttr("eps")), -0.5, false);
                return new INDArray[] {scale, mean.mul(scale).negi()};
            }
            case MUL, ADD, SUB, DIV -> {
                boolean first = r.inputs[0] == p.output;
                Graph.Var other = first ? r.inputs[1] : r.inputs[0];
                if (!other.isConst() || (!first && (r.kind == OpKind.SUB || r.kind == OpKind.DIV))) {
                    return null;
                }
                INDArray c = perChannel(other.constValue(), rank, channelAxis, channels);
                if (c == null) {
                    return null;
                }
                return switch (r.kind) {
                    case MUL -> new INDArray[] {c, Nd4j.zeros(DataType.DOUBLE, channels)};
                    case DIV -> new INDArray[] {Transforms.pow(c, -1, true), Nd4j.zeros(DataType.DOUBLE, channels)};
                    case ADD -> new INDArray[] {Nd4j.ones(DataType.DOUBLE, channels), c};
                    default -> new INDArray[] {Nd4j.ones(DataType.DOUBLE, channels), c.neg()};
                };
            }
            default -> {
                return null;
            }
        }
    }

    /** A constant that broadcasts along the channel axis only, as a (channels,) double vector; else null. */
    private static INDArray perChannel(INDArray c, int rank, int channelAxis, long channels) {
        long[] s = c.shape();
        if (s.length > rank) {
            return null;
        }
        int offset = rank - s.length;
        for (int i = 0; i < s.length; i++) {
            boolean isChannel = i + offset == channelAxis;
            if (s[i] != 1 && !(isChannel && s[i] == channels)) {
                return null;
            }
        }
        INDArray flat = c.reshape(c.length()).castTo(DataType.DOUBLE);
        return c.length() == channels ? flat.dup() : Nd4j.valueArrayOf(new long[] {channels}, flat.getDouble(0), DataType.DOUBLE);
    }

    private static void apply(Graph g, Graph.Node p, INDArray scale, INDArray shift) {
        INDArray w = p.inputs[1].constValue();
        DataType dt = w.dataType();
        long channels = w.size(0);
        long[] bshape = w.shape().clone();
        for (int i = 1; i < bshape.length; i++) {
            bshape[i] = 1;
        }
        INDArray w2 = w.castTo(DataType.DOUBLE).mul(scale.reshape(bshape)).castTo(dt);
        Graph.Var bias = p.inputs.length > 2 ? p.inputs[2] : null;
        INDArray b = bias == null ? Nd4j.zeros(DataType.DOUBLE, channels) : bias.constValue().reshape(channels).castTo(DataType.DOUBLE);
        INDArray b2 = b.mul(scale).addi(shift).castTo(dt);
        long[] biasShape = p.kind == OpKind.CONV2D ? new long[] {1, channels, 1, 1} : new long[] {channels};
        Graph.Var wv = g.addConst(p.inputs[1].name, w2);
        Graph.Var bv = g.addConst(bias == null ? null : bias.name, b2.reshape(biasShape));
        p.inputs = new Graph.Var[] {p.inputs[0], wv, bv};
    }
}
