package org.mge4j.jit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mge4j.Tensor;
import org.mge4j.autodiff.Autograd;
import org.mge4j.autodiff.OpObserver;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A function traced by {@link Jit#trace}: MegEngine's {@code trace} object. The first {@link #call} runs the
 * function eagerly while recording its ops; later calls either replay the recorded graph (symbolic, for a function
 * that does not depend on the host) or run the function again and check that it takes the same path, throwing
 * {@link TraceError} when it does not. {@link #dump} writes the graph to a {@code .mge} or ONNX file.
 *
 * @param <R> what the function returns: a Tensor, a List of tensors or a Map of named tensors
 */
public final class TracedFunction<R> {
    /** The traced body over its arguments (tensors, and other values that are passed through). */
    @FunctionalInterface
    interface Body {
        Object apply(Object[] args);
    }

    private final Body body;
    private final int arity;
    private final TraceOptions options;
    private Graph graph;
    private List<Step> steps;
    private Outputs outputs;
    private Interpreter replay;

    TracedFunction(Body body, int arity, TraceOptions options) {
        this.body = body;
        this.arity = arity;
        this.options = options;
    }

    /** The options it was traced with. */
    public TraceOptions options() {
        return options;
    }

    /**
     * Calls the function: the first call traces it; later calls replay or check (see the class comment). An
     * exception thrown by the function itself propagates unchanged.
     */
    @SuppressWarnings("unchecked")
    public R call(Object... args) {
        if (arity >= 0 && args.length != arity) {
            throw new IllegalArgumentException("this traced function takes " + arity + " arguments, got " + args.length);
        }
        OpObserver outer = Autograd.observer();
        if (outer instanceof Recorder || outer instanceof Checker) {
            throw new IllegalStateException("a traced function was called inside another traced function; nested traces "
                    + "are not supported: call the inner function undecorated");
        }
        List<Tensor> tensors = new ArrayList<>();
        for (Object a : args) {
            if (a instanceof Tensor t) {
                tensors.add(t);
            }
        }
        if (graph == null) {
            return (R) trace(args, tensors);
        }
        if (tensors.size() != graph.inputs.size()) {
            throw new TraceError("input id mismatch", "the first call had " + graph.inputs.size() + " tensor arguments, this one has "
                    + tensors.size());
        }
        if (replay != null && !gradientsNeeded(tensors)) {
            return (R) replay(tensors);
        }
        return (R) checked(args, tensors);
    }

    /** True when later calls replay the graph without running the function (known after the first call). */
    public boolean replaysGraph() {
        return replay != null;
    }

    /** Writes the traced graph to {@code path} with default options ({@code .onnx} by extension, else {@code .mge}). */
    public DumpResult dump(String path) {
        return dump(Path.of(path), DumpOptions.defaults());
    }

    /** Writes the traced graph to {@code path} (MegEngine's {@code dump}); see {@link DumpOptions}. */
    public DumpResult dump(String path, DumpOptions options) {
        return dump(Path.of(path), options);
    }

    /** Writes the traced graph to {@code path}; see {@link DumpOptions}. */
    public DumpResult dump(Path path, DumpOptions dumpOptions) {
        if (!options.captureAsConst()) {
            throw new IllegalStateException("you must specify captureAsConst(true) in TraceOptions to use dump "
                    + "(MegEngine: capture_as_const=True at __init__)");
        }
        if (graph == null) {
            throw new IllegalStateException("the function has not been traced yet: call it once with example inputs before dump");
        }
        if (outputs.form() == Outputs.Form.NONE) {
            throw new IllegalStateException("the traced function without return values cannot be dumped, the traced function "
                    + "should return a Tensor, a List<Tensor> or a Map<String, Tensor>");
        }
        return Dumper.dump(graph, outputs, path, dumpOptions);
    }

    private Object trace(Object[] args, List<Tensor> tensors) {
        Recorder rec = new Recorder(tensors, options.captureAsConst());
        OpObserver previous = Autograd.observe(rec);
        Object result;
        try {
            result = body.apply(args);
        } finally {
            Autograd.observe(previous);
        }
        Outputs form = Outputs.of(result);
        for (Tensor t : form.tensors(result)) {
            Graph.Var v = rec.outputVar(t);
            if (t.name() != null) {
                v.name = t.name();   // named after the op ran: x.mul(2).name("o_x")
            }
            rec.graph.outputs.add(v);
        }
        boolean pure = !rec.readsData && !rec.runsBackward && !rec.excludes;
        if (options.symbolic() && pure) {
            Graph.Node untraceable = rec.graph.firstUntraceable();
            if (untraceable != null) {
                throw new TraceError.NotTraceable(untraceable.opName);
            }
            Graph live = rec.graph.frozenCopyKeepingLive();
            DeadCodeRemoval.run(live);
            replay = new Interpreter(live);
        }
        graph = rec.graph;
        steps = rec.steps;
        outputs = form;
        return result;
    }

    private Object replay(List<Tensor> tensors) {
        INDArray[] in = new INDArray[tensors.size()];
        for (int i = 0; i < in.length; i++) {
            Tensor t = tensors.get(i);
            in[i] = t.nd();
        }
        INDArray[] out = replay.run(in);
        List<Tensor> result = new ArrayList<>(out.length);
        for (INDArray a : out) {
            result.add(Tensor.wrap(a));
        }
        return outputs.rebuild(result);
    }

    private Object checked(Object[] args, List<Tensor> tensors) {
        Checker checker = new Checker(steps, tensors);
        OpObserver previous = Autograd.observe(checker);
        Object result;
        try {
            result = body.apply(args);
        } finally {
            Autograd.observe(previous);
        }
        checker.finish();
        return result;
    }

    /** A replay would lose gradients: a recording GradManager follows an input or a live constant. */
    private boolean gradientsNeeded(List<Tensor> tensors) {
        if (!Autograd.isRecording()) {
            return false;
        }
        for (Tensor t : tensors) {
            if (Autograd.tracked(t)) {
                return true;
            }
        }
        for (Graph.Var c : graph.consts) {
            if (c.live != null && Autograd.tracked(c.live)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "TracedFunction(" + options + (graph == null ? ", not traced yet" : ", " + graph.nodes.size() + " ops"
                + (replay != null ? ", replays its graph" : ", re-runs and checks each call")) + ")";
    }
}
