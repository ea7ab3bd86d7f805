package org.mge4j.kernel.eval;

import java.lang.instrument.Instrumentation;

/**
 * Receives {@link Instrumentation} when the kernel jar starts (manifest {@code Launcher-Agent-Class}) or is given
 * as {@code -javaagent}. With it, redefining a method or class in a cell redefines the loaded snippet classes in
 * place, so variables that depend on them keep their values instead of being reset.
 */
public final class RedefinitionAgent {
    private static volatile Instrumentation instrumentation;

    private RedefinitionAgent() {
    }

    /** Entry point for {@code Launcher-Agent-Class} (java -jar kernel.jar). */
    public static void agentmain(String args, Instrumentation inst) {
        instrumentation = inst;
    }

    /** Entry point for {@code -javaagent:kernel.jar}. */
    public static void premain(String args, Instrumentation inst) {
        instrumentation = inst;
    }

    /** The instrumentation, or null when the kernel was started without the agent. */
    public static Instrumentation instrumentation() {
        return instrumentation;
    }
}
