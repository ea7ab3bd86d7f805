package org.mge4j.jit;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.mge4j.Tensor;
import org.mge4j.autodiff.OpAttributes;
import org.mge4j.autodiff.OpObserver;

/**
 * Watches a later call of a traced function that runs its body again and checks each op against the first call's
 * {@link Step}s, throwing MegEngine's {@link TraceError} at the first difference: a different op, a different
 * source for an input, more ops, or (at {@link #finish}) fewer.
 */
final class Checker implements OpObserver {
    private final List<Step> steps;
    private final Map<Tensor, Step.Source> sources = new IdentityHashMap<>();
    private int next;

    Checker(List<Step> steps, List<Tensor> args) {
        this.steps = steps;
        for (int i = 0; i < args.size(); i++) {
            sources.putIfAbsent(args.get(i), new Step.Source(Step.Source.Kind.ARGUMENT, i));
        }
    }

    @Override
    public void op(String kind, OpAttributes attrs, Tensor[] inputs, Tensor output) {
        Map<String, Object> attrMap = attrs == null ? null : attrs.asMap();
        if (next >= steps.size()) {
            throw new TraceError("too many instructions", "the first call ran " + steps.size() + " ops, this one runs "
                    + describe(kind, attrMap) + " as op #" + next + "; a later call must run the same ops as the first");
        }
        Step expected = steps.get(next);
        if (!expected.sameOp(kind, attrMap)) {
            throw new TraceError("operator mismatch", "op #" + next + " was " + expected.describe() + " in the first call, now "
                    + describe(kind, attrMap) + "; a traced function must take the same path on every call (a branch on data?)");
        }
        for (int i = 0; i < inputs.length; i++) {
            Step.Source want = expected.inputs()[i];
            Step.Source got = inputs[i] == null ? Step.Source.ABSENT : sources.getOrDefault(inputs[i], Step.Source.EXTERNAL);
            if (want.equals(got)) {
                continue;
            }
            String where = "input " + i + " of op #" + next + " (" + kind + ") was " + want + " in the first call, now " + got;
            if (want.kind() == Step.Source.Kind.EXTERNAL) {
                throw new TraceError("expect external node, got internal", where);
            }
            if (got.kind() == Step.Source.Kind.EXTERNAL) {
                throw new TraceError("expect internal node, got external", where);
            }
            throw new TraceError("input id mismatch", where);
        }
        sources.put(output, new Step.Source(Step.Source.Kind.OP, next));
        next++;
    }

    @Override
    public void hostRead(Tensor t) {
    }

    @Override
    public void backward() {
    }

    /** Fails when the call ran fewer ops than the first. */
    void finish() {
        if (next < steps.size()) {
            throw new TraceError("mismature end", "the first call ran " + steps.size() + " ops, this one stopped after "
                    + next + " (the next would have been " + steps.get(next).describe() + ")");
        }
    }

    private static String describe(String kind, Map<String, Object> attrs) {
        return kind + (attrs == null || attrs.isEmpty() ? "" : OpAttributes.format(attrs));
    }
}
