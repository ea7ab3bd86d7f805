package org.mge4j.jit;

/**
 * A later call of a traced function did not do what the first call did (MegEngine's {@code TraceError}): the
 * message says {@code "trace error because <reason>"}, with reasons such as {@code operator mismatch},
 * {@code mismature end}, {@code too many instructions}, {@code expect internal node, got external},
 * {@code expect external node, got internal} and {@code input id mismatch}, followed by the details.
 */
public class TraceError extends RuntimeException {
    private final String reason;

    /** An error for {@code reason} with details appended after a colon. */
    public TraceError(String reason, String details) {
        super("trace error because " + reason + (details == null || details.isEmpty() ? "" : ": " + details));
        this.reason = reason;
    }

    /** The bare reason, e.g. {@code "operator mismatch"}. */
    public String reason() {
        return reason;
    }

    /** An op with no graph form met where a graph is needed (symbolic replay, dump). */
    public static final class NotTraceable extends TraceError {
        /** The error for eager op {@code opName}. */
        public NotTraceable(String opName) {
            super("op not traceable", "op '" + opName + "' is not traceable yet: it has no graph form, so it can "
                    + "neither be replayed symbolically nor dumped. Trace with symbolic(false), or move it out of the "
                    + "traced function (Jit.excludeFromTrace runs it eagerly and captures its result)");
        }
    }
}
