package org.mge4j;

/**
 * What one compute device is, as {@link Backend#devices()} reports it and the kernel's {@code %backend} shows it.
 *
 * @param name        MegEngine's device name, {@code "cpu0"} or {@code "gpu0"}
 * @param model       the CPU model or the GPU's name ({@code "NVIDIA H200"})
 * @param cores       logical processors available to the JVM; for a GPU, 0 (ND4J does not report SMs)
 * @param memory      total memory in bytes (host memory for the CPU, device memory for a GPU); -1 if unknown
 * @param freeMemory  memory available now, in bytes; -1 if unknown
 * @param capability  a GPU's compute capability ({@code "8.6"}); for the CPU the widest vector extension
 *                    ND4J's natives use ({@code "AVX-512"}, {@code "AVX2"}, or {@code "no AVX2"})
 */
public record DeviceInfo(String name, String model, int cores, long memory, long freeMemory, String capability) {

    /** One line: {@code gpu0  NVIDIA H200, compute capability 9.0, 139.8 GiB memory (139.2 GiB free)}. */
    @Override
    public String toString() {
        return name + "  " + description();
    }

    /** The line without the name: {@code NVIDIA H200, compute capability 9.0, 139.8 GiB memory (139.2 GiB free)}. */
    public String description() {
        StringBuilder sb = new StringBuilder(model);
        if (name.startsWith("gpu")) {
            sb.append(", compute capability ").append(capability);
        } else {
            sb.append(", ").append(cores).append(cores == 1 ? " core" : " cores").append(", ").append(capability);
        }
        if (memory >= 0) {
            sb.append(", ").append(gib(memory)).append(" memory");
            if (freeMemory >= 0) {
                sb.append(" (").append(gib(freeMemory)).append(" free)");
            }
        }
        return sb.toString();
    }

    private static String gib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
