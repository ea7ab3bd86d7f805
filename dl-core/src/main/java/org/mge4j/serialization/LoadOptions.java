package org.mge4j.serialization;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * How {@code Mge.load} reads: which extra pickle globals the caller trusts, where loaded tensors go
 * ({@code map_location}), an optional {@link Codec} and the safety limits. Immutable; build with {@link #builder()}.
 *
 * <p>By default only the globals a state dict or checkpoint needs are accepted (OrderedDict, numpy arrays and
 * dtypes, MegEngine tensors); everything else is refused before anything is built.
 */
public final class LoadOptions {
    /** Default deepest nesting of containers accepted. */
    public static final int DEFAULT_MAX_DEPTH = 1000;
    /** Default largest memo (objects a pickle may refer back to). */
    public static final int DEFAULT_MAX_MEMO = 1 << 22;
    /** Default largest unpickler stack plus marks. */
    public static final int DEFAULT_MAX_STACK = 1 << 22;
    private static final LoadOptions DEFAULTS = builder().build();

    private final Format format;
    private final Set<String> trusted;
    private final UnaryOperator<String> mapLocation;
    private final Codec codec;
    private final int maxDepth;
    private final int maxMemo;
    private final int maxStack;
    private final boolean requireChecksums;

    private LoadOptions(Builder b) {
        this.format = b.format;
        this.trusted = Collections.unmodifiableSet(new LinkedHashSet<>(b.trusted));
        this.mapLocation = b.mapLocation;
        this.codec = b.codec;
        this.maxDepth = b.maxDepth;
        this.maxMemo = b.maxMemo;
        this.maxStack = b.maxStack;
        this.requireChecksums = b.requireChecksums;
    }

    /** The safe defaults. */
    public static LoadOptions defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.format = format;
        b.trusted.addAll(trusted);
        b.mapLocation = mapLocation;
        b.codec = codec;
        b.maxDepth = maxDepth;
        b.maxMemo = maxMemo;
        b.maxStack = maxStack;
        b.requireChecksums = requireChecksums;
        return b;
    }

    /** The format asked for, or null to detect it from the extension and the first bytes. */
    public Format format() {
        return format;
    }

    /** The globals ({@code module.name}) trusted on top of the allowlist. */
    public Set<String> trusted() {
        return trusted;
    }

    /** True when {@code global} ({@code module.name}) was trusted by the caller. */
    public boolean trusts(String global) {
        return trusted.contains(global);
    }

    /** The device mapping applied to every saved device name ({@code "gpu0:0"} to {@code "cpu0"}), identity by default. */
    public UnaryOperator<String> mapLocation() {
        return mapLocation;
    }

    /** The codec that replaces the built-in formats, or null. */
    public Codec codec() {
        return codec;
    }

    /** Deepest container nesting accepted. */
    public int maxDepth() {
        return maxDepth;
    }

    /** Largest memo accepted. */
    public int maxMemo() {
        return maxMemo;
    }

    /** Largest stack (values plus marks) accepted. */
    public int maxStack() {
        return maxStack;
    }

    /** True when a pickle without a checksum trailer is refused (see {@link Builder#requireChecksums(boolean)}). */
    public boolean requireChecksums() {
        return requireChecksums;
    }

    /** Builds {@link LoadOptions}. */
    public static final class Builder {
        private Format format;
        private final Set<String> trusted = new LinkedHashSet<>();
        private UnaryOperator<String> mapLocation = UnaryOperator.identity();
        private Codec codec;
        private int maxDepth = DEFAULT_MAX_DEPTH;
        private int maxMemo = DEFAULT_MAX_MEMO;
        private int maxStack = DEFAULT_MAX_STACK;
        private boolean requireChecksums;

        private Builder() {
        }

        /** Reads this format whatever the extension or the first bytes say. */
        public Builder format(Format format) {
            this.format = format;
            return this;
        }

        /**
         * Trusts these pickle globals ({@code "mymodule.MyClass"}) on top of the allowlist. A trusted global is
         * still not run: it loads as an inert {@link PickledObject} (or, for a saved mge4j Module, as that module).
         * Modules that can run programs ({@code os}, {@code sys}, {@code subprocess}, ...) cannot be trusted.
         */
        public Builder trust(String... globals) {
            for (String g : globals) {
                Objects.requireNonNull(g, "global");
                if (!g.contains(".")) {
                    throw new IllegalArgumentException("trust a global as \"module.name\", for example \"mymodel.Net\"; got \"" + g + "\"");
                }
                trusted.add(g);
            }
            return this;
        }

        /** Trusts a Java class by its name (for a whole {@code Module} saved with {@code Mge.save(model, path)}). */
        public Builder trust(Class<?> type) {
            return trust(type.getName());
        }

        /** Every tensor goes to this device ({@code "cpu0"}, {@code "cpux"}), MegEngine's {@code map_location="cpu0"}. */
        public Builder mapLocation(String device) {
            Objects.requireNonNull(device, "device");
            this.mapLocation = saved -> device;
            return this;
        }

        /**
         * Maps saved devices by their first four characters, MegEngine's {@code map_location={"gpu0": "cpu0"}}:
         * a saved {@code "gpu0:0"} becomes {@code "cpu0"}; devices not in the map stay.
         */
        public Builder mapLocation(Map<String, String> mapping) {
            Map<String, String> copy = new LinkedHashMap<>(mapping);
            this.mapLocation = saved -> {
                String key = saved.length() >= 4 ? saved.substring(0, 4) : saved;
                return copy.getOrDefault(key, saved);
            };
            return this;
        }

        /** Maps each saved device name through a function, MegEngine's callable {@code map_location}. */
        public Builder mapLocation(UnaryOperator<String> mapping) {
            this.mapLocation = Objects.requireNonNull(mapping, "mapping");
            return this;
        }

        /** Reads with this codec instead of the built-in formats (MegEngine's {@code pickle_module}). */
        public Builder codec(Codec codec) {
            this.codec = codec;
            return this;
        }

        /** Deepest nesting of containers accepted (default 1000). */
        public Builder maxDepth(int maxDepth) {
            this.maxDepth = positive("maxDepth", maxDepth);
            return this;
        }

        /** Largest memo accepted (default 4M entries). */
        public Builder maxMemo(int maxMemo) {
            this.maxMemo = positive("maxMemo", maxMemo);
            return this;
        }

        /** Largest unpickler stack accepted (default 4M entries). */
        public Builder maxStack(int maxStack) {
            this.maxStack = positive("maxStack", maxStack);
            return this;
        }

        /**
         * Refuses a pickle that has no checksum trailer (default false: pickles from Python have none and load
         * unchecked). A trailer, when there is one, is always verified. With this on, a file cut right after its
         * pickle, which would otherwise load, is reported as truncated; {@code CheckpointManager} turns it on.
         */
        public Builder requireChecksums(boolean require) {
            this.requireChecksums = require;
            return this;
        }

        private static int positive(String name, int v) {
            if (v <= 0) {
                throw new IllegalArgumentException(name + " must be positive, got " + v);
            }
            return v;
        }

        /** The immutable options. */
        public LoadOptions build() {
            return new LoadOptions(this);
        }
    }
}
