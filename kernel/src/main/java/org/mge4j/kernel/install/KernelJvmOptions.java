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
    /**
     * The serial collector: a kernel's own heap is small (tensors live off-heap, in ND4J's native memory), and
     * with G1 it grew to 1.1 GB of RSS over 2,000 cells of bench/RESULTS-kernel.md against 0.4 GB with this one, at
     * the same or a lower cell latency. The JVM picks it by itself on machines with one CPU or under 1.8 GB.
     */
    static final String SERIAL_GC = "-XX:+UseSerialGC";
    /**
     * A cap on the serial collector's young generation. JDK 25's serial collector grows it with the heap: a 20 s cell
     * whose objects live a while (a ring of 80 MB of arrays) took the kernel to 6 GB of RSS, a young generation of
     * 1.6 GB (G1: 2.2 GB); with this cap 355 MiB on JDK 25 and 422 MiB on JDK 17 (474 without it), and the same cell
     * times over 2,000 cells.
     */
    static final String YOUNG_LIMIT = "-XX:MaxNewSize=64m";
    /**
     * A small starting heap that grows with what cells keep: the default (1/64 of the machine's memory) is 1 GB on a
     * 64 GB machine, and a kernel would touch all of its young generation however little it keeps. Not {@code
     * -Xms}, which would also be the smallest the heap ever shrinks to.
     */
    static final String INITIAL_HEAP = "-XX:InitialHeapSize=32m";

    private KernelJvmOptions() {
    }

    /** {@link #forFeature(int, boolean, List)} for a user who gave no {@code --jvm-opt}. */
    static List<String> forFeature(int feature, boolean vector) {
        return forFeature(feature, vector, List.of());
    }

    /**
     * The options for Java {@code feature} (17 or later), to come before the user's own {@code --jvm-opt}s; the
     * collector and the starting heap are left to the user's options when they name any.
     *
     * @param vector whether dumped graphs may run their Java kernels on the vector API ({@code install --vector})
     * @param user   the user's {@code --jvm-opt}s
     */
    static List<String> forFeature(int feature, boolean vector, List<String> user) {
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
        boolean ownCollector = user.stream().anyMatch(o -> o.matches("-XX:[+-]Use\\w*GC"));
        boolean ownHeap = user.stream().anyMatch(o -> o.startsWith("-Xms") || o.startsWith("-Xmx")
                || o.startsWith("-Xmn") || o.contains("HeapSize") || o.contains("NewSize") || o.contains("NewRatio")
                || o.contains("RAMPercentage") || o.contains("RAMFraction"));
        if (!ownCollector) {
            options.add(SERIAL_GC);
        }
        if (!ownHeap) {
            options.add(INITIAL_HEAP);
            if (!ownCollector) {
                options.add(YOUNG_LIMIT);
            }
        }
        return options;
    }
}
