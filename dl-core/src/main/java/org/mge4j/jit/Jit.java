package org.mge4j.jit;

import java.nio.file.Path;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.mge4j.Tensor;
import org.mge4j.autodiff.Autograd;
import org.mge4j.autodiff.OpObserver;

/**
 * MegEngine's {@code jit}: trace a function into a static graph, dump it, load it back.
 * <pre>{@code
 * var infer = Jit.trace((Tensor data) -> F.softmax(model.call(data)),
 *                       TraceOptions.builder().symbolic(true).captureAsConst(true).build());
 * infer.call(Tensor.randn(1, 1, 28, 28));
 * infer.dump("convnet.mge", DumpOptions.builder().argNames("data").build());
 * var net = Jit.load("convnet.mge");
 * }</pre>
 */
public final class Jit {
    private Jit() {
    }

    /** Traces a function of one tensor. */
    public static <R> TracedFunction<R> trace(Function<Tensor, R> fn, TraceOptions options) {
        return new TracedFunction<>(args -> fn.apply((Tensor) args[0]), 1, options);
    }

    /** Traces a function of one tensor with the default options (not symbolic, no captured constants). */
    public static <R> TracedFunction<R> trace(Function<Tensor, R> fn) {
        return trace(fn, TraceOptions.defaults());
    }

    /** Traces a function of two tensors. */
    public static <R> TracedFunction<R> trace(BiFunction<Tensor, Tensor, R> fn, TraceOptions options) {
        return new TracedFunction<>(args -> fn.apply((Tensor) args[0], (Tensor) args[1]), 2, options);
    }

    /**
     * Traces a function of any arguments: tensors become the graph's inputs ({@code arg_0, arg_1, ...} in order);
     * other values (a model, a flag) are passed through and should not change between calls.
     */
    public static <R> TracedFunction<R> traceArgs(Function<Object[], R> fn, TraceOptions options) {
        return new TracedFunction<>(fn::apply, -1, options);
    }

    /** Loads a {@code .mge} file written by {@link TracedFunction#dump}, validating it; it never runs code from the file. */
    public static GraphInference load(String path) {
        return GraphInference.load(Path.of(path));
    }

    /** Loads a {@code .mge} file. */
    public static GraphInference load(Path path) {
        return GraphInference.load(path);
    }

    /** True while a traced function is being traced or checked on this thread (MegEngine's {@code is_tracing}). */
    public static boolean isTracing() {
        OpObserver o = Autograd.observer();
        return o instanceof Recorder || o instanceof Checker;
    }

    /**
     * Runs part of a traced function outside the trace (MegEngine's {@code exclude_from_trace}): its ops are not
     * recorded, its results enter the trace as constants, and it runs on every call, so the function is re-run on
     * later calls instead of replayed. Use with try-with-resources.
     */
    public static Exclusion excludeFromTrace() {
        OpObserver previous = Autograd.observe(null);
        if (previous instanceof Recorder r) {
            r.excludes = true;
        }
        return new Exclusion(previous);
    }

    /** {@link #excludeFromTrace()} around {@code body}; returns its result. */
    public static <T> T excludeFromTrace(Supplier<T> body) {
        try (Exclusion ignored = excludeFromTrace()) {
            return body.get();
        }
    }

    /** An open {@link #excludeFromTrace()} region; closing it resumes tracing. */
    public static final class Exclusion implements AutoCloseable {
        private final OpObserver previous;
        private boolean closed;

        private Exclusion(OpObserver previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                Autograd.observe(previous);
            }
        }
    }
}
