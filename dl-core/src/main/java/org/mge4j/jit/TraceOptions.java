package org.mge4j.jit;

/**
 * How {@link Jit#trace} traces (MegEngine's {@code trace(symbolic=..., capture_as_const=...)}), as an immutable
 * value: {@code TraceOptions.builder().symbolic(true).captureAsConst(true).build()}.
 */
public final class TraceOptions {
    private final boolean symbolic;
    private final boolean captureAsConst;

    private TraceOptions(Builder b) {
        this.symbolic = b.symbolic;
        this.captureAsConst = b.captureAsConst;
    }

    /** A builder with MegEngine's defaults: symbolic false, captureAsConst false. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static TraceOptions defaults() {
        return builder().build();
    }

    /**
     * True: the first call builds a graph, and later calls replay it without running the function (when the function
     * neither reads tensor values on the host, nor runs backward, nor excludes part of itself from the trace; such
     * a function runs again on every call and is checked against the graph, as MegEngine re-runs Python code).
     * False: every call runs the function eagerly and is checked against the first.
     */
    public boolean symbolic() {
        return symbolic;
    }

    /** True: tensors the function reads from outside (parameters, globals) are frozen as constants; needed by dump. */
    public boolean captureAsConst() {
        return captureAsConst;
    }

    @Override
    public String toString() {
        return "TraceOptions(symbolic=" + symbolic + ", captureAsConst=" + captureAsConst + ")";
    }

    /** Builds {@link TraceOptions}. */
    public static final class Builder {
        private boolean symbolic;
        private boolean captureAsConst;

        private Builder() {
        }

        /** See {@link TraceOptions#symbolic()}. */
        public Builder symbolic(boolean value) {
            this.symbolic = value;
            return this;
        }

        /** See {@link TraceOptions#captureAsConst()}. */
        public Builder captureAsConst(boolean value) {
            this.captureAsConst = value;
            return this;
        }

        /** The options. */
        public TraceOptions build() {
            return new TraceOptions(this);
        }
    }
}
