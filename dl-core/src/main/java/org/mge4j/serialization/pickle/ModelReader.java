package org.mge4j.serialization.pickle;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mge4j.Tensor;
import org.mge4j.module.Module;
import org.mge4j.module.NormLayer;
import org.mge4j.module.StateDictKeyException;
import org.mge4j.serialization.LoadOptions;
import org.mge4j.serialization.PickledObject;
import org.mge4j.serialization.RefusedGlobalException;
import org.mge4j.serialization.SerializationException;

/**
 * Reads the whole models {@link ModelWriter} writes. While the pickle is parsed, a model's class is only a name and
 * its object inert data; once the file is read, each outermost model becomes, in this order of precedence:
 * <ul>
 *   <li>its state dict, with {@link LoadOptions#modelsAsStateDicts()} (nothing is created);</li>
 *   <li>a new object of its class when the caller trusted the class: the no-argument constructor runs (creating the
 *       layers), then every submodule's train/eval mode and every tensor are set, strictly, as
 *       {@code loadStateDict} does;</li>
 *   <li>otherwise a {@link RefusedGlobalException} that says what the file holds and how to load it.</li>
 * </ul>
 */
final class ModelReader {
    private static final String GUIDE = "The serialization guide recommends state dicts over whole models: save with "
            + "Mge.save(model.stateDict(), path) and load with model.loadStateDict(Mge.load(path)).";
    private static final String WEIGHTS = "The weights in this file load without its class, as a state dict, with "
            + "Mge.load(path, LoadOptions.builder().modelsAsStateDicts().build())";

    private ModelReader() {
    }

    /**
     * Whether a global that is neither allowlisted nor trusted may still be read as the (inert) class of a whole
     * model, to be judged when the file is resolved: a {@link Module} class this JVM knows, a JShell class, or any
     * name when the caller asked for models (trusted a Module class, or {@code modelsAsStateDicts}) so that a
     * renamed class gets an answer that says so. Calling such a global (REDUCE) is still refused.
     */
    static boolean acceptsGlobal(String full, LoadOptions options) {
        return options.modelsAsStateDicts() || trustsAModelClass(options) || ModelClasses.isJShellClass(full)
                || ModelClasses.isModuleClass(full);
    }

    private static boolean trustsAModelClass(LoadOptions options) {
        return options.trustedClasses().stream().anyMatch(Module.class::isAssignableFrom);
    }

    /**
     * True when an object from the file has the shape {@link ModelWriter} gives a module: created with no
     * arguments, its state a dict holding a boolean {@code "training"} and otherwise only tensors and objects.
     */
    static boolean isModel(Pending.TrustedObject o) {
        if (!o.args.isEmpty() || !(o.state instanceof Map<?, ?> state) || !(state.get(ModelWriter.TRAINING) instanceof Boolean)) {
            return false;
        }
        for (Map.Entry<?, ?> e : state.entrySet()) {
            Object v = e.getValue();
            if (!(e.getKey() instanceof String) || !(e.getKey().equals(ModelWriter.TRAINING) || v instanceof Pending.Array
                    || v instanceof Pending.MgeTensor || v instanceof Tensor || v instanceof Pending.TrustedObject
                    || v instanceof PickledObject)) {
                return false;
            }
        }
        return true;
    }

    /** What an outermost model of the file loads as (see the class comment). */
    static Object load(PickledObject saved, LoadOptions options) {
        check(saved, "");
        if (options.modelsAsStateDicts()) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            stateDict(saved, "", out);
            return out;
        }
        Class<?> type = trustedClass(saved.global(), options);
        if (type == null) {
            throw refusal(saved.global(), options);
        }
        return restore(saved, type);
    }

    /** Every submodule of a model must be a module record too (a hand-made file could put anything there). */
    private static void check(PickledObject saved, String prefix) {
        if (!saved.args().isEmpty() || !(saved.state() instanceof Map<?, ?> state)
                || !(state.get(ModelWriter.TRAINING) instanceof Boolean)) {
            throw new SerializationException("corrupt whole-model file: " + (prefix.isEmpty() ? "the model" : "`" + prefix
                    .substring(0, prefix.length() - 1) + "`") + " is a " + saved.global()
                    + " but not a saved module (a module has no arguments and a state with 'training')");
        }
        for (Map.Entry<?, ?> e : state.entrySet()) {
            if (e.getValue() instanceof PickledObject child) {
                check(child, prefix + e.getKey() + ".");
            } else if (!(e.getValue() instanceof Tensor) && !e.getKey().equals(ModelWriter.TRAINING)) {
                throw new SerializationException("corrupt whole-model file: `" + prefix + e.getKey() + "` of "
                        + saved.global() + " holds " + SafeGlobals.describe(e.getValue()) + ", not a tensor or a module");
            }
        }
    }

    private static Class<?> trustedClass(String name, LoadOptions options) {
        Class<?> type = options.trustedClass(name);
        if (type != null || !options.trusts(name)) {
            return type;
        }
        type = ModelClasses.find(name);
        if (type == null) {
            throw new SerializationException("the file holds a whole model of class " + name + ", which is trusted but "
                    + "not found here (neither the thread's context class loader nor mge4j's knows it). Define the "
                    + "class first, and trust the class itself: LoadOptions.builder().trust(" + ModelClasses.simpleName(name)
                    + ".class). " + WEIGHTS + ".");
        }
        return type;
    }

    /** The refusal of an untrusted whole model: what the file holds, why it is refused, what to do. */
    static RefusedGlobalException refusal(String name, LoadOptions options) {
        String simple = ModelClasses.simpleName(name);
        List<String> trusted = new ArrayList<>();
        List<String> sameName = new ArrayList<>();
        for (Class<?> c : options.trustedClasses()) {
            if (Module.class.isAssignableFrom(c)) {
                trusted.add(c.getName());
                if (ModelClasses.simpleName(c.getName()).equals(simple)) {
                    sameName.add(c.getName());
                }
            }
        }
        if (!sameName.isEmpty()) {
            return new RefusedGlobalException(name, "the file holds a whole model of class " + name + ", but the trusted "
                    + "class is " + String.join(", ", sameName) + ": the class " + simple + " was renamed or redefined "
                    + "since the model was saved (a notebook cell that redefines a class gives it a new name), and a "
                    + "whole-model file loads only into the class it names. This is the serialization guide's warning "
                    + "about saving whole models. " + WEIGHTS + ", then model.loadStateDict(weights); from now on save "
                    + "model.stateDict() instead.");
        }
        return new RefusedGlobalException(name, "the file holds a whole model of class " + name + ", saved with "
                + "Mge.save(model, path). Loading it creates an object of that class (its constructor runs), so it is "
                + "refused unless you trust the class: Mge.load(path, LoadOptions.builder().trust(" + simple
                + ".class).build())" + (trusted.isEmpty() ? "" : "; the trusted classes are " + trusted + ", and none is "
                + name) + ". " + GUIDE + " " + WEIGHTS + ".");
    }

    // ---------------------------------------------------------------- a trusted model

    private static Module restore(PickledObject saved, Class<?> type) {
        String name = saved.global();
        if (!Module.class.isAssignableFrom(type)) {
            throw new SerializationException("the file holds a whole model of class " + name + ", but the trusted class "
                    + type.getName() + " is not an org.mge4j.module.Module");
        }
        Module model = create(type);
        Map<String, Object> values = new LinkedHashMap<>();
        List<String> changed = new ArrayList<>();
        apply(saved, model, "", values, changed);
        if (!changed.isEmpty()) {
            throw layoutChanged(name, String.join("; ", changed), null);
        }
        try {
            model.loadStateDict(values, true);
        } catch (StateDictKeyException | IllegalArgumentException e) {
            throw layoutChanged(name, e.getMessage(), e);
        }
        return model;
    }

    private static Module create(Class<?> type) {
        try {
            Constructor<?> ctor = type.getDeclaredConstructor();
            ctor.setAccessible(true);
            return (Module) ctor.newInstance();
        } catch (NoSuchMethodException e) {
            throw new SerializationException("cannot load the whole model of class " + type.getName() + ": the class has "
                    + "no constructor without arguments any more. " + WEIGHTS + ".", e);
        } catch (InvocationTargetException e) {
            throw new SerializationException("cannot load the whole model of class " + type.getName() + ": its "
                    + "constructor threw " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new SerializationException("cannot load the whole model of class " + type.getName() + ": its "
                    + "no-argument constructor cannot be called (" + e + "). " + WEIGHTS + ".", e);
        }
    }

    /**
     * Walks the saved object next to the live one: sets each live module's mode, collects the tensors under their
     * state-dict keys, and notes submodules whose class is not the saved one.
     */
    private static void apply(PickledObject saved, Module live, String prefix, Map<String, Object> values, List<String> changed) {
        Map<?, ?> state = (Map<?, ?>) saved.state();
        if (live != null) {
            if (!live.getClass().getName().equals(saved.global())) {
                changed.add("`" + (prefix.isEmpty() ? "(the model)" : prefix.substring(0, prefix.length() - 1))
                        + "` was saved as a " + saved.global() + " but the class now makes a " + live.getClass().getName());
            }
            live.train((Boolean) state.get(ModelWriter.TRAINING), false);
        }
        Map<String, Module> children = live == null ? Map.of() : live.namedChildren();
        for (Map.Entry<?, ?> e : state.entrySet()) {
            String key = (String) e.getKey();
            if (e.getValue() instanceof Tensor t) {
                values.put(prefix + key, t);
            } else if (e.getValue() instanceof PickledObject child) {
                apply(child, children.get(key), prefix + key + ".", values, changed);
            }
        }
    }

    private static SerializationException layoutChanged(String name, String detail, Exception cause) {
        String message = "the whole model in this file does not fit class " + name + " as it is now (its fields changed "
                + "since the model was saved): " + detail + ". " + WEIGHTS + ", and model.loadStateDict(weights, false) "
                + "loads the keys that still match.";
        return cause == null ? new SerializationException(message) : new SerializationException(message, cause);
    }

    // ---------------------------------------------------------------- as a state dict

    /** Own tensors first, then each submodule's, as {@code Module.stateDict} orders them; norm layers as {@code (C,)}. */
    private static void stateDict(PickledObject saved, String prefix, Map<String, Tensor> out) {
        Map<?, ?> state = (Map<?, ?>) saved.state();
        boolean norm = isBuiltInNormLayer(saved.global());
        for (Map.Entry<?, ?> e : state.entrySet()) {
            if (e.getValue() instanceof Tensor t) {
                out.put(prefix + e.getKey(), norm ? Tensor.wrap(t.nd().reshape('c', new long[] {t.size()})) : t);
            }
        }
        for (Map.Entry<?, ?> e : state.entrySet()) {
            if (e.getValue() instanceof PickledObject child) {
                stateDict(child, prefix + e.getKey() + ".", out);
            }
        }
    }

    /** Only mge4j's own layers are looked up: a state dict needs no user class. */
    private static boolean isBuiltInNormLayer(String name) {
        if (!name.startsWith(ModelClasses.BUILT_IN_PACKAGE + ".")) {
            return false;
        }
        try {
            return NormLayer.class.isAssignableFrom(Class.forName(name, false, Module.class.getClassLoader()));
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
