package org.mge4j.jit;

import java.util.List;

/**
 * How {@link TracedFunction#dump} writes a graph (MegEngine's {@code dump(arg_names=..., output_names=...,
 * keep_var_name=..., optimize_for_inference=...)}), as an immutable value built with {@link #builder()}.
 */
public final class DumpOptions {
    /** The file format; {@code AUTO} picks ONNX for a path ending in {@code .onnx}, else {@code .mge}. */
    public enum Format { AUTO, MGE, ONNX }

    private final List<String> argNames;
    private final List<String> outputNames;
    private final int keepVarName;
    private final boolean optimizeForInference;
    private final boolean fuseConvBiasNonlinearity;
    private final Format format;

    private DumpOptions(Builder b) {
        this.argNames = b.argNames;
        this.outputNames = b.outputNames;
        this.keepVarName = b.keepVarName;
        this.optimizeForInference = b.optimizeForInference;
        this.fuseConvBiasNonlinearity = b.fuseConvBiasNonlinearity;
        this.format = b.format;
    }

    /** A builder with MegEngine's defaults (inputs arg_0..., auto output names, keepVarName 1, optimised). */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static DumpOptions defaults() {
        return builder().build();
    }

    /** Input names, one per tensor argument, or null for {@code arg_0, arg_1, ...}. */
    public List<String> argNames() {
        return argNames;
    }

    /** Output names, one per output, or null for the outputs' own names (auto names such as {@code SOFTMAX}). */
    public List<String> outputNames() {
        return outputNames;
    }

    /** 0: no var names kept (outputs get auto names); 1: output names kept; 2: every var's name kept. */
    public int keepVarName() {
        return keepVarName;
    }

    /**
     * True (the default): constant folding, dead-code removal, eval dropout removal, BatchNorm and per-channel
     * scales folded into the preceding conv/linear, and (with {@link #fuseConvBiasNonlinearity}) relu fused.
     */
    public boolean optimizeForInference() {
        return optimizeForInference;
    }

    /**
     * True (the default here; MegEngine's {@code enable_fuse_conv_bias_nonlinearity} defaults to false): a relu
     * after a conv or linear becomes part of that op.
     */
    public boolean fuseConvBiasNonlinearity() {
        return fuseConvBiasNonlinearity;
    }

    /** The file format. */
    public Format format() {
        return format;
    }

    /** Builds {@link DumpOptions}. */
    public static final class Builder {
        private List<String> argNames;
        private List<String> outputNames;
        private int keepVarName = 1;
        private boolean optimizeForInference = true;
        private boolean fuseConvBiasNonlinearity = true;
        private Format format = Format.AUTO;

        private Builder() {
        }

        /** See {@link DumpOptions#argNames()}. */
        public Builder argNames(String... names) {
            this.argNames = List.of(names);
            return this;
        }

        /** See {@link DumpOptions#argNames()}. */
        public Builder argNames(List<String> names) {
            this.argNames = List.copyOf(names);
            return this;
        }

        /** See {@link DumpOptions#outputNames()}. */
        public Builder outputNames(String... names) {
            this.outputNames = List.of(names);
            return this;
        }

        /** See {@link DumpOptions#outputNames()}. */
        public Builder outputNames(List<String> names) {
            this.outputNames = List.copyOf(names);
            return this;
        }

        /** See {@link DumpOptions#keepVarName()}; 0, 1 or 2. */
        public Builder keepVarName(int level) {
            if (level < 0 || level > 2) {
                throw new IllegalArgumentException("keepVarName must be 0, 1 or 2, got " + level);
            }
            this.keepVarName = level;
            return this;
        }

        /** See {@link DumpOptions#optimizeForInference()}. */
        public Builder optimizeForInference(boolean value) {
            this.optimizeForInference = value;
            return this;
        }

        /** See {@link DumpOptions#fuseConvBiasNonlinearity()}. */
        public Builder fuseConvBiasNonlinearity(boolean value) {
            this.fuseConvBiasNonlinearity = value;
            return this;
        }

        /** See {@link DumpOptions#format()}. */
        public Builder format(Format value) {
            this.format = java.util.Objects.requireNonNull(value, "format");
            return this;
        }

        /** The options. */
        public DumpOptions build() {
            return new DumpOptions(this);
        }
    }
}
