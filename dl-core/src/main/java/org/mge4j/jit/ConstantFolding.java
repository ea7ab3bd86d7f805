package org.mge4j.jit;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Computes once, at dump time, every op whose inputs are all constants (a reshaped BatchNorm weight, {@code exp} of
 * a constant), replacing it by its value. Random and state-changing ops are left alone.
 */
final class ConstantFolding {
    private ConstantFolding() {
    }

    /** Runs the pass; returns how many ops it folded. */
    static int run(Graph g) {
        int folded = 0;
        for (int i = 0; i < g.nodes.size(); i++) {
            Graph.Node n = g.nodes.get(i);
            if (!foldable(n)) {
                continue;
            }
            INDArray[] args = new INDArray[n.inputs.length];
            for (int j = 0; j < args.length; j++) {
                args[j] = n.inputs[j] == null ? null : n.inputs[j].constValue();
            }
            INDArray value = Interpreter.exec(n, args).dup('c');
            Graph.Var c = g.addConst(n.output.name, value);
            g.replaceUses(n.output, c);
            g.nodes.remove(i--);
            folded++;
        }
        return folded;
    }

    private static boolean foldable(Graph.Node n) {
        if (n.kind == OpKind.DROPOUT || n.kind == OpKind.BATCH_NORM && n.boolAttr("training")) {
            return false;
        }
        for (Graph.Var v : n.inputs) {
            if (v != null && !v.isConst()) {
                return false;
            }
        }
        return true;
    }
}
