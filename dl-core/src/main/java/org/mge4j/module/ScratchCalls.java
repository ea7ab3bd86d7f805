package org.mge4j.module;

/**
 * When a module call may use {@link org.mge4j.Scratch} memory: an outermost call, outside any recording, of a
 * module tree that is entirely in eval mode, on an input large enough for it to pay (no batch statistics or dropout masks to keep) and has no hooks (hooks
 * are how notebooks look at intermediate activations, which must stay readable).
 */
final class ScratchCalls {
    private ScratchCalls() {
    }

    /** Below this many input elements fresh pages are cheap and the bookkeeping does not pay. */
    private static final long MIN_INPUT_ELEMENTS = 16384;

    static boolean eligible(Module root, Object[] inputs) {
        if (inputs.length == 0 || !(inputs[0] instanceof org.mge4j.Tensor first) || first.size() < MIN_INPUT_ELEMENTS) {
            return false;
        }
        for (Module m : root.modules()) {
            if (m.training() || m.hasHooks()) {
                return false;
            }
        }
        return true;
    }
}
