package org.mge4j.autodiff;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.mge4j.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The tape: every differentiable op hands its result here with its backward rule, and {@link GradManager}
 * walks the recorded graph backwards. When no manager records, recording costs one field read.
 */
public final class Autograd {
    private static volatile Recording current;
    private static final List<GradManager> RECORDING = new ArrayList<>();
    private static final ThreadLocal<OpObserver> OBSERVER = new ThreadLocal<>();
    /** How many threads have an observer: lets {@link #record} skip the thread-local read when none has. */
    private static final java.util.concurrent.atomic.AtomicInteger OBSERVING = new java.util.concurrent.atomic.AtomicInteger();

    private Autograd() {
    }

    /**
     * Wraps an op's result as a tensor and, while a {@link GradManager} records and an input takes part in the
     * gradient, remembers how to send gradients back to the inputs.
     *
     * @param op       the op's name, for messages
     * @param out      the computed result
     * @param backward the op's backward rule (see {@link Backward})
     * @param inputs   the op's tensor inputs, in the order the backward rule returns their gradients
     */
    public static Tensor record(String op, INDArray out, Backward backward, Tensor... inputs) {
        return record(op, null, out, backward, inputs);
    }

    /**
     * {@link #record(String, INDArray, Backward, Tensor...)} for an op that describes itself to tracers: its
     * attributes (and graph inputs, when they differ from {@code inputs}). Ops recorded without attributes run
     * fine but cannot be put in a traced graph.
     */
    public static Tensor record(String op, OpAttributes attrs, INDArray out, Backward backward, Tensor... inputs) {
        Tensor result = recordNode(op, out, backward, inputs);
        if (OBSERVING.get() != 0) {
            OpObserver o = OBSERVER.get();
            if (o != null) {
                Tensor[] graphInputs = attrs == null ? null : attrs.graphInputs();
                o.op(op, attrs, graphInputs != null ? graphInputs : inputs, result);
            }
        }
        return result;
    }

    /**
     * Installs {@code observer} for this thread (null removes it) and returns the one it replaces, to be put back
     * with another call.
     */
    public static OpObserver observe(OpObserver observer) {
        OpObserver previous = OBSERVER.get();
        if (previous == null && observer != null) {
            OBSERVING.incrementAndGet();
        } else if (previous != null && observer == null) {
            OBSERVING.decrementAndGet();
        }
        if (observer == null) {
            OBSERVER.remove();
        } else {
            OBSERVER.set(observer);
        }
        return previous;
    }

    /** The observer on this thread, or null. */
    public static OpObserver observer() {
        return OBSERVING.get() == 0 ? null : OBSERVER.get();
    }

    /** True while an {@link OpObserver} (a trace) watches this thread: memory reuse that hides tensors is then off. */
    public static boolean isObserved() {
        return observer() != null;
    }

    /** Tells the observer, if any, that host code read {@code t}'s values. */
    public static void noteHostRead(Tensor t) {
        OpObserver o = observer();
        if (o != null) {
            o.hostRead(t);
        }
    }

    /** Tells the observer, if any, that {@code out} is {@code in} under another name (detach): an identity op. */
    public static void noteAlias(String op, Tensor in, Tensor out) {
        OpObserver o = observer();
        if (o != null) {
            o.op(op, OpAttributes.none(), new Tensor[] {in}, out);
        }
    }

    private static Tensor recordNode(String op, INDArray out, Backward backward, Tensor... inputs) {
        Tensor result = Tensor.wrap(out);
        Recording rec = current;
        if (rec != null && out.dataType().isFPType()) {
            for (Tensor in : inputs) {
                if (in != null && tracked(in)) {
                    result.setNode(new Node(op, inputs, backward, rec));
                    break;
                }
            }
        }
        return result;
    }

    /**
     * The current recording as an identity token (null when none records): equal for every op of one training
     * step, different for the next one.
     */
    public static Object recordingToken() {
        return current;
    }

    /**
     * The input of the one-input op {@code op} that made {@code t} in the current recording, when the gradient of
     * {@code t} itself is not asked for (no GradManager has it attached); else null. Lets an op that reads {@code t}
     * send its gradient past {@code op} in one step (max pooling after relu), which is exact when
     * {@code t}'s other readers, if any, still go through {@code op}'s own backward.
     */
    public static Tensor inputOf(Tensor t, String op) {
        Node n = t.node();
        if (n == null || !n.live() || !n.op.equals(op) || n.inputs.length != 1 || !t.gradManagers().isEmpty()) {
            return null;
        }
        return n.inputs[0];
    }

    /** True while any {@link GradManager} records. */
    public static boolean isRecording() {
        return current != null;
    }

    /** True when gradients flow into this tensor in the current recording. */
    public static boolean tracked(Tensor t) {
        Node n = t.node();
        if (n != null && n.live()) {
            return true;
        }
        if (current == null) {
            return false;
        }
        for (GradManager gm : t.gradManagers()) {
            if (gm.isRecording()) {
                return true;
            }
        }
        return false;
    }

    static void start(GradManager gm) {
        synchronized (RECORDING) {
            RECORDING.add(gm);
            if (current == null) {
                current = new Recording();
            }
        }
    }

    static void stop(GradManager gm) {
        synchronized (RECORDING) {
            RECORDING.remove(gm);
            if (RECORDING.isEmpty() && current != null) {
                current.active = false;
                current = null;
            }
        }
    }

    /**
     * Back-propagates from {@code ys} (seeded with {@code dys}) and returns the gradient reached at every tensor
     * on the way, keyed by identity; intermediate gradients are dropped unless {@code keep} says otherwise.
     */
    static Map<Tensor, INDArray> backward(List<Tensor> ys, List<INDArray> dys, java.util.function.Predicate<Tensor> keep) {
        Map<Tensor, INDArray> grads = new IdentityHashMap<>();
        for (int i = 0; i < ys.size(); i++) {
            accumulate(grads, ys.get(i), dys.get(i));
        }
        List<Tensor> order = topologicalOrder(ys);
        for (int i = order.size() - 1; i >= 0; i--) {
            Tensor t = order.get(i);
            INDArray dy = grads.get(t);
            if (dy == null) {
                continue;
            }
            Node node = t.node();
            boolean[] needs = new boolean[node.inputs.length];
            for (int j = 0; j < needs.length; j++) {
                Tensor in = node.inputs[j];
                needs[j] = in != null && tracked(in);
            }
            INDArray[] gin = node.backward.apply(dy, needs);
            for (int j = 0; j < needs.length; j++) {
                if (!needs[j] || gin[j] == null) {
                    continue;
                }
                Tensor in = node.inputs[j];
                if (!Arrays.equals(gin[j].shape(), in.nd().shape())) {
                    throw new IllegalStateException("backward of '" + node.op + "' gave a gradient of shape "
                            + Arrays.toString(gin[j].shape()) + " for an input of shape " + Arrays.toString(in.nd().shape()));
                }
                accumulate(grads, in, gin[j]);
            }
            if (!keep.test(t)) {
                grads.remove(t);
            }
        }
        return grads;
    }

    private static void accumulate(Map<Tensor, INDArray> grads, Tensor t, INDArray g) {
        INDArray old = grads.get(t);
        grads.put(t, old == null ? g : old.add(g));
    }

    /** Tensors that have a live node, inputs before the ops that read them (iterative, for deep graphs). */
    private static List<Tensor> topologicalOrder(List<Tensor> ys) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        for (Tensor y : ys) {
            if (hasLiveNode(y) && seen.put(y, Boolean.TRUE) == null) {
                stack.push(new Object[] {y, 0});
            }
            while (!stack.isEmpty()) {
                Object[] frame = stack.peek();
                Tensor t = (Tensor) frame[0];
                int next = (Integer) frame[1];
                Tensor[] inputs = t.node().inputs;
                if (next < inputs.length) {
                    frame[1] = next + 1;
                    Tensor in = inputs[next];
                    if (in != null && hasLiveNode(in) && seen.put(in, Boolean.TRUE) == null) {
                        stack.push(new Object[] {in, 0});
                    }
                } else {
                    stack.pop();
                    order.add(t);
                }
            }
        }
        return order;
    }

    private static boolean hasLiveNode(Tensor t) {
        return t.node() != null && t.node().live();
    }
}
