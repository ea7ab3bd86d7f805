package org.mge4j.jit;

import java.util.Map;
import org.mge4j.autodiff.OpAttributes;

/**
 * One op of a traced call as later calls must repeat it: its name, attributes (null when the op does not describe
 * itself) and where each input came from.
 */
record Step(String op, Map<String, Object> attrs, Source[] inputs) {
    /** Where an op input came from: a tensor argument, an earlier op of the call, or outside the trace. */
    record Source(Kind kind, int index) {
        enum Kind { ARGUMENT, OP, EXTERNAL, ABSENT }

        static final Source EXTERNAL = new Source(Kind.EXTERNAL, -1);
        static final Source ABSENT = new Source(Kind.ABSENT, -1);

        @Override
        public String toString() {
            return switch (kind) {
                case ARGUMENT -> "argument " + index;
                case OP -> "the output of op #" + index;
                case EXTERNAL -> "an external tensor";
                case ABSENT -> "nothing";
            };
        }
    }

    boolean sameOp(String otherOp, Map<String, Object> otherAttrs) {
        if (!op.equals(otherOp) || (attrs == null) != (otherAttrs == null)) {
            return false;
        }
        return attrs == null || OpAttributes.sameValues(attrs, otherAttrs);
    }

    String describe() {
        return op + (attrs == null || attrs.isEmpty() ? "" : OpAttributes.format(attrs));
    }
}
