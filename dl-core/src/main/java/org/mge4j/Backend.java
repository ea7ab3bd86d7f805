package org.mge4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Which ND4J backend computes, and how it is set up before ND4J loads.
 *
 * <p>On the CPU mge4j uses ND4J's oneDNN-linked natives ({@code linux-x86_64-onednn-avx2}): the plain build is
 * about ten times slower for convolution training. JavaCPP loads the plain build unless the platform extension
 * is chosen before ND4J starts, which {@link #init()} does; a CPU without AVX2 falls back to the plain build
 * with a log line saying so.
 */
public final class Backend {
    private static final Logger LOG = Logger.getLogger(Backend.class.getName());
    private static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    private static volatile boolean initialized;
    private static volatile int threads;

    private Backend() {
    }

    /**
     * Chooses the native build and the thread count, then loads ND4J. Safe to call many times; every
     * entry point of dl-core calls it first.
     */
    public static synchronized void init() {
        if (initialized) {
            return;
        }
        if (System.getProperty(EXTENSION_PROPERTY) == null) {
            if (cpuHasAvx2()) {
                System.setProperty(EXTENSION_PROPERTY, "-onednn-avx2");
            } else {
                LOG.warning("this CPU has no AVX2: using ND4J's plain native build, which is much slower for convolutions");
            }
        }
        String threads = System.getenv("MGE4J_THREADS");
        if (threads != null && !threads.isBlank()) {
            initialized = true;
            setThreads(Integer.parseInt(threads.trim()));
        }
        Nd4j.getBackend();
        initialized = true;
    }

    /** The number of threads ND4J's native ops use (OpenMP and BLAS). */
    public static void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        init();
        Backend.threads = threads;
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
    }

    /** The number of threads ND4J's native ops use. */
    public static int threads() {
        init();
        return threads > 0 ? threads : Nd4j.getEnvironment().maxThreads();
    }

    /** A short description such as {@code "nd4j-native (CPU, onednn-avx2)"}. */
    public static String name() {
        init();
        String ext = System.getProperty(EXTENSION_PROPERTY, "");
        boolean gpu = hasGpu();
        return (gpu ? "nd4j-cuda (GPU" : "nd4j-native (CPU") + (ext.isEmpty() ? "" : ", " + ext.substring(1)) + ")";
    }

    /** True when ND4J runs on the CUDA backend. */
    public static boolean hasGpu() {
        init();
        return Nd4j.getBackend().getClass().getName().toLowerCase(java.util.Locale.ROOT).contains("cuda");
    }

    private static boolean cpuHasAvx2() {
        try {
            return Files.readString(Path.of("/proc/cpuinfo")).contains(" avx2");
        } catch (Exception e) {
            return true;
        }
    }
}
