package org.mge4j;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A compute device named the MegEngine way: {@code "cpu0"}, {@code "gpu0"}, {@code "cpux"} or
 * {@code "xpux"} (the default device, which is the GPU when the CUDA backend is active and the CPU otherwise).
 *
 * <p>{@link #logicalName()} gives MegEngine's {@code "<type><n>:<stream>"} form, for example {@code "cpu0:0"}.
 */
public final class Device {
    private static final Pattern NAME = Pattern.compile("(cpu|gpu|xpu)(x|\\d+)(?::(\\d+))?");

    /** The first CPU, {@code cpu0}. */
    public static final Device CPU0 = new Device("cpu", 0, 0);

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
     * {@code "xpux"}; {@code "x"} means "any" and is resolved to device 0 of the active backend.
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
                    + "'; expected a MegEngine device name such as cpu0, cpux, gpu0 or xpux");
        }
        String type = m.group(1);
        int index = m.group(2).equals("x") ? 0 : Integer.parseInt(m.group(2));
        int stream = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        if (type.equals("xpu")) {
            type = Backend.hasGpu() ? "gpu" : "cpu";
        }
        if (type.equals("gpu") && !Backend.hasGpu()) {
            throw new IllegalArgumentException("device '" + name + "' needs the CUDA backend, but this kernel runs "
                    + Backend.name() + "; use cpu0, or build and start mge4j with the cuda profile");
        }
        if (type.equals("cpu") && index != 0) {
            throw new IllegalArgumentException("device '" + name + "' does not exist: the CPU backend has one device, cpu0");
        }
        return type.equals("cpu") && stream == 0 ? CPU0 : new Device(type, index, stream);
    }

    /** The default device ({@code xpux}). */
    public static Device defaultDevice() {
        return of("xpux");
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
