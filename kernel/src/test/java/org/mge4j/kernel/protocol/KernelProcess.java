package org.mge4j.kernel.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** A kernel started as a separate JVM on free ports, with a fresh signing key and its own Jupyter data dir. */
final class KernelProcess implements AutoCloseable {
    final Path dir;
    final Path connectionFile;
    final String key = UUID.randomUUID().toString();
    final int[] ports;                     // shell, iopub, stdin, control, hb
    final Process process;
    final Path log;

    /** A kernel with the collector and starting heap of an installed kernel (org.mge4j.kernel.install.KernelJvmOptions). */
    KernelProcess(Path dataDir) throws IOException {
        this(dataDir, "-XX:+UseSerialGC", "-XX:InitialHeapSize=32m", "-XX:MaxNewSize=64m");
    }

    /** A kernel whose JVM gets {@code jvmOptions} (a collector, a starting heap) and a heap of at most 512 MiB. */
    KernelProcess(Path dataDir, String... jvmOptions) throws IOException {
        dir = Files.createTempDirectory("mge4j-kernel-test");
        ports = new int[5];
        for (int i = 0; i < 5; i++) {
            try (ServerSocket s = new ServerSocket(0)) {
                ports[i] = s.getLocalPort();
            }
        }
        connectionFile = dir.resolve("connection.json");
        Files.writeString(connectionFile, String.format("{\"transport\":\"tcp\",\"ip\":\"127.0.0.1\",\"shell_port\":%d,"
                + "\"iopub_port\":%d,\"stdin_port\":%d,\"control_port\":%d,\"hb_port\":%d,"
                + "\"signature_scheme\":\"hmac-sha256\",\"key\":\"%s\"}", ports[0], ports[1], ports[2], ports[3],
                ports[4], key));
        String cp = System.getProperty("kernel.test.classpath");
        if (cp == null) {
            throw new IllegalStateException("run the protocol tests through Maven (kernel.test.classpath is unset)");
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 23) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");     // as an installed kernel (KernelJvmOptions)
        }
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-Dmaven.repo.local=" + dir.resolve("m2"), "-javaagent:" + agentJar(), "-cp", cp,
                "org.mge4j.kernel.Main", connectionFile.toString()));
        log = dir.resolve("kernel.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JUPYTER_DATA_DIR", dataDir.toString());
        process = pb.start();
    }

    /** A manifest-only agent jar: its Premain-Class is loaded from the kernel classpath. */
    private Path agentJar() throws IOException {
        Path jar = dir.resolve("agent.jar");
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("Premain-Class", "org.mge4j.kernel.eval.RedefinitionAgent");
        m.getMainAttributes().putValue("Can-Redefine-Classes", "true");
        m.getMainAttributes().putValue("Can-Retransform-Classes", "true");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
        return jar;
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    boolean waitForExit(long millis) throws InterruptedException {
        return process.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(3, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
