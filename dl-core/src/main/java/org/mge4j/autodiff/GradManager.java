package org.mge4j.autodiff;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.mge4j.ActivationMemory;
import org.mge4j.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Computes gradients the MegEngine way: {@link #attach} the tensors you want gradients for, {@link #record}
 * the forward computation, then {@link #backward} from the loss.
 *
 * <pre>{@code
 * var gm = new GradManager().attach(model.parameters());
 * try (var rec = gm.record()) {
 *     var loss = F.crossEntropy(model.call(data), label);
 *     gm.backward(loss);
 *     optimizer.step().clearGrad();
 * }
 * }</pre>
 *
 * <p>Gradients accumulate into {@link Tensor#grad()}; {@code backward} without {@code dy} seeds with ones, and
 * ends the recording, so there is one backward per record. Attached tensors are held weakly.
 */
public final class GradManager {
    private static final String SCRATCH_ID = "mge4j-backward";
    private static final WorkspaceConfiguration SCRATCH = org.mge4j.Scratch.workspaceConfig();

    private final List<Attachment> attached = new ArrayList<>();
    private boolean recording;

    /** A callback {@code (tensor, grad) -> grad} run on a gradient before it is accumulated. */
    @FunctionalInterface
    public interface Callback extends BiFunction<Tensor, Tensor, Tensor> {
    }

    private static final class Attachment {
        final WeakReference<Tensor> tensor;
        final List<Callback> callbacks = new ArrayList<>();

        Attachment(Tensor t) {
            this.tensor = new WeakReference<>(t);
        }
    }

    /** Attaches tensors (for example {@code model.parameters()}); attaching one again only adds its callbacks. */
    public GradManager attach(Iterable<? extends Tensor> tensors, Callback... callbacks) {
        for (Tensor t : tensors) {
            attachOne(t, callbacks);
        }
        return this;
    }

    /** Attaches one or more tensors. */
    public GradManager attach(Tensor... tensors) {
        for (Tensor t : tensors) {
            attachOne(t);
        }
        return this;
    }

    private void attachOne(Tensor t, Callback... callbacks) {
        if (!t.dtype().isFloating()) {
            throw new IllegalArgumentException("Only tensors of floating point dtype can be attached to get gradients, get tensor dtype: "
                    + t.dtype() + " and shape: " + Tensor.shapeString(t.shape()));
        }
        Attachment a = find(t);
        if (a == null) {
            a = new Attachment(t);
            attached.add(a);
            t.addGradManager(this);
        }
        a.callbacks.addAll(List.of(callbacks));
    }

    private Attachment find(Tensor t) {
        attached.removeIf(a -> a.tensor.get() == null);
        for (Attachment a : attached) {
            if (a.tensor.get() == t) {
                return a;
            }
        }
        return null;
    }

    boolean isAttached(Tensor t) {
        return t.gradManagers().contains(this);
    }

    /** The attached tensors that are still alive, in attach order. */
    public List<Tensor> attachedTensors() {
        List<Tensor> out = new ArrayList<>();
        for (Attachment a : attached) {
            Tensor t = a.tensor.get();
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * Starts recording; close the returned scope (try-with-resources) to stop, as Python's {@code with gm:}.
     *
     * @throws IllegalStateException "already recording" when this manager records already
     */
    public Scope record() {
        if (recording) {
            throw new IllegalStateException("already recording");
        }
        recording = true;
        Autograd.start(this);
        return new Scope();
    }

    /** Stops recording and forgets the recorded history. */
    public void release() {
        if (recording) {
            recording = false;
            Autograd.stop(this);
        }
    }

    /** True between {@link #record()} and {@link #release()} (or the backward that ends it). */
    public boolean isRecording() {
        return recording;
    }

    /** Back-propagates from {@code y} with a gradient of ones. */
    public void backward(Tensor y) {
        backward(List.of(y), null);
    }

    /** Back-propagates from {@code y} with the output gradient {@code dy} (same shape as y). */
    public void backward(Tensor y, Tensor dy) {
        backward(List.of(y), List.of(dy));
    }

    /**
     * Back-propagates from several outputs at once; {@code dys} may be null for ones. Gradients of attached
     * tensors accumulate into their {@code grad()}; recording then stops.
     */
    public void backward(Collection<Tensor> ys, Collection<Tensor> dys) {
        OpObserver observer = Autograd.observer();
        if (observer != null) {
            observer.backward();
        }
        try {
            if (!recording) {
                throw new IllegalStateException(
                        "no computation history. did you forget record() or call a method that clears the history?");
            }
            List<Tensor> yList = new ArrayList<>(ys);
            List<INDArray> dyList = new ArrayList<>();
            List<Tensor> dyTensors = dys == null ? null : new ArrayList<>(dys);
            if (dyTensors != null && dyTensors.size() != yList.size()) {
                throw new IllegalArgumentException("backward got " + yList.size() + " outputs but " + dyTensors.size() + " dy values");
            }
            for (int i = 0; i < yList.size(); i++) {
                INDArray y = yList.get(i).nd();
                if (dyTensors == null || dyTensors.get(i) == null) {
                    dyList.add(Nd4j.onesLike(y));
                } else {
                    INDArray dy = dyTensors.get(i).nd();
                    if (!java.util.Arrays.equals(dy.shape(), y.shape())) {
                        throw new IllegalArgumentException("dy has shape " + Tensor.shapeString(dy.shape())
                                + " but y has shape " + Tensor.shapeString(y.shape()));
                    }
                    dyList.add(dy.castTo(y.dataType()));
                }
            }
            List<Tensor> targets = new ArrayList<>();
            List<INDArray> results = new ArrayList<>();
            // The backward pass's temporaries live in a reused scratch workspace: fresh off-heap pages for every
            // intermediate gradient cost as much as the arithmetic on a VM. Only the attached tensors' gradients
            // leave it, as copies.
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(SCRATCH, SCRATCH_ID);
                 ActivationMemory.Suspension s = ActivationMemory.suspend()) {
                Map<Tensor, INDArray> grads = Autograd.backward(yList, dyList, this::isAttached);
                for (Attachment a : attached) {
                    Tensor t = a.tensor.get();
                    INDArray g = t == null ? null : grads.get(t);
                    if (g != null) {
                        targets.add(t);
                        results.add((g.dataType() == t.nd().dataType() ? g : g.castTo(t.nd().dataType())).detach());
                    }
                }
            }
            for (int i = 0; i < targets.size(); i++) {
                Tensor t = targets.get(i);
                Attachment a = find(t);
                Tensor grad = Tensor.wrap(results.get(i));
                for (Callback cb : a.callbacks) {
                    grad = cb.apply(t, grad);
                }
                t.accumulateGrad(grad);
            }
        } finally {
            release();
        }
    }

    /** The recording scope returned by {@link #record()}; closing it stops recording. */
    public final class Scope implements AutoCloseable {
        private Scope() {
        }

        @Override
        public void close() {
            release();
        }
    }
}
