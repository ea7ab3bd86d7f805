package org.mge4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reused memory for the activations of a training step. While a {@link org.mge4j.autodiff.GradManager} records,
 * the outputs of the ops inside an outermost {@code Module.call} (convolutions, activations, pooling) are taken from
 * arrays that the previous step used and that its finished backward no longer needs: fresh off-heap pages for
 * every activation of every step cost about as much as the arithmetic of a small network on this kind of machine
 * (tutorial ConvNet, batch 64: ~900 page faults per step).
 *
 * <p>A step's arrays are handed out again only when a later recording makes its first module call, after the
 * previous recording ended (its backward ran or it was released), so the graph that the backward walks is never
 * overwritten. Each array remembers the step (generation) it belongs to; a tensor on such memory that escaped its
 * step (kept in a field or a list inside {@code forward}) refuses to be read once the memory is handed out again,
 * with an error saying how to keep it, instead of showing another step's numbers. The call's result leaves as a
 * copy, so the tensors a user holds ({@code logits}, {@code loss}) are ordinary ones.
 */
public final class ActivationMemory implements AutoCloseable {
    private static final AtomicLong GENERATIONS = new AtomicLong();
    /** Generations whose memory has not been handed out again (a thread that ends leaves its last one here). */
    private static final Set<Long> LIVE = ConcurrentHashMap.newKeySet();
    private static final ThreadLocal<Pool> POOL = ThreadLocal.withInitial(Pool::new);

    private final Pool pool;

    private ActivationMemory(Pool pool) {
        this.pool = pool;
    }

    /**
     * Opens reused memory for a module call in the recording {@code recording} (an identity token), or returns
     * null when another call on this thread already holds it.
     */
    public static ActivationMemory open(Object recording) {
        Pool pool = POOL.get();
        if (pool.open) {
            return null;
        }
        if (pool.recording != recording) {
            pool.nextGeneration(recording);
        }
        pool.open = true;
        return new ActivationMemory(pool);
    }

    /**
     * Suspends the call open on this thread, if any, until the returned handle is closed: a backward run from inside
     * {@code forward} must not put gradients into memory the next step reuses.
     */
    public static Suspension suspend() {
        Pool pool = POOL.get();
        boolean was = pool.open;
        pool.open = false;
        return () -> pool.open = was;
    }

    /** What {@link #suspend()} returns; closing it resumes the call. */
    @FunctionalInterface
    public interface Suspension extends AutoCloseable {
        @Override
        void close();
    }

    /** True while a call on this thread takes its activations from reused memory. */
    public static boolean isOpen() {
        return POOL.get().open;
    }

    /**
     * An uninitialised array of this type and shape from the reused memory of the call open on this thread, or
     * null when none is open (the caller then allocates as usual).
     */
    public static INDArray take(DataType type, long... shape) {
        Pool pool = POOL.get();
        return pool.open ? pool.take(type, shape) : null;
    }

    /**
     * The generation whose memory {@code array}, made during the call open on this thread, lives on; 0 for ordinary
     * memory. Views share their base's buffer, so a reshaped activation is recognised too.
     */
    static long generationOf(INDArray array) {
        Pool pool = POOL.get();
        if (!pool.open || pool.buffers.isEmpty()) {
            return 0;
        }
        DataBuffer buffer = array.data();
        DataBuffer base = buffer.originalDataBuffer();
        return pool.buffers.containsKey(base != null ? base : buffer) ? pool.generation : 0;
    }

    /** True while the memory of {@code generation} has not been handed out again. */
    static boolean isLive(long generation) {
        return LIVE.contains(generation);
    }

    /**
     * The call's result with every tensor on this step's memory replaced by a copy in ordinary memory that passes
     * gradients straight through (lists, maps and arrays of tensors too); call after {@link #close()}.
     */
    public Object keep(Object result) {
        return Scratch.mapTensors(result, t -> t.scope() < 0 ? t.keepCopy() : t);
    }

    /** Ends the call: later ops allocate ordinary memory; this step's arrays stay valid until the next recording. */
    @Override
    public void close() {
        pool.open = false;
    }

    /** The error for reading a tensor whose memory a later training step has reused. */
    static IllegalStateException escaped(Tensor t) {
        return new IllegalStateException("this tensor of shape " + Tensor.shapeString(t.shape())
                + " was made inside a module call while a GradManager recorded, and a later training step has reused "
                + "its memory: it left the call another way than as its result (a field, a list, a global). Keep a "
                + "copy with x.copy() inside forward, or register a forward hook (calls with hooks use ordinary memory)");
    }

    /** One thread's arrays: those the current step took, and those of the previous step it may take again. */
    private static final class Pool {
        boolean open;
        Object recording;
        long generation;
        List<INDArray> taken = new ArrayList<>();
        final IdentityHashMap<DataBuffer, Boolean> buffers = new IdentityHashMap<>();
        Map<Key, ArrayDeque<INDArray>> free = new HashMap<>();

        void nextGeneration(Object rec) {
            // arrays of the step before last that the last one did not take again are dropped: the pool holds at
            // most what two consecutive steps used, however the shapes change
            Map<Key, ArrayDeque<INDArray>> next = new HashMap<>();
            for (INDArray a : taken) {
                next.computeIfAbsent(new Key(a.dataType(), a.shape()), k -> new ArrayDeque<>()).add(a);
            }
            free = next;
            taken = new ArrayList<>();
            buffers.clear();
            recording = rec;
            LIVE.remove(generation);
            generation = -GENERATIONS.incrementAndGet();  // negative: Scratch's ids are positive
            LIVE.add(generation);
        }

        INDArray take(DataType type, long[] shape) {
            ArrayDeque<INDArray> q = free.get(new Key(type, shape));
            INDArray a = q == null ? null : q.poll();
            if (a == null) {
                a = Nd4j.createUninitializedDetached(type, shape);
            }
            buffers.put(a.data(), Boolean.TRUE);
            taken.add(a);
            return a;
        }
    }

    private record Key(DataType type, long[] shape) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.type == type && Arrays.equals(k.shape, shape);
        }

        @Override
        public int hashCode() {
            return Objects.hash(type, Arrays.hashCode(shape));
        }
    }
}
