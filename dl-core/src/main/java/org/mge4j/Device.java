package org.mge4j;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A compute device named the MegEngine way: {@code "cpu0"}, {@code "gpu0"}, {@code "cpux"} or
 * {@code "xpux"} (the default device, which is the GPU when the CUDA backend is active and the CPU otherwise).
 * New tensors and the results of ops are on the default device; {@code Tensor.to} and {@code Module.to} move them.
 *
 * <p>On the CUDA backend ND4J computes every op on the GPU: a tensor on {@code cpu0} there is one kept in host
 * memory (a checkpoint loaded with {@code mapLocation("cpu0")}, say), and an op on it runs on the GPU and gives
 * a result on the default device.
 *
 * <p>{@link #logicalName()} gives MegEngine's {@code "<type><n>:<stream>"} form, for example {@code "cpu0:0"}.
 */
public final class Device {
    private static final Pattern NAME = Pattern.compile("(cpu|gpu|xpu)(x|\\d+)(?::(\\d+))?");

    /** The first CPU, {@code cpu0}. */
    public static final Device CPU0 = new Device("cpu", 0, 0);
    private static volatile Device defaultDevice;

    private final String type;
    private final int index;
    private final int stream;

    private Device(String type, int index, int stream) {
        this.type = type;
        this.index = index;
        this.stream = stream;
    }

    /**
     * Parses a device name such as {@code "cpu0"}, {@code "cpu0:0"}, {@code "gpu1"}, {@code "cpux"} or
     * {@code "xpux"}; {@code "x"} means "any" and is resolved to device 0. {@code "xpux"} is the default device:
     * {@code gpu0} on the CUDA backend, {@code cpu0} on the CPU backend.
     *
     * @throws IllegalArgumentException for a name that is not a MegEngine device name (PyTorch's {@code "cuda:0"}
     *         and {@code "cpu"} are answered with their MegEngine names), a GPU on the CPU backend, a GPU this
     *         machine does not have, or a second CPU
     */
    public static Device of(String name) {
        Objects.requireNonNull(name, "device name");
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("cpu:default")) {
            return CPU0;
        }
        Matcher m = NAME.matcher(n);
        if (!m.matches()) {
            throw new IllegalArgumentException("unknown device '" + name
                    + "'; expected a MegEngine device name such as cpu0, cpux, gpu0 or xpux" + pytorchHint(n));
        }
        String type = m.group(1);
        int index = m.group(2).equals("x") ? 0 : Integer.parseInt(m.group(2));
        int stream = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        if (type.equals("xpu")) {
            type = Backend.hasGpu() ? "gpu" : "cpu";
        }
        if (type.equals("gpu")) {
            if (!Backend.hasGpu()) {
                throw new IllegalArgumentException("device '" + name + "' needs the CUDA backend, but this kernel runs "
                        + Backend.name() + "; use cpu0 (or xpux, the default device), or build and start mge4j with the"
                        + " cuda profile (the \"Java (mge4j, CUDA)\" kernel). A file saved on a GPU loads here with"
                        + " LoadOptions.builder().mapLocation(\"cpu0\")");
            }
            int count = Backend.gpuCount();
            if (index >= count) {
                throw new IllegalArgumentException("device '" + name + "' does not exist: this machine has " + count
                        + (count == 1 ? " GPU (gpu0)" : " GPUs (gpu0 to gpu" + (count - 1) + ")"));
            }
        }
        if (type.equals("cpu") && index != 0) {
            throw new IllegalArgumentException("device '" + name + "' does not exist: mge4j has one CPU device, cpu0");
        }
        return type.equals("cpu") && stream == 0 ? CPU0 : new Device(type, index, stream);
    }

    /** True when {@code name} is spelled like a MegEngine device name; says nothing about this machine. */
    public static boolean isValidName(String name) {
        if (name == null) {
            return false;
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        return n.equals("cpu:default") || NAME.matcher(n).matches();
    }

    private static String pytorchHint(String n) {
        Matcher cuda = Pattern.compile("cuda(?::(\\d+))?").matcher(n);
        if (cuda.matches()) {
            return "; PyTorch's '" + n + "' is MegEngine's gpu" + (cuda.group(1) == null ? "0" : cuda.group(1));
        }
        if (n.equals("cpu")) {
            return "; PyTorch's 'cpu' is MegEngine's cpu0";
        }
        return "";
    }

    /** The default device ({@code xpux}): {@code gpu0} on the CUDA backend, {@code cpu0} on the CPU backend. */
    public static Device defaultDevice() {
        Device d = defaultDevice;
        if (d == null) {
            d = of("xpux");
            defaultDevice = d;
        }
        return d;
    }

    /** {@code "cpu"} or {@code "gpu"}. */
    public String type() {
        return type;
    }

    /** The device number. */
    public int index() {
        return index;
    }

    /** The short name, for example {@code "cpu0"}. */
    public String name() {
        return type + index;
    }

    /** MegEngine's logical name {@code "cpu0:0"}, as stored in saved tensors. */
    public String logicalName() {
        return name() + ":" + stream;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Device d && d.type.equals(type) && d.index == index && d.stream == stream;
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, index, stream);
    }

    @Override
    public String toString() {
        return logicalName();
    }
}
