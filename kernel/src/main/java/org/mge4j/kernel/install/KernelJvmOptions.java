package org.mge4j.kernel.install;

import java.util.ArrayList;
import java.util.List;

/**
 * The JVM options a kernelspec passes, chosen by the Java feature release that will run the kernel: exactly those
 * that JVM accepts (no {@code -XX:+IgnoreUnrecognizedVMOptions}, which would hide a real mistake), and those that
 * keep its start-up warnings off the notebook server's console, where the kernel prints one line.
 */
final class KernelJvmOptions {
    /**
     * Adds the vector API module ({@code install --vector}), on which dumped graphs' Java plan (org.mge4j.jit.JavaPlan)
     * runs its fastest kernels; without it the plan runs on plain loops. The JVM then prints "WARNING: Using incubator
     * modules" at every start, which no option silences, so it is not the default.
     */
    static final String VECTOR_MODULE = "--add-modules=jdk.incubator.vector";
    /** JavaCPP loads ND4J's natives with System.load: JDK 24+ warn unless native access is enabled (17+ accept it). */
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    /** JavaCPP's indexers use sun.misc.Unsafe memory access: JDK 24+ warn unless allowed (the option exists from 23). */
    static final String UNSAFE_MEMORY_ACCESS = "--sun-misc-unsafe-memory-access=allow";
    static final int UNSAFE_MEMORY_ACCESS_SINCE = 23;

    private KernelJvmOptions() {
    }

    /**
     * The options for Java {@code feature} (17 or later), before the user's own {@code --jvm-opt}s.
     *
     * @param vector whether dumped graphs may run their Java kernels on the vector API ({@code install --vector})
     */
    static List<String> forFeature(int feature, boolean vector) {
        if (feature < JavaRuntime.MINIMUM_FEATURE) {
            throw new IllegalArgumentException("the kernel needs Java " + JavaRuntime.MINIMUM_FEATURE + " or later, got "
                    + feature);
        }
        List<String> options = new ArrayList<>();
        if (vector) {
            options.add(VECTOR_MODULE);
        }
        options.add(NATIVE_ACCESS);
        if (feature >= UNSAFE_MEMORY_ACCESS_SINCE) {
            options.add(UNSAFE_MEMORY_ACCESS);
        }
        return options;
    }
}
