package org.mge4j.autodiff;

import org.mge4j.Tensor;

/**
 * Sees every op as it runs on this thread, with its attributes and tensors: how {@code org.mge4j.jit} traces a
 * function. Installed with {@link Autograd#observe}; when none is installed, ops pay one field read.
 */
public interface OpObserver {
    /**
     * An op ran. {@code attrs} is null for an op that does not describe itself (it cannot be put in a graph);
     * {@code inputs} are its graph inputs (some may be null for absent optional ones).
     */
    void op(String kind, OpAttributes attrs, Tensor[] inputs, Tensor output);

    /** Host code read the values of {@code t} (item, toArray, printing): the function may branch on data. */
    void hostRead(Tensor t);

    /** A {@link GradManager} ran backward: the function has effects a forward graph does not hold. */
    void backward();
}
