package org.mge4j.jit;

import java.util.Map;

/**
 * Fuses a relu that is the only reader of a conv2d or linear into it ({@code nonlinearity = "relu"}): the
 * interpreter applies it in place on the op's result, saving a pass over memory and an array.
 */
final class ConvBiasReluFusion {
    private ConvBiasReluFusion() {
    }

    /** Runs the pass; returns how many relus it fused. */
    static int run(Graph g) {
        int fused = 0;
        Map<Graph.Var, Integer> readers = g.readers();
        for (int i = 0; i + 1 <= g.nodes.size() - 1; i++) {
            Graph.Node p = g.nodes.get(i);
            if (p.kind != OpKind.CONV2D && p.kind != OpKind.LINEAR || p.attrs.containsKey("nonlinearity")
                    || readers.getOrDefault(p.output, 0) != 1 || g.outputs.contains(p.output)) {
                continue;
            }
            for (int j = i + 1; j < g.nodes.size(); j++) {
                Graph.Node r = g.nodes.get(j);
                if (r.inputs.length == 1 && r.inputs[0] == p.output) {
                    if (r.kind == OpKind.RELU) {
                        p.attrs.put("nonlinearity", "relu");
                        g.replaceUses(r.output, p.output);
                        p.output.name = r.output.name != null ? r.output.name : p.output.name;
                        g.nodes.remove(j);
                        fused++;
                        readers = g.readers();
                    }
                    break;
                }
            }
        }
        return fused;
    }
}
