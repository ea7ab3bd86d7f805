package org.mge4j.kernel.magic;

import org.mge4j.Backend;
import org.mge4j.BackendUnavailableException;
import org.mge4j.Device;
import org.mge4j.DeviceInfo;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

/**
 * The compute backend as the kernel reports it: %backend (backend, device, BLAS, threads), and the banner line,
 * which must not wait for ND4J to load. ND4J is warmed on a background thread; until it is warm, the banner names
 * the backend from what is on the classpath.
 */
public final class BackendReport {
    private static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    private static final CompletableFuture<String> WARM_NAME = new CompletableFuture<>();

    private BackendReport() {
    }

    /**
     * Loads ND4J (through {@link Backend#init()}, which picks the oneDNN natives) and runs a tiny op, so the first
     * tensor cell does not pay for it. Call off the request threads; failures are kept for %backend to show.
     */
    public static void warmUp() {
        try {
            Backend.init();
            Nd4j.ones(2, 2).mmul(Nd4j.ones(2, 2)).sumNumber();
            WARM_NAME.complete(Backend.name());
        } catch (Throwable t) {
            WARM_NAME.completeExceptionally(t);
        }
    }

    /**
     * For the CUDA build, starts the backend now (a second or two) and returns why it cannot run here, or null:
     * a kernel that cannot compute must fail at startup with one message, not in the first tensor cell. The CPU
     * build returns null at once and warms up in the background as before.
     */
    public static String startupFailure() {
        if (Backend.kind() != Backend.Kind.CUDA) {
            return null;
        }
        try {
            Backend.init();
            WARM_NAME.complete(Backend.name());
            return null;
        } catch (BackendUnavailableException e) {
            return e.getMessage();
        } catch (Throwable t) {
            return "ND4J's CUDA backend did not start (" + t + "). " + "Use the \"Java (mge4j)\" kernelspec, the CPU build.";
        }
    }

    /**
     * The line the kernel prints to the notebook server's console at start, and nothing else: which Java and which
     * backend, e.g. {@code mge4j kernel: Java 25.0.3 (Eclipse Adoptium), ND4J nd4j-native (CPU, onednn-avx2)}; and
     * where the kernelspec added the vector API module ({@code install --vector}), which made the JVM print its
     * incubator warning just before, that it is there for dumped graphs.
     */
    public static String startupLine() {
        String line = "mge4j kernel: Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor")
                + "), ND4J " + bannerName();
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            line += ", vector API for dumped graphs (install --vector; the JVM's warning above is about it)";
        }
        return line;
    }

    /** The backend for the banner, e.g. {@code nd4j-native (CPU, onednn-avx2)}; never blocks on ND4J. */
    public static String bannerName() {
        if (WARM_NAME.isDone() && !WARM_NAME.isCompletedExceptionally()) {
            return WARM_NAME.join();
        }
        ClassLoader cl = BackendReport.class.getClassLoader();
        if (Backend.kind() == Backend.Kind.CUDA) {
            return "nd4j-cuda-11.6 (GPU)";
        }
        if (cl.getResource("org/nd4j/linalg/cpu/nativecpu/CpuBackend.class") == null) {
            return "ND4J not on the classpath";
        }
        String ext = System.getProperty(EXTENSION_PROPERTY);
        if (ext == null && cl.getResource("org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64-onednn-avx2/") != null
                && cpuHasAvx2()) {
            ext = "-onednn-avx2";     // what Backend.init() will choose on an AVX2 CPU
        }
        return "nd4j-native (CPU" + (ext == null || ext.isEmpty() ? "" : ", " + ext.substring(1)) + ")";
    }

    /** As {@code Backend.init()} tells: a /proc/cpuinfo that lists avx2 (or none to read: assume it). */
    private static boolean cpuHasAvx2() {
        try {
            return Files.readString(Path.of("/proc/cpuinfo")).contains(" avx2");
        } catch (Exception e) {
            return true;
        }
    }

    /**
     * A multi-line description for %backend: JVM, ND4J backend, the default device, each device (the CPU's model,
     * cores, vector extension and memory; each GPU's name, compute capability and memory, from ND4J's environment
     * information), BLAS vendor, threads.
     */
    public static String describe() {
        Runtime rt = Runtime.getRuntime();
        StringBuilder sb = new StringBuilder();
        sb.append("Java        ").append(Runtime.version()).append(" (").append(System.getProperty("java.vm.name"))
                .append("), ").append(rt.availableProcessors()).append(" processors, max heap ")
                .append(rt.maxMemory() / (1024 * 1024)).append(" MiB\n");
        try {
            Backend.init();
            Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
            sb.append("Backend     ").append(Backend.name()).append(" - ")
                    .append(Nd4j.getBackend().getClass().getSimpleName()).append('\n');
            sb.append("Device      ").append(Device.defaultDevice().name()).append(" (the default device, xpux)\n");
            for (DeviceInfo d : Backend.devices()) {
                sb.append(String.format(Locale.ROOT, "%-12s", d.name())).append(d.description()).append('\n');
            }
            if (Backend.kind() == Backend.Kind.CUDA) {
                sb.append("CUDA        nd4j-cuda-11.6 natives: GPU code for compute capability 3.7 to 8.6, no PTX;"
                        + " Tensor.to(\"cpu0\") keeps a copy in host memory, ops run on the GPU\n");
            }
            sb.append("BLAS        ").append(Nd4j.factory().blas().getBlasVendor().name().toLowerCase(Locale.ROOT))
                    .append('\n');
            sb.append("Threads     ").append(Backend.threads()).append(" (ND4J ops), ")
                    .append(Nd4j.getEnvironment().maxMasterThreads()).append(" (master); OpenMP ")
                    .append(env.getOrDefault("omp.threads", "?")).append(", cores ")
                    .append(env.getOrDefault("cores", rt.availableProcessors()))
                    .append("; MGE4J_THREADS sets them\n");
            sb.append("Data type   ").append(Nd4j.dataType().toString().toLowerCase(Locale.ROOT)).append(" (ND4J default)\n");
        } catch (Throwable t) {
            sb.append("ND4J did not start: ").append(t instanceof BackendUnavailableException ? t.getMessage() : t).append('\n');
        }
        return sb.toString().strip();
    }
}
