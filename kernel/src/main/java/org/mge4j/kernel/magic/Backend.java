package org.mge4j.kernel.magic;

import java.lang.reflect.Method;

/**
 * What %backend reports: the JVM, its threads and memory, and, when ND4J is on the classpath, its backend and
 * environment (read by reflection, so the kernel does not depend on ND4J).
 */
public final class Backend {
    private static final String ND4J = "org.nd4j.linalg.factory.Nd4j";

    private Backend() {
    }

    /** A multi-line description for %backend. */
    public static String describe() {
        Runtime rt = Runtime.getRuntime();
        StringBuilder sb = new StringBuilder();
        sb.append("Java ").append(Runtime.version()).append(" (").append(System.getProperty("java.vm.name"))
                .append("), ").append(rt.availableProcessors()).append(" processors, max heap ")
                .append(rt.maxMemory() / (1024 * 1024)).append(" MiB\n");
        try {
            Class<?> nd4j = Class.forName(ND4J, true, Thread.currentThread().getContextClassLoader());
            Object backend = nd4j.getMethod("getBackend").invoke(null);
            sb.append("ND4J backend: ").append(backend.getClass().getName()).append('\n');
            Object executioner = nd4j.getMethod("getExecutioner").invoke(null);
            Method env = executioner.getClass().getMethod("getEnvironmentInformation");
            sb.append("ND4J environment: ").append(env.invoke(executioner)).append('\n');
        } catch (ClassNotFoundException e) {
            sb.append("ND4J is not on the classpath (add dl-core, or %maven org.nd4j:nd4j-native-platform:<version>)\n");
        } catch (ReflectiveOperationException | LinkageError e) {
            sb.append("ND4J is on the classpath but did not start: ").append(e.getCause() != null ? e.getCause() : e)
                    .append('\n');
        }
        return sb.toString().strip();
    }

    /** Loads ND4J in the background (if present) so the first tensor cell does not pay for it. */
    public static void warmUp() {
        try {
            Class<?> nd4j = Class.forName(ND4J, true, Backend.class.getClassLoader());
            nd4j.getMethod("getBackend").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            // absent or broken: %backend says so when asked
        }
    }
}
