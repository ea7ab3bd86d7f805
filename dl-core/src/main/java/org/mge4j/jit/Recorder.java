package org.mge4j.jit;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.mge4j.Tensor;
import org.mge4j.autodiff.OpAttributes;
import org.mge4j.autodiff.OpObserver;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Watches the first call of a traced function and builds its {@link Graph} and the {@link Step}s later calls are
 * checked against. Tensors it has not seen made (parameters, globals, constants made on the host) become const
 * vars: live references, or copies frozen now when {@code captureAsConst}.
 */
final class Recorder implements OpObserver {
    final Graph graph = new Graph();
    final List<Step> steps = new ArrayList<>();
    private final Map<Tensor, Graph.Var> vars = new IdentityHashMap<>();
    private final Map<Graph.Var, Integer> producerStep = new IdentityHashMap<>();
    private final boolean captureAsConst;
    /** Host code read traced values: later calls must run the function again (it may branch on data). */
    boolean readsData;
    /** A GradManager ran backward: the call has effects outside the forward graph. */
    boolean runsBackward;
    /** Part of the call ran under Jit.excludeFromTrace: it must run again on later calls. */
    boolean excludes;

    Recorder(List<Tensor> args, boolean captureAsConst) {
        this.captureAsConst = captureAsConst;
        for (int i = 0; i < args.size(); i++) {
            Tensor t = args.get(i);
            long[] shape = t.ndim() == 0 ? new long[] {1} : t.shape();
            Graph.Var v = new Graph.Var(Graph.Role.INPUT, "arg_" + i, shape, t.nd().dataType());
            graph.inputs.add(v);
            vars.putIfAbsent(t, v);
        }
    }

    @Override
    public void op(String kind, OpAttributes attrs, Tensor[] inputs, Tensor output) {
        Graph.Var[] in = new Graph.Var[inputs.length];
        Step.Source[] sources = new Step.Source[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            if (t == null) {
                sources[i] = Step.Source.ABSENT;
                continue;
            }
            Graph.Var v = vars.get(t);
            if (v == null) {
                v = external(t);
            }
            in[i] = v;
            sources[i] = source(v);
        }
        Map<String, Object> attrMap = attrs == null ? null : attrs.asMap();
        OpKind k = attrMap == null ? null : OpKind.byName(kind);
        if (k != null && (inputs.length < k.minInputs || inputs.length > k.maxInputs || k.checkAttributes(attrMap) != null)) {
            k = null;
        }
        Graph.Var out = new Graph.Var(Graph.Role.INTERNAL, output.name(), output.shape(), output.nd().dataType());
        graph.nodes.add(new Graph.Node(k, kind, attrMap == null ? Map.of() : attrMap, in, out));
        producerStep.put(out, steps.size());
        steps.add(new Step(kind, attrMap, sources));
        vars.put(output, out);
    }

    private Graph.Var external(Tensor t) {
        Graph.Var v = new Graph.Var(Graph.Role.CONST, t.name(), t.shape(), t.nd().dataType());
        if (captureAsConst || t.nd().isAttached()) {
            try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                v.value = t.nd().dup('c');
            }
        } else {
            v.live = t;
        }
        graph.consts.add(v);
        vars.put(t, v);
        return v;
    }

    private Step.Source source(Graph.Var v) {
        return switch (v.role) {
            case INPUT -> new Step.Source(Step.Source.Kind.ARGUMENT, graph.inputs.indexOf(v));
            case INTERNAL -> new Step.Source(Step.Source.Kind.OP, producerStep.get(v));
            case CONST -> Step.Source.EXTERNAL;
        };
    }

    @Override
    public void hostRead(Tensor t) {
        Graph.Var v = vars.get(t);
        if (v != null && v.role != Graph.Role.CONST) {
            readsData = true;
        }
    }

    @Override
    public void backward() {
        runsBackward = true;
    }

    /** The var of an output tensor; one the trace never saw becomes a const. */
    Graph.Var outputVar(Tensor t) {
        Graph.Var v = vars.get(t);
        return v != null ? v : external(t);
    }
}
