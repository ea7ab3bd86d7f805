package org.mge4j.serialization.pickle;

import java.lang.reflect.Modifier;
import java.util.regex.Pattern;
import org.mge4j.module.Module;
import org.mge4j.serialization.SerializationException;

/**
 * Java classes as the globals of a whole-model pickle: how a class is named in the file (the package as the
 * module, the binary simple name as the name), how a name is found again, and which classes can be saved whole.
 */
final class ModelClasses {
    /** The package of the built-in layers, whose settings are constructor arguments. */
    static final String BUILT_IN_PACKAGE = "org.mge4j.module";
    private static final Pattern BINARY_NAME = Pattern.compile("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*"
            + "(\\.[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)*");
    /** JShell wraps each declaration in a class {@code REPL.$JShell$<n>}; a redefined one gets a new n (12, 12B, 15). */
    private static final Pattern JSHELL_WRAPPER = Pattern.compile("\\$JShell\\$[0-9A-Za-z]+\\$");

    private ModelClasses() {
    }

    /** The pickle global of a class: {@code {"org.example", "Outer$ConvNet"}}, {@code {"REPL", "$JShell$12$ConvNet"}}. */
    static String[] global(Class<?> type) {
        String pkg = type.getPackageName();
        return new String[] {pkg, type.getName().substring(pkg.length() + 1)};
    }

    /**
     * The class a binary name names, looked up without running any of its code (no static initializer), first
     * with the thread's context class loader (JShell's, in a notebook), then with mge4j's; null when neither
     * knows it.
     */
    static Class<?> find(String binaryName) {
        if (!BINARY_NAME.matcher(binaryName).matches()) {
            return null;
        }
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        for (ClassLoader loader : new ClassLoader[] {context, Module.class.getClassLoader()}) {
            if (loader == null) {
                continue;
            }
            try {
                return Class.forName(binaryName, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // try the next loader
            }
        }
        return null;
    }

    /** True when the name is a {@link Module} subclass that this JVM knows. */
    static boolean isModuleClass(String binaryName) {
        Class<?> c = find(binaryName);
        return c != null && Module.class.isAssignableFrom(c);
    }

    /** True for a class declared in JShell (a notebook cell): {@code REPL.$JShell$12$ConvNet}. */
    static boolean isJShellClass(String binaryName) {
        return binaryName.startsWith("REPL.") && JSHELL_WRAPPER.matcher(binaryName).find();
    }

    /**
     * The name a user typed for the class: no package, no JShell wrapper, no enclosing class
     * ({@code REPL.$JShell$12$ConvNet} and {@code org.example.Models$ConvNet} are both {@code ConvNet}).
     */
    static String simpleName(String binaryName) {
        String s = binaryName.substring(binaryName.lastIndexOf('.') + 1);
        s = JSHELL_WRAPPER.matcher(s).replaceFirst("");
        return s.substring(s.lastIndexOf('$') + 1);
    }

    /**
     * Refuses, at save time, a module that loading could not create again: a built-in layer (its settings are
     * constructor arguments), a class without a no-argument constructor, an anonymous or hidden class, or a class
     * in the unnamed package (a pickle global needs a module name). Each error recommends the state dict.
     */
    static void checkSavable(Module model) {
        Class<?> type = model.getClass();
        String name = type.getName();
        String instead = " Save its state dict instead, as the serialization guide recommends: "
                + "Mge.save(model.stateDict(), path), and load it into a new model with model.loadStateDict(Mge.load(path)).";
        if (type.isAnonymousClass() || type.isHidden()) {
            throw new SerializationException("cannot save a whole model of an anonymous class (" + name + "): loading "
                    + "finds the class by its name and creates it with its no-argument constructor. Declare a named class "
                    + "with a no-argument constructor." + instead);
        }
        if (type.getPackageName().equals(BUILT_IN_PACKAGE)) {
            throw new SerializationException("cannot save a whole " + type.getSimpleName() + ": it is a built-in layer, "
                    + "whose settings, " + firstLine(model) + ", are constructor arguments that a whole-model file does not "
                    + "record, so loading could not create it again. Built-in layers are saved whole only inside a model "
                    + "class of your own whose constructor creates them." + instead);
        }
        if (type.getPackageName().isEmpty()) {
            throw new SerializationException("cannot save a whole model of class " + name + ": it is in the unnamed "
                    + "package, and a pickle names a class by module and name; declare it in a package." + instead);
        }
        try {
            type.getDeclaredConstructor();
        } catch (NoSuchMethodException e) {
            String why = type.isMemberClass() && !Modifier.isStatic(type.getModifiers())
                    ? " (an inner class needs its enclosing object: declare it static)"
                    : type.isLocalClass() ? " (a local class that uses variables of its method has none)" : "";
            throw new SerializationException("cannot save a whole model of class " + name + ": it has no constructor "
                    + "without arguments" + why + ", and loading creates the model with one before it sets the saved "
                    + "weights. Add a no-argument constructor (it may be private)." + instead);
        }
    }

    private static String firstLine(Module m) {
        String repr = m.toString();
        int nl = repr.indexOf('\n');
        return nl < 0 ? repr : repr.substring(0, nl) + " ...";
    }
}
