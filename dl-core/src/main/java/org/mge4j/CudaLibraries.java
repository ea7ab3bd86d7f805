package org.mge4j;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Looks, before ND4J's CUDA backend loads, for the shared libraries it cannot start without, so that a machine
 * without a GPU or CUDA gets one sentence instead of a JVM crash or a stack of native errors.
 *
 * <p>ND4J 1.0.0-M2.1's CUDA natives link CUDA 11's runtime statically into {@code libnd4jcuda.so}, but its JNI
 * bindings and the library itself still need the NVIDIA driver ({@code libcuda.so.1}, only ever from the machine)
 * and CUDA 11's runtime, cuBLAS and cuSOLVER: from the machine (a CUDA 11.x toolkit or its library packages), or
 * from JavaCPP's {@code org.bytedeco:cuda:11.6-8.3-1.5.7:linux-x86_64-redist} jar on the classpath.
 */
final class CudaLibraries {
    /** The NVIDIA driver's library. */
    static final String DRIVER = "libcuda.so.1";
    /** CUDA 11 libraries that libjnicudart and libnd4jcuda name as NEEDED. */
    static final List<String> RUNTIME = List.of("libcudart.so.11.0", "libcublas.so.11", "libcublasLt.so.11", "libcusolver.so.11");
    /** Where JavaCPP's CUDA redist jar keeps them. */
    static final String REDIST_RESOURCE = "org/bytedeco/cuda/linux-x86_64/";

    private CudaLibraries() {
    }

    /**
     * What is missing for ND4J's CUDA backend, as a sentence fragment ("the NVIDIA driver (libcuda.so.1)"), or
     * null when everything was found.
     *
     * @param dirs       folders the dynamic linker searches
     * @param inRedist   whether the redist jar on the classpath holds a library of that name
     */
    static String missing(List<Path> dirs, Predicate<String> inRedist) {
        if (!found(DRIVER, dirs)) {
            return "the NVIDIA driver (" + DRIVER + " was not found: this machine has no NVIDIA GPU, or its driver is not"
                    + " installed or not visible in this container)";
        }
        List<String> absent = new ArrayList<>();
        for (String lib : RUNTIME) {
            if (!found(lib, dirs) && !inRedist.test(lib)) {
                absent.add(lib);
            }
        }
        if (!absent.isEmpty()) {
            return "CUDA 11's libraries (" + String.join(", ", absent) + " not found; ND4J 1.0.0-M2.1 is built for CUDA 11.6:"
                    + " install a CUDA 11.x toolkit or its cuBLAS/cuSOLVER packages, or rebuild with -Pcuda,cuda-redist,"
                    + " which brings them in a jar)";
        }
        return null;
    }

    /** {@link #missing(List, Predicate)} for this machine and this class path. */
    static String missingHere() {
        ClassLoader cl = CudaLibraries.class.getClassLoader();
        return missing(searchPath(), lib -> cl.getResource(REDIST_RESOURCE + lib) != null);
    }

    private static boolean found(String lib, List<Path> dirs) {
        for (Path d : dirs) {
            if (Files.exists(d.resolve(lib))) {
                return true;
            }
        }
        return false;
    }

    /** LD_LIBRARY_PATH, the folders of /etc/ld.so.conf (and its includes), then the usual system and CUDA folders. */
    static List<Path> searchPath() {
        Set<Path> dirs = new LinkedHashSet<>();
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            for (String d : ld.split(":")) {
                if (!d.isBlank()) {
                    dirs.add(Path.of(d));
                }
            }
        }
        readLdConf(Path.of("/etc/ld.so.conf"), dirs, 0);
        for (String d : List.of("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib",
                "/usr/local/nvidia/lib64", "/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib",
                "/usr/local/cuda/compat", "/usr/lib/wsl/lib")) {
            dirs.add(Path.of(d));
        }
        return List.copyOf(dirs);
    }

    private static void readLdConf(Path conf, Set<Path> dirs, int depth) {
        if (depth > 4 || !Files.isRegularFile(conf)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(conf)) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                if (l.startsWith("include ")) {
                    Path pattern = Path.of(l.substring(8).strip());
                    Path parent = pattern.getParent();
                    if (parent == null || !Files.isDirectory(parent)) {
                        continue;
                    }
                    try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, pattern.getFileName().toString())) {
                        for (Path p : ds) {
                            readLdConf(p, dirs, depth + 1);
                        }
                    }
                } else if (l.startsWith("/")) {
                    dirs.add(Path.of(l));
                }
            }
        } catch (IOException | RuntimeException e) {
            // an unreadable ld.so.conf only narrows the search; the usual folders are still tried
        }
    }
}
