package org.mge4j.kernel.cli;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.mge4j.Tensor;
import org.mge4j.serialization.UntrustedObject;

/**
 * The tensors of a loaded file in file order, with their totals (each tensor counted once, however many keys share
 * it), and the untrusted globals it names.
 */
final class Inventory implements ObjectWalker.Visitor {
    /** A tensor at a path; {@code sameAs} is the path where the same tensor was first met, or null. */
    record Entry(String path, Tensor tensor, String sameAs) {
    }

    private final List<Entry> tensors = new ArrayList<>();
    private final Set<String> untrusted = new TreeSet<>();
    private final IdentityHashMap<Tensor, String> digests = new IdentityHashMap<>();
    private long unique;
    private long elements;
    private long bytes;

    private Inventory() {
    }

    /** The inventory of {@code root}. */
    static Inventory of(Object root) {
        Inventory inv = new Inventory();
        ObjectWalker.walk(root, inv);
        return inv;
    }

    /** Every tensor path, in file order, shared ones included. */
    List<Entry> tensors() {
        return tensors;
    }

    /** The untrusted globals the file names ({@code os.system}), sorted. */
    Set<String> untrusted() {
        return untrusted;
    }

    /** Distinct tensors. */
    long uniqueTensors() {
        return unique;
    }

    /** Elements of the distinct tensors. */
    long elements() {
        return elements;
    }

    /** Bytes of the distinct tensors' data. */
    long bytes() {
        return bytes;
    }

    /** The tensor's SHA-256 (see {@link TensorDigest}), computed once per tensor. */
    String sha256(Tensor t) {
        return digests.computeIfAbsent(t, TensorDigest::sha256);
    }

    @Override
    public boolean enter(Object key, String path, Object container, int depth) {
        if (container instanceof UntrustedObject u) {
            String n = u.name();
            untrusted.add(n.endsWith("(...)") ? n.substring(0, n.length() - 5) : n);
        }
        return true;
    }

    @Override
    public void leave(Object container, int depth) {
    }

    @Override
    public void tensor(Object key, String path, Tensor t, int depth) {
        tensors.add(new Entry(path, t, null));
        unique++;
        elements += TensorDigest.elements(t);
        bytes += TensorDigest.byteSize(t);
    }

    @Override
    public void scalar(Object key, String path, Object value, int depth) {
    }

    @Override
    public void reference(Object key, String path, Object target, String firstPath, int depth) {
        if (target instanceof Tensor t) {
            tensors.add(new Entry(path, t, firstPath));
        }
    }
}
