package org.mge4j.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** What the report says about the machine it ran on. */
final class Machine {
    private Machine() {
    }

    static String cpuModel() {
        return firstValue("/proc/cpuinfo", "model name");
    }

    static String memory() {
        String kb = firstValue("/proc/meminfo", "MemTotal").replace("kB", "").trim();
        try {
            return String.format("%.1f GiB", Long.parseLong(kb) / 1024.0 / 1024.0);
        } catch (NumberFormatException e) {
            return kb;
        }
    }

    static String loadAverage() {
        try {
            String[] p = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return p[0] + " " + p[1] + " " + p[2];
        } catch (Exception e) {
            return "unknown";
        }
    }

    /** The vector extensions that matter here (oneDNN and libtorch pick kernels by them). */
    static String vectorFlags() {
        String flags = " " + firstValue("/proc/cpuinfo", "flags") + " ";
        StringBuilder sb = new StringBuilder();
        for (String f : new String[] {"avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile"}) {
            if (flags.contains(" " + f + " ")) {
                sb.append(sb.length() == 0 ? "" : " ").append(f);
            }
        }
        return sb.length() == 0 ? "none of avx2/avx512" : sb.toString();
    }

    static String describe() {
        return cpuModel() + " (" + vectorFlags() + "), " + Runtime.getRuntime().availableProcessors() + " logical CPUs, " + memory()
                + " RAM; " + System.getProperty("os.name") + " " + System.getProperty("os.version") + "; Java "
                + System.getProperty("java.vm.version") + " (" + System.getProperty("java.vm.name") + ")";
    }

    private static String firstValue(String file, String key) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (Exception e) {
            // not Linux: leave it unknown
        }
        return "unknown";
    }
}
