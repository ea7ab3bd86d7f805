package org.mge4j.jit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** Removes ops whose results no output needs (keeping training batch_norm, which updates running statistics) and unread constants. */
final class DeadCodeRemoval {
    private DeadCodeRemoval() {
    }

    /** Runs the pass; returns how many ops it removed. */
    static int run(Graph g) {
        Set<Graph.Var> needed = Collections.newSetFromMap(new IdentityHashMap<>());
        needed.addAll(g.outputs);
        List<Graph.Node> kept = new ArrayList<>();
        for (int i = g.nodes.size() - 1; i >= 0; i--) {
            Graph.Node n = g.nodes.get(i);
            if (needed.contains(n.output) || hasEffects(n)) {
                kept.add(n);
                for (Graph.Var v : n.inputs) {
                    if (v != null) {
                        needed.add(v);
                    }
                }
            }
        }
        Collections.reverse(kept);
        int removed = g.nodes.size() - kept.size();
        g.nodes.clear();
        g.nodes.addAll(kept);
        g.pruneConsts();
        return removed;
    }

    private static boolean hasEffects(Graph.Node n) {
        return n.kind == OpKind.BATCH_NORM && n.boolAttr("training");
    }
}
