package org.mge4j.serialization;

import java.util.Collection;
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
    private final Map<String, Class<?>> trustedClasses;
    private final boolean modelsAsStateDicts;
    private final UnaryOperator<String> mapLocation;
    private final Codec codec;
    private final int maxDepth;
    private final int maxMemo;
    private final int maxStack;
    private final boolean inertGlobals;
    private final boolean requireChecksums;

    private LoadOptions(Builder b) {
        this.format = b.format;
        this.trusted = Collections.unmodifiableSet(new LinkedHashSet<>(b.trusted));
        this.trustedClasses = Collections.unmodifiableMap(new LinkedHashMap<>(b.trustedClasses));
        this.modelsAsStateDicts = b.modelsAsStateDicts;
        this.mapLocation = b.mapLocation;
        this.codec = b.codec;
        this.maxDepth = b.maxDepth;
        this.maxMemo = b.maxMemo;
        this.maxStack = b.maxStack;
        this.inertGlobals = b.inertGlobals;
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
        b.trustedClasses.putAll(trustedClasses);
        b.modelsAsStateDicts = modelsAsStateDicts;
        b.mapLocation = mapLocation;
        b.codec = codec;
        b.maxDepth = maxDepth;
        b.maxMemo = maxMemo;
        b.maxStack = maxStack;
        b.inertGlobals = inertGlobals;
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

    /**
     * The class trusted with {@link Builder#trust(Class)} under its binary name ({@code "org.example.ConvNet"},
     * {@code "REPL.$JShell$12$ConvNet"}), or null when that name was not trusted as a class object. The object is
     * kept, not only its name, so that a class only a JShell class loader knows can still be found.
     */
    public Class<?> trustedClass(String binaryName) {
        return trustedClasses.get(binaryName);
    }

    /** The classes trusted with {@link Builder#trust(Class)}, in the order given. */
    public Collection<Class<?>> trustedClasses() {
        return trustedClasses.values();
    }

    /**
     * True when every whole model in the file ({@code Mge.save(model, path)}) loads as its state dict: see
     * {@link Builder#modelsAsStateDicts()}.
     */
    public boolean modelsAsStateDicts() {
        return modelsAsStateDicts;
    }

    /** The device mapping applied to every saved device name ({@code "gpu0:0"} to {@code "cpu0"}), identity by default. */
    public UnaryOperator<String> mapLocation() {
        return mapLocation;
    }

    /**
     * Where a tensor saved on device {@code saved} ({@code "gpu0:0"}, {@code "xpux:0"}, ...) loads: the saved name
     * through {@link #mapLocation()}, then parsed as a device of this machine.
     *
     * @param what the tensor or storage, for the message ("tensor", "torch storage 3")
     * @throws SerializationException naming the saved and the mapped device, and how to load it elsewhere, when
     *         the device does not exist here (a GPU on a CPU-only machine, say) or the mapping gives a non-device
     */
    public org.mge4j.Device device(String saved, String what) {
        String mapped = mapLocation.apply(saved);
        if (mapped == null) {
            throw new SerializationException("mapLocation returned null for " + what + " saved on device '" + saved
                    + "'; it must return a device name such as \"cpu0\"");
        }
        try {
            return org.mge4j.Device.of(mapped);
        } catch (IllegalArgumentException e) {
            throw new SerializationException(what + " saved on device '" + saved + "'"
                    + (mapped.equals(saved) ? "" : " (mapped to '" + mapped + "')") + " cannot be loaded here: "
                    + e.getMessage() + ". Load it elsewhere with LoadOptions.builder().mapLocation(\"cpu0\").build()"
                    + " or Mge.load(path, \"cpu0\")", e);
        }
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

    /** True when globals outside the allowlist load as inert {@link UntrustedObject}s instead of being refused. */
    public boolean inertGlobals() {
        return inertGlobals;
    }

    /** True when a pickle without a checksum trailer is refused (see {@link Builder#requireChecksums(boolean)}). */
    public boolean requireChecksums() {
        return requireChecksums;
    }

    /** Builds {@link LoadOptions}. */
    public static final class Builder {
        private Format format;
        private final Set<String> trusted = new LinkedHashSet<>();
        private final Map<String, Class<?>> trustedClasses = new LinkedHashMap<>();
        private boolean modelsAsStateDicts;
        private UnaryOperator<String> mapLocation = UnaryOperator.identity();
        private Codec codec;
        private int maxDepth = DEFAULT_MAX_DEPTH;
        private int maxMemo = DEFAULT_MAX_MEMO;
        private int maxStack = DEFAULT_MAX_STACK;
        private boolean inertGlobals;
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

        /**
         * Trusts a Java class: a whole {@code Module} of this class saved with {@code Mge.save(model, path)} loads
         * as a new object of the class (its no-argument constructor runs, then the saved weights and train/eval
         * modes are set). The class object is kept, so classes defined in JShell (a notebook cell) are found.
         * A trusted name given as a string is looked up with the thread's context class loader.
         */
        public Builder trust(Class<?> type) {
            Objects.requireNonNull(type, "type");
            trust(type.getName());
            trustedClasses.put(type.getName(), type);
            return this;
        }

        /**
         * Loads every whole model in the file ({@code Mge.save(model, path)}) as its state dict, the ordered map of
         * keys to tensors that {@code model.stateDict()} gave when it was saved, without creating an object of its
         * class: no trust is needed and the class need not exist any more (renamed, redefined in JShell, changed).
         * The way to get the weights out of a whole-model file:
         * {@code model.loadStateDict(Mge.load(path, LoadOptions.builder().modelsAsStateDicts().build()))}.
         * Other values of the file load as usual, and other unknown classes are still refused.
         */
        public Builder modelsAsStateDicts() {
            this.modelsAsStateDicts = true;
            return this;
        }

        /**
         * Every tensor goes to this device ({@code "cpu0"}, {@code "cpux"}), MegEngine's {@code map_location="cpu0"}.
         * A PyTorch file's storages ({@code "cuda:0"}, {@code "cpu"}) are mapped the same way.
         *
         * @throws IllegalArgumentException when {@code device} is not spelled like a MegEngine device name
         */
        public Builder mapLocation(String device) {
            Objects.requireNonNull(device, "device");
            checkDeviceName(device, "mapLocation device");
            this.mapLocation = saved -> device;
            return this;
        }

        /**
         * Maps saved devices by their first four characters, MegEngine's {@code map_location={"gpu0": "cpu0"}}:
         * a saved {@code "gpu0:0"} becomes {@code "cpu0"}; devices not in the map stay. Keys and values must be
         * MegEngine device names, as MegEngine asserts; a PyTorch file's {@code "cuda:0"} storages are matched
         * as {@code "gpu0:0"}.
         *
         * @throws IllegalArgumentException naming a key or value that is not a device name (PyTorch's
         *         {@code "cuda:0"} is answered with {@code "gpu0"})
         */
        public Builder mapLocation(Map<String, String> mapping) {
            Objects.requireNonNull(mapping, "mapping");
            mapping.forEach((k, v) -> {
                checkDeviceName(k, "mapLocation key");
                checkDeviceName(v, "mapLocation value for '" + k + "'");
            });
            Map<String, String> copy = new LinkedHashMap<>(mapping);
            this.mapLocation = saved -> {
                String key = saved.length() >= 4 ? saved.substring(0, 4) : saved;
                return copy.getOrDefault(key, saved);
            };
            return this;
        }

        private static void checkDeviceName(String name, String what) {
            if (!org.mge4j.Device.isValidName(name)) {
                try {
                    org.mge4j.Device.of(String.valueOf(name));    // its message says what the name should be
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
                }
            }
        }

        /**
         * Maps each saved device name through a function, MegEngine's callable {@code map_location}. The function
         * gets MegEngine's logical names ({@code "gpu0:0"}, {@code "xpux:0"}; a PyTorch storage's {@code "cuda:1"}
         * as {@code "gpu1:0"}, {@code "cpu"} as {@code "cpu0:0"}) and returns a device name.
         */
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
         * For looking at a file, never for using it: a pickle global that is neither allowlisted nor trusted (even
         * {@code os.system}) loads as an inert {@link UntrustedObject} that names it, instead of being refused. Nothing
         * is imported, called or instantiated either way; the depth, memo and size limits still apply. This is what
         * {@code mge4j inspect} uses to show what a suspicious file holds. Default false.
         */
        public Builder inertGlobals(boolean inert) {
            this.inertGlobals = inert;
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
