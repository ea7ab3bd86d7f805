package org.mge4j.jit;

/** Removes identities: eval-mode dropout, copies and detaches, whose readers then read the input directly. */
final class DropoutRemoval {
    private DropoutRemoval() {
    }

    /** Runs the pass; returns how many ops it removed. */
    static int run(Graph g) {
        int removed = 0;
        for (int i = 0; i < g.nodes.size(); i++) {
            Graph.Node n = g.nodes.get(i);
            boolean identity = n.kind == OpKind.IDENTITY || (n.kind == OpKind.DROPOUT && !n.boolAttr("training"));
            if (identity && !g.outputs.contains(n.output)) {
                g.replaceUses(n.output, n.inputs[0]);
                g.nodes.remove(i--);
                removed++;
            } else if (identity && n.inputs[0].role == Graph.Role.INTERNAL) {
                // an output: its producer writes it directly
                Graph.Var in = n.inputs[0];
                g.replaceUses(n.output, in);
                in.name = n.output.name != null ? n.output.name : in.name;
                g.nodes.remove(i--);
                removed++;
            }
        }
        return removed;
    }
}
