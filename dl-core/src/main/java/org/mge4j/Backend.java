package org.mge4j;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Which ND4J backend computes, and how it is set up before ND4J loads.
 *
 * <p>The backend is chosen at build time by what is on the class path: {@code nd4j-native} (the default build)
 * or {@code nd4j-cuda-11.6} (the {@code cuda} Maven profile). {@link #kind()} tells which without loading ND4J.
 *
 * <p>On the CPU mge4j uses ND4J's oneDNN-linked natives ({@code linux-x86_64-onednn-avx2}): the plain build is
 * about ten times slower for convolution training. JavaCPP loads the plain build unless the platform extension
 * is chosen before ND4J starts, which {@link #init()} does; a CPU without AVX2 falls back to the plain build
 * with a log line saying so.
 *
 * <p>On CUDA, {@link #init()} first checks that the NVIDIA driver and CUDA 11's libraries are there, then starts
 * ND4J and runs one op on the GPU; anything missing or failing becomes one {@link BackendUnavailableException}
 * that says what is missing and to use the CPU build, instead of a JVM crash or a stack of native errors.
 */
public final class Backend {
    /** The ND4J backend of this build. */
    public enum Kind {
        /** {@code nd4j-native}: devices {@code cpu0}. */
        CPU,
        /** {@code nd4j-cuda-11.6}: devices {@code gpu0, gpu1, ...}, and {@code cpu0} for tensors kept in host memory. */
        CUDA
    }

    private static final Logger LOG = Logger.getLogger(Backend.class.getName());
    private static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    private static final String CUDA_BACKEND_CLASS = "org/nd4j/linalg/jcublas/JCublasBackend.class";
    private static final String CPU_BACKEND_CLASS = "org/nd4j/linalg/cpu/nativecpu/CpuBackend.class";
    /** What to do instead, in every CUDA failure message. */
    static final String USE_CPU = "Use the CPU build instead: the \"Java (mge4j)\" kernelspec (install/notebook.sh"
            + " registers it), or build without -Pcuda.";
    private static volatile boolean initialized;
    private static volatile String failure;
    private static volatile int threads;
    private static volatile int gpus;

    private Backend() {
    }

    /** The backend this build runs, from the class path; does not load ND4J. */
    public static Kind kind() {
        ClassLoader cl = Backend.class.getClassLoader();
        return cl.getResource(CUDA_BACKEND_CLASS) != null && cl.getResource(CPU_BACKEND_CLASS) == null ? Kind.CUDA : Kind.CPU;
    }

    /**
     * Chooses the native build and the thread count, then loads ND4J. Safe to call many times; every
     * entry point of dl-core calls it first.
     *
     * @throws BackendUnavailableException when the CUDA build runs where CUDA cannot start (every later call
     *         throws the same message)
     */
    public static synchronized void init() {
        if (initialized) {
            return;
        }
        if (failure != null) {
            throw new BackendUnavailableException(failure);
        }
        try {
            if (kind() == Kind.CUDA) {
                initCuda();
            } else {
                initCpu();
            }
        } catch (BackendUnavailableException e) {
            failure = e.getMessage();
            throw e;
        }
    }

    private static void initCpu() {
        if (System.getProperty(EXTENSION_PROPERTY) == null) {
            if (cpuHasAvx2()) {
                System.setProperty(EXTENSION_PROPERTY, "-onednn-avx2");
            } else {
                LOG.warning("this CPU has no AVX2: using ND4J's plain native build, which is much slower for convolutions");
            }
        }
        applyThreadsFromEnvironment();
        Nd4j.getBackend();
        initialized = true;
    }

    private static void initCuda() {
        String missing = CudaLibraries.missingHere();
        if (missing != null) {
            throw new BackendUnavailableException(cudaUnavailable(missing));
        }
        // ND4J and JavaCPP print Java stack traces of their own when CUDA fails; keep them out of the user's sight
        // and say it in one message instead (native messages on fd 2 cannot be caught this way, and are rare)
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Nd4j.getBackend();
            gpus = Nd4j.getAffinityManager().getNumberOfDevices();
            if (gpus < 1) {
                throw new IllegalStateException("ND4J found no CUDA device");
            }
            // one op on the GPU: a build without kernels for this GPU's architecture fails here, not in a cell
            float probe = Nd4j.createFromArray(1f, 2f).addi(1f).sumNumber().floatValue();
            if (probe != 5f) {
                throw new IllegalStateException("a test op on the GPU gave " + probe + " instead of 5.0");
            }
        } catch (Throwable t) {
            throw new BackendUnavailableException(cudaUnavailable(describeCudaFailure(t, captured.toString(StandardCharsets.UTF_8))));
        } finally {
            System.setErr(err);
        }
        err.print(captured.toString(StandardCharsets.UTF_8));
        applyThreadsFromEnvironment();
        initialized = true;
    }

    /** The one message for a CUDA build that cannot run here. */
    static String cudaUnavailable(String what) {
        return "mge4j was built for ND4J's CUDA backend (nd4j-cuda-11.6, the cuda profile), but it cannot start on this"
                + " machine: " + what + ". " + USE_CPU;
    }

    /**
     * One line for an exception from ND4J's CUDA start: the deepest cause's message, with advice for known ones.
     * When ND4J only says it found no backend, the first error it printed while trying ({@code printed}) is the
     * reason, so that line is used.
     */
    static String describeCudaFailure(Throwable t, String printed) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String rootName = root.getClass().getSimpleName();
        String msg = root.getMessage() == null ? rootName : root.getMessage().strip();
        int nl = msg.indexOf('\n');
        msg = nl < 0 ? msg : msg.substring(0, nl);
        if (rootName.equals("NoAvailableBackendException") && printed != null) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^(?:[\\w.$]+\\.)?(\\w+(?:Error|Exception)): (.+)$").matcher(printed);
            if (m.find()) {
                root = t;
                rootName = m.group(1);
                msg = m.group(2).strip();
            }
        }
        String lower = msg.toLowerCase(Locale.ROOT);
        if (lower.contains("no kernel image") || lower.contains("nokernelimage")) {
            return "ND4J's CUDA 11.6 build has GPU code for compute capabilities 3.7 to 8.6 only (no PTX), and this GPU"
                    + " is newer (Hopper, compute capability 9.0, needs sm_90 or PTX): " + msg;
        }
        if (lower.contains("libcuda") || lower.contains("no cuda") || lower.contains("cudaerrornodevice")
                || lower.contains("no cuda-capable device")) {
            return "no usable NVIDIA GPU (" + msg + ")";
        }
        return "ND4J's CUDA backend failed to start (" + rootName + ": " + msg + ")";
    }

    private static void applyThreadsFromEnvironment() {
        String threads = System.getenv("MGE4J_THREADS");
        if (threads != null && !threads.isBlank()) {
            initialized = true;
            setThreads(Integer.parseInt(threads.trim()));
        }
    }

    /** The number of threads ND4J's native ops use (OpenMP and BLAS on the CPU; host-side threads on CUDA). */
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

    /** A short description such as {@code "nd4j-native (CPU, onednn-avx2)"} or {@code "nd4j-cuda-11.6 (GPU)"}. */
    public static String name() {
        init();
        if (kind() == Kind.CUDA) {
            return "nd4j-cuda-11.6 (GPU)";
        }
        String ext = System.getProperty(EXTENSION_PROPERTY, "");
        return "nd4j-native (CPU" + (ext.isEmpty() ? "" : ", " + ext.substring(1)) + ")";
    }

    /** True when ND4J runs on the CUDA backend (and it started). */
    public static boolean hasGpu() {
        init();
        return kind() == Kind.CUDA;
    }

    /** The number of GPUs ND4J sees: 0 on the CPU backend. */
    public static int gpuCount() {
        init();
        return kind() == Kind.CUDA ? gpus : 0;
    }

    /**
     * The devices of this backend: {@code cpu0} (model, cores, host memory, vector extension), then on CUDA each
     * GPU (name, memory, free memory, compute capability) as ND4J's environment information reports it.
     */
    public static List<DeviceInfo> devices() {
        init();
        List<DeviceInfo> out = new ArrayList<>();
        out.add(cpuInfo());
        if (kind() == Kind.CUDA) {
            Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
            if (env.get("cuda.devicesInformation") instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i) instanceof Map<?, ?> m) {
                        out.add(new DeviceInfo("gpu" + i, String.valueOf(m.get("cuda.deviceName")), 0,
                                number(m.get("cuda.totalMemory")), number(m.get("cuda.freeMemory")),
                                number(m.get("cuda.deviceMajor")) + "." + number(m.get("cuda.deviceMinor"))));
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : -1;
    }

    /** The CPU as {@code /proc/cpuinfo} and {@code /proc/meminfo} describe it (Linux; "unknown" fields elsewhere). */
    static DeviceInfo cpuInfo() {
        String model = "unknown CPU";
        String flags = "";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name") && model.equals("unknown CPU")) {
                    model = line.substring(line.indexOf(':') + 1).strip();
                } else if (line.startsWith("flags") && flags.isEmpty()) {
                    flags = " " + line.substring(line.indexOf(':') + 1).strip() + " ";
                }
            }
        } catch (Exception e) {
            // not Linux: the model stays unknown
        }
        String isa = flags.contains(" avx512f ") ? "AVX-512" : flags.contains(" avx2 ") ? "AVX2"
                : flags.isEmpty() ? "unknown vector extensions" : "no AVX2";
        long total = -1;
        long free = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    total = kib(line);
                } else if (line.startsWith("MemAvailable:")) {
                    free = kib(line);
                }
            }
        } catch (Exception e) {
            // not Linux: memory unknown
        }
        return new DeviceInfo("cpu0", model, Runtime.getRuntime().availableProcessors(), total, free, isa);
    }

    private static long kib(String meminfoLine) {
        String[] parts = meminfoLine.split("\\s+");
        return parts.length >= 2 ? Long.parseLong(parts[1]) * 1024 : -1;
    }

    /**
     * A copy of {@code data} on {@code device}: on CUDA, a GPU copy ({@code gpuN}, through ND4J's affinity manager)
     * or a copy kept in host memory ({@code cpu0}); on the CPU backend a plain copy.
     */
    static INDArray copyTo(INDArray data, Device device) {
        init();
        if (kind() != Kind.CUDA) {
            return data.dup();
        }
        AffinityManager affinity = Nd4j.getAffinityManager();
        if (device.type().equals("gpu")) {
            return affinity.replicateToDevice(device.index(), data);
        }
        INDArray copy = data.dup();
        affinity.ensureLocation(copy, AffinityManager.Location.HOST);
        return copy;
    }

    private static boolean cpuHasAvx2() {
        try {
            return Files.readString(Path.of("/proc/cpuinfo")).contains(" avx2");
        } catch (Exception e) {
            return true;
        }
    }
}
