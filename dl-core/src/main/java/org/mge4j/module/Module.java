package org.mge4j.module;

import java.nio.file.Path;
import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.mge4j.Device;
import org.mge4j.Parameter;
import org.mge4j.ActivationMemory;
import org.mge4j.Scratch;
import org.mge4j.Tensor;
import org.mge4j.autodiff.Autograd;

/**
 * The base of every layer and model: MegEngine's {@code Module}.
 *
 * <p>A subclass declares its layers and tensors as fields and overrides {@link #forward(Tensor)} (or any public
 * {@code forward} method); {@link #call} runs it with the registered hooks:
 * <pre>{@code
 * class Net extends Module {
 *     Linear fc = new Linear(4, 2);
 *     public Tensor forward(Tensor x) { return F.relu(fc.call(x)); }
 * }
 * }</pre>
 *
 * <p>Fields are found by reflection, exactly as MegEngine scans {@code vars(self)}: fields holding a
 * {@link Module}, a {@link Tensor} ({@link Parameter} or buffer), or a {@link List}, array or {@link Map} of them
 * (nested to any depth). Static, transient and primitive fields are ignored. Names follow MegEngine's rules:
 * <ul>
 *   <li>A Java field is reported under its camelCase name in snake_case ({@code runningMean} as
 *       {@code running_mean}), so a model ported from Python gets Python's keys; {@link AttributeName} overrides it.</li>
 *   <li>Iteration visits attributes sorted by name (code point order), lists as {@code layers.0.weight}, maps by
 *       sorted key; a tensor or module reached twice is reported once, under its first key.</li>
 *   <li>{@link #stateDict()} lists a module's own tensors before its children's.</li>
 *   <li>The repr lists children in field declaration order.</li>
 * </ul>
 */
public abstract class Module {
    private static final AtomicLong HOOK_IDS = new AtomicLong();

    private boolean training = true;
    private final Map<Long, ForwardPreHook> forwardPreHooks = new LinkedHashMap<>();
    private final Map<Long, ForwardHook> forwardHooks = new LinkedHashMap<>();
    private final Map<String, Object> registered = new LinkedHashMap<>();

    /** Creates a module in training mode. */
    protected Module() {
    }

    // ---------------------------------------------------------------- forward and hooks

    /**
     * The computation of a one-input module; override it (or declare another public {@code forward} method for
     * several inputs). Call the module with {@link #call(Tensor)} rather than this, so that hooks run.
     */
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " does not define forward: add `public Tensor forward(Tensor x) { ... }` to the class");
    }

    /** Runs the module on one tensor: pre-hooks, {@code forward}, hooks. */
    public Tensor call(Tensor x) {
        Object out = call(new Object[] {x});
        if (out != null && !(out instanceof Tensor)) {
            throw new ClassCastException(getClass().getSimpleName() + " returned a " + out.getClass().getName()
                    + ", not a Tensor: use call(Object...) for modules with other outputs");
        }
        return (Tensor) out;
    }

    /**
     * Runs the module on any inputs, as MegEngine's {@code __call__}: each pre-hook may replace the inputs, then the
     * public {@code forward} method matching the inputs runs, then each forward hook may replace the output.
     */
    public Object call(Object... inputs) {
        // a trace must see every tensor an op makes; scratch memory hands out copies it would not know
        if (Scratch.activeId() != 0 || ActivationMemory.isOpen() || Autograd.isObserved()) {
            return invoke(inputs);
        }
        if (Autograd.isRecording()) {
            ActivationMemory memory = ScratchCalls.eligibleWhileRecording(this, inputs)
                    ? ActivationMemory.open(Autograd.recordingToken()) : null;
            if (memory == null) {
                return invoke(inputs);
            }
            Object out;
            try {
                out = invoke(inputs);
            } finally {
                memory.close();
            }
            return memory.keep(out);
        }
        if (!ScratchCalls.eligible(this, inputs)) {
            return invoke(inputs);
        }
        try (Scratch scratch = Scratch.open(getClass().getSimpleName())) {
            return scratch.keep(invoke(inputs));
        }
    }

    /** True when a forward hook or pre-hook is registered on this module. */
    boolean hasHooks() {
        return !forwardPreHooks.isEmpty() || !forwardHooks.isEmpty();
    }

    private Object invoke(Object[] inputs) {
        Object[] in = inputs;
        for (ForwardPreHook hook : forwardPreHooks.isEmpty() ? List.<ForwardPreHook>of()
                : List.copyOf(forwardPreHooks.values())) {
            Object modified = hook.apply(this, in);
            if (modified != null) {
                in = modified instanceof Object[] array ? array : new Object[] {modified};
            }
        }
        Object out = ForwardDispatch.run(this, in);
        for (ForwardHook hook : forwardHooks.isEmpty() ? List.<ForwardHook>of() : List.copyOf(forwardHooks.values())) {
            Object modified = hook.apply(this, in, out);
            if (modified != null) {
                out = modified;
            }
        }
        return out;
    }

    /** Registers a hook run before each forward; {@link HookHandle#remove()} unregisters it. */
    public HookHandle registerForwardPreHook(ForwardPreHook hook) {
        long id = HOOK_IDS.incrementAndGet();
        forwardPreHooks.put(id, hook);
        return new HookHandle(forwardPreHooks, id);
    }

    /** Registers a hook run after each forward; {@link HookHandle#remove()} unregisters it. */
    public HookHandle registerForwardHook(ForwardHook hook) {
        long id = HOOK_IDS.incrementAndGet();
        forwardHooks.put(id, hook);
        return new HookHandle(forwardHooks, id);
    }

    // ---------------------------------------------------------------- attributes

    /**
     * Adds an attribute under a name that is not a Java field (how {@link Sequential} holds its layers, MegEngine's
     * {@code setattr}); assigning again keeps the first position, null removes it.
     */
    protected final void register(String name, Object value) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("attribute name must be a non-empty string");
        }
        if (Attributes.hasField(getClass(), name)) {
            throw new IllegalArgumentException("`" + name + "` is a field of " + getClass().getSimpleName()
                    + "; assign the field instead of registering it");
        }
        if (value == null) {
            registered.remove(name);
        } else {
            registered.put(name, value);
        }
    }

    /** The value of a registered (non-field) attribute, or null. */
    protected final Object registeredAttribute(String name) {
        return registered.get(name);
    }

    final Map<String, Object> registered() {
        return registered;
    }

    // ---------------------------------------------------------------- traversal

    private List<Attributes.Entry> flatten(boolean recursive, String prefix, Predicate<Object> predicate) {
        List<Attributes.Entry> out = new ArrayList<>();
        Attributes.flatten(this, recursive, prefix, predicate, Attributes.seenFrom(this), out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private <T> List<T> values(boolean recursive, Predicate<Object> predicate) {
        List<T> out = new ArrayList<>();
        for (Attributes.Entry e : flatten(recursive, null, predicate)) {
            out.add((T) e.value());
        }
        return Collections.unmodifiableList(out);
    }

    @SuppressWarnings("unchecked")
    private <T> Map<String, T> named(boolean recursive, String prefix, Predicate<Object> predicate) {
        Map<String, T> out = new LinkedHashMap<>();
        for (Attributes.Entry e : flatten(recursive, prefix, predicate)) {
            out.put(e.key(), (T) e.value());
        }
        return Collections.unmodifiableMap(out);
    }

    private static boolean isParameter(Object o) {
        return o instanceof Parameter;
    }

    private static boolean isBuffer(Object o) {
        return o instanceof Tensor && !(o instanceof Parameter);
    }

    /** Every {@link Parameter} of this module and its submodules, each once, in key order (what optimizers take). */
    public List<Parameter> parameters() {
        return parameters(true);
    }

    /** The parameters; with {@code recursive=false} only this module's own. */
    public List<Parameter> parameters(boolean recursive) {
        return values(recursive, Module::isParameter);
    }

    /** The parameters by dotted key ({@code fc1.weight}), in MegEngine's order. */
    public Map<String, Parameter> namedParameters() {
        return namedParameters(null, true);
    }

    /** The parameters by key, each key prefixed with {@code prefix + "."} when a prefix is given. */
    public Map<String, Parameter> namedParameters(String prefix, boolean recursive) {
        return named(recursive, prefix, Module::isParameter);
    }

    /** The buffers: tensors that are not parameters (BatchNorm's running statistics). */
    public List<Tensor> buffers() {
        return buffers(true);
    }

    /** The buffers; with {@code recursive=false} only this module's own. */
    public List<Tensor> buffers(boolean recursive) {
        return values(recursive, Module::isBuffer);
    }

    /** The buffers by dotted key. */
    public Map<String, Tensor> namedBuffers() {
        return namedBuffers(null, true);
    }

    /** The buffers by key, with an optional prefix. */
    public Map<String, Tensor> namedBuffers(String prefix, boolean recursive) {
        return named(recursive, prefix, Module::isBuffer);
    }

    /** Every tensor, parameter or buffer. */
    public List<Tensor> tensors() {
        return tensors(true);
    }

    /** Every tensor; with {@code recursive=false} only this module's own. */
    public List<Tensor> tensors(boolean recursive) {
        return values(recursive, o -> o instanceof Tensor);
    }

    /** Every tensor by dotted key. */
    public Map<String, Tensor> namedTensors() {
        return namedTensors(null, true);
    }

    /** Every tensor by key, with an optional prefix. */
    public Map<String, Tensor> namedTensors(String prefix, boolean recursive) {
        return named(recursive, prefix, o -> o instanceof Tensor);
    }

    /** The direct submodules, including those inside lists and maps, in key order. */
    public List<Module> children() {
        return values(false, o -> o instanceof Module);
    }

    /** The direct submodules by key ({@code conv1}, {@code layers.0}). */
    public Map<String, Module> namedChildren() {
        return named(false, null, o -> o instanceof Module);
    }

    /** This module first, then every submodule (pre-order, each once). */
    public List<Module> modules() {
        List<Module> out = new ArrayList<>();
        out.add(this);
        out.addAll(values(true, o -> o instanceof Module));
        return Collections.unmodifiableList(out);
    }

    /** This module under key {@code ""}, then every submodule by dotted key. */
    public Map<String, Module> namedModules() {
        return namedModules(null);
    }

    /** This module under {@code prefix} (or {@code ""}), then every submodule with keys starting {@code prefix.}. */
    public Map<String, Module> namedModules(String prefix) {
        Map<String, Module> out = new LinkedHashMap<>();
        out.put(prefix == null ? "" : prefix, this);
        out.putAll(named(true, prefix, o -> o instanceof Module));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Every submodule by dotted key with the module that holds it directly (MegEngine's
     * {@code named_modules(with_parent=True)}); this module comes first with a null parent.
     */
    public List<Map.Entry<String, Map.Entry<Module, Module>>> namedModulesWithParent() {
        List<Map.Entry<String, Map.Entry<Module, Module>>> out = new ArrayList<>();
        out.add(Map.entry("", new java.util.AbstractMap.SimpleImmutableEntry<>(this, null)));
        for (Attributes.Entry e : flatten(true, null, o -> o instanceof Module)) {
            out.add(Map.entry(e.key(), Map.entry((Module) e.value(), e.parent())));
        }
        return Collections.unmodifiableList(out);
    }

    /** Calls {@code fn} on this module and every submodule, in {@link #modules()} order. */
    public void apply(Consumer<? super Module> fn) {
        for (Module m : modules()) {
            fn.accept(m);
        }
    }

    // ---------------------------------------------------------------- train / eval

    /** True in training mode (the default), false after {@link #eval()}. */
    public boolean training() {
        return training;
    }

    /** Puts this module and every submodule in training mode. */
    public void train() {
        train(true, true);
    }

    /** Sets the training mode of this module and every submodule. */
    public void train(boolean mode) {
        train(mode, true);
    }

    /** Sets the training mode; with {@code recursive=false} only this module's own flag changes. */
    public void train(boolean mode, boolean recursive) {
        if (!recursive) {
            training = mode;
            return;
        }
        apply(m -> m.train(mode, false));
    }

    /** Puts this module and every submodule in evaluation mode ({@code train(false)}). */
    public void eval() {
        train(false);
    }

    // ---------------------------------------------------------------- state dict

    /**
     * The module's state as an ordered map from dotted key to a detached copy of each parameter and buffer: own
     * tensors first (sorted), then each child's (sorted, recursively). BatchNorm values appear as {@code (C,)}. A
     * tensor shared by two submodules appears under both keys. Save it with {@code Mge.save}.
     */
    public Map<String, Tensor> stateDict() {
        return StateDicts.stateDict(this);
    }

    /** {@link #loadStateDict(Map, boolean)} with {@code strict=true}. */
    public void loadStateDict(Map<String, ?> stateDict) {
        loadStateDict(stateDict, true);
    }

    /**
     * Copies values into this module's parameters and buffers in place, so that every reference (an optimizer's)
     * stays valid. Values may be Tensors, INDArrays, numbers or nested Java arrays; float64 values become float32
     * (as in MegEngine) unless the target is float64. A wrong shape throws at once, naming the key (earlier keys are
     * already loaded). With {@code strict}, unused keys and then missing keys throw a
     * {@link StateDictKeyException} after everything loadable has been loaded; without, they are logged.
     */
    public void loadStateDict(Map<String, ?> stateDict, boolean strict) {
        StateDicts.load(this, stateDict, strict);
    }

    /**
     * Loads through a function {@code (key, currentTensor) -> value or null} (null skips the key), MegEngine's
     * closure form, e.g. to reshape values or to skip a classifier.
     */
    public void loadStateDict(BiFunction<String, Tensor, ?> closure, boolean strict) {
        StateDicts.load(this, closure, strict);
    }

    /** {@link #loadStateDict(BiFunction, boolean)} with {@code strict=true}. */
    public void loadStateDict(BiFunction<String, Tensor, ?> closure) {
        loadStateDict(closure, true);
    }

    /**
     * Loads whatever {@code Mge.load} returned: a map is a state dict, a {@link BiFunction} a closure. A file path is
     * refused with a hint to read it with {@code Mge.load} first.
     */
    public void loadStateDict(Object stateDict) {
        loadStateDict(stateDict, true);
    }

    /** {@link #loadStateDict(Object)} with an explicit {@code strict}. */
    @SuppressWarnings("unchecked")
    public void loadStateDict(Object stateDict, boolean strict) {
        if (stateDict instanceof Map<?, ?> map) {
            for (Object k : map.keySet()) {
                if (!(k instanceof String)) {
                    throw new IllegalArgumentException("state dict keys must be strings, got " + k + " ("
                            + (k == null ? "null" : k.getClass().getName()) + ")");
                }
            }
            loadStateDict((Map<String, ?>) map, strict);
        } else if (stateDict instanceof BiFunction<?, ?, ?> f) {
            loadStateDict((BiFunction<String, Tensor, ?>) f, strict);
        } else if (stateDict instanceof String || stateDict instanceof Path || stateDict instanceof File) {
            loadStateDict(String.valueOf(stateDict));
        } else if (stateDict instanceof Module whole) {
            throw new IllegalArgumentException("loadStateDict takes a state dict, got a whole " + whole.typeName()
                    + " model (what Mge.load returns for a file saved with Mge.save(model, path) when its class is trusted): "
                    + "use that model as it is, or copy its weights with model.loadStateDict(loaded.stateDict())");
        } else {
            throw new IllegalArgumentException("`state_dict` must load a dict or callable, got "
                    + (stateDict == null ? "null" : stateDict.getClass().getName()));
        }
    }

    /**
     * Always throws: a path is not a state dict. This is the tutorial's classic mistake, answered with what to do.
     */
    public void loadStateDict(String path) {
        throw new IllegalArgumentException("loadStateDict takes a state dict, not a file path: read the file first"
                + " with model.loadStateDict(Mge.load(\"" + path + "\"))");
    }

    // ---------------------------------------------------------------- device

    /**
     * Checks that every tensor of the module is on {@code device} and returns this module. Moving a module between
     * devices is not supported yet (mge4j runs on the CPU); it says so rather than pretending.
     */
    public Module to(String device) {
        Device target = Device.of(device);
        for (Map.Entry<String, Tensor> e : namedTensors().entrySet()) {
            if (!e.getValue().device().equals(target)) {
                throw new UnsupportedOperationException("moving module tensors between devices is not supported"
                        + " yet: `" + e.getKey() + "` is on " + e.getValue().device() + ", asked for " + target);
            }
        }
        return this;
    }

    // ---------------------------------------------------------------- repr

    /**
     * The one-line description of this module's settings inside its repr ({@code in_features=4, ...}); empty by
     * default. MegEngine's {@code _module_info_string}.
     */
    protected String moduleInfo() {
        return "";
    }

    /** MegEngine's repr: {@code Name(info)} or the children on indented lines in declaration order. */
    @Override
    public String toString() {
        List<String> extra = moduleInfo().isEmpty() ? List.of() : List.of(moduleInfo().split("\n", -1));
        List<String> childLines = new ArrayList<>();
        for (Attributes.Attr attr : Attributes.declared(this)) {
            List<Attributes.Attr> leaves = new ArrayList<>();
            if (attr.value() instanceof Module) {
                leaves.add(attr);
            } else if (attr.value() instanceof List || attr.value() instanceof Object[]
                    || attr.value() instanceof Map) {
                Attributes.expand(attr.name(), attr.value(), leaves);
            }
            for (Attributes.Attr leaf : leaves) {
                if (leaf.value() instanceof Module child) {
                    childLines.add("(" + leaf.name() + "): " + indent(child.toString()));
                }
            }
        }
        StringBuilder sb = new StringBuilder(typeName()).append('(');
        if (extra.size() == 1 && childLines.isEmpty()) {
            sb.append(extra.get(0));
        } else if (!extra.isEmpty() || !childLines.isEmpty()) {
            List<String> lines = new ArrayList<>(extra);
            lines.addAll(childLines);
            sb.append("\n  ").append(String.join("\n  ", lines)).append('\n');
        }
        return sb.append(')').toString();
    }

    private String typeName() {
        Class<?> c = getClass();
        while (c.isAnonymousClass()) {
            c = c.getSuperclass();
        }
        return c.getSimpleName();
    }

    private static String indent(String repr) {
        return repr.replace("\n", "\n  ");
    }
}
