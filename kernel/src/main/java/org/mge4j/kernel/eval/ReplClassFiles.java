package org.mge4j.kernel.eval;

import jdk.jshell.JShell;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;

/**
 * The class files JShell's compiler keeps of every snippet it ever compiled, and a way to forget those of snippets
 * that nothing can name any more: a statement or an expression once it ran, a {@code $N} value once dropped, a
 * variable once redeclared.
 *
 * <p>Why: each of JShell's compile steps (three per expression) lists the {@code REPL} package, which holds every
 * class file ever made, enters each into javac's symbol table and purges them all again afterwards. JShell never
 * removes one, so after 2,000 cells every cell pays for 2,000 class files (about 6 microseconds each, three times).
 * Forgetting a class file changes nothing at run time: the class is loaded already, with its own copy of the bytes.
 *
 * <p>JShell has no API for this; the list is a private field of its file manager ({@code MemoryFileManager
 * .classObjects}, the same from JDK 17 to 25), reached through the kernel's agent, which opens {@code jdk.jshell}
 * to the kernel with {@link Instrumentation#redefineModule} (no command-line flag). Where the field is not found (a
 * later JDK may rename it), {@link #available()} is false and nothing is forgotten: the kernel works as before,
 * with cells getting slower as a session grows.
 */
final class ReplClassFiles {
    private final NavigableMap<String, ?> files;

    private ReplClassFiles(NavigableMap<String, ?> files) {
        this.files = files;
    }

    /** The class files of {@code shell}, or an instance that forgets nothing when they cannot be reached. */
    static ReplClassFiles of(JShell shell, Instrumentation inst) {
        try {
            Module jshell = JShell.class.getModule();
            if (inst != null && jshell.isNamed() && !jshell.isOpen("jdk.jshell", ReplClassFiles.class.getModule())) {
                inst.redefineModule(jshell, Set.of(), Map.of(),
                        Map.of("jdk.jshell", Set.of(ReplClassFiles.class.getModule())), Set.of(), Map.of());
            }
            Object taskFactory = field(JShell.class, "taskFactory").get(shell);
            Object fileManager = field(taskFactory.getClass(), "fileManager").get(taskFactory);
            Object classObjects = field(fileManager.getClass(), "classObjects").get(fileManager);
            return new ReplClassFiles(classObjects instanceof NavigableMap<?, ?> m ? cast(m) : null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return new ReplClassFiles(null);
        }
    }

    @SuppressWarnings("unchecked")
    private static NavigableMap<String, ?> cast(NavigableMap<?, ?> m) {
        return (NavigableMap<String, ?>) m;
    }

    private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
        Field f = owner.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    /** Whether class files can be forgotten on this JDK. */
    boolean available() {
        return files != null;
    }

    /** How many class files the compiler keeps now; -1 when not {@link #available()}. */
    int size() {
        return files == null ? -1 : files.size();
    }

    /** Forgets the class file of a snippet's wrapper class ({@code REPL.$JShell$12}) and those of its inner classes. */
    void forget(String wrapper) {
        if (files == null || wrapper == null) {
            return;
        }
        files.remove(wrapper);
        // inner classes are REPL.$JShell$12$Name ... ; '%' is the character after '$'
        files.subMap(wrapper + "$", true, wrapper + "%", false).clear();
    }
}
