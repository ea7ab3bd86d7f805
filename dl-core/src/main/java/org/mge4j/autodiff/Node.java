package org.mge4j.autodiff;

import org.mge4j.Tensor;

/**
 * One recorded op on the tape: the inputs it read and the rule that turns its output gradient into theirs.
 * A node belongs to one {@link Recording}; once that recording ends the node is history and nothing flows
 * through it.
 */
public final class Node {
    final String op;
    final Tensor[] inputs;
    final Backward backward;
    final Recording recording;

    Node(String op, Tensor[] inputs, Backward backward, Recording recording) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
        this.recording = recording;
    }

    /** The op's name, for example {@code "conv2d"}. */
    public String op() {
        return op;
    }

    /** True while the recording that made this node is still open. */
    boolean live() {
        return recording.active;
    }
}
