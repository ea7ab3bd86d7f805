package org.mge4j.module;

/**
 * When a module call may use reused memory for its intermediates. {@link org.mge4j.Scratch} memory: an outermost
 * call, outside any recording, of a module tree that is entirely in eval mode (no batch statistics or dropout masks
 * to keep). {@link org.mge4j.ActivationMemory}: an outermost call while a GradManager records. Both need an input
 * large enough for it to pay and no hooks (hooks are how notebooks look at intermediate activations, which must
 * stay readable).
 */
final class ScratchCalls {
    private ScratchCalls() {
    }

    /** Below this many input elements fresh pages are cheap and the bookkeeping does not pay. */
    private static final long MIN_INPUT_ELEMENTS = 16384;

    static boolean eligible(Module root, Object[] inputs) {
        if (!largeInput(inputs)) {
            return false;
        }
        for (Module m : root.modules()) {
            if (m.training() || m.hasHooks()) {
                return false;
            }
        }
        return true;
    }

    /**
     * When a call while a GradManager records may take its activations from {@link org.mge4j.ActivationMemory}:
     * an outermost call on a large enough input of a module tree without hooks, in any mode.
     */
    static boolean eligibleWhileRecording(Module root, Object[] inputs) {
        if (!largeInput(inputs)) {
            return false;
        }
        for (Module m : root.modules()) {
            if (m.hasHooks()) {
                return false;
            }
        }
        return true;
    }

    private static boolean largeInput(Object[] inputs) {
        return inputs.length > 0 && inputs[0] instanceof org.mge4j.Tensor first && first.size() >= MIN_INPUT_ELEMENTS;
    }
}
