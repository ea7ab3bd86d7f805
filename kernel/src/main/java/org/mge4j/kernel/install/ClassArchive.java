package org.mge4j.kernel.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The kernelspec's class-data archive ({@code kernel.jsa}, application class-data sharing): the classes a kernel
 * start loads (the kernel's, JShell's and javac's, ZeroMQ's, ND4J's), parsed and laid out once, mapped by every
 * later start. Without it, launch to the first {@code kernel_info_reply} took 0.51 s on JDK 25 and 0.48 s on JDK 17;
 * with it 0.31 s (bench/RESULTS-kernel.md has the run).
 *
 * <p>{@code install} makes it by starting the kernel once in its warm-up mode ({@code --warm-up-classes}: a kernel
 * on free ports that runs two cells and exits) with the kernelspec's own options. On JDK 19 and later the kernelspec
 * also says {@code -XX:+AutoCreateSharedArchive}, so the JVM remakes the archive by itself when it no longer fits
 * (a JDK update); on 17 and 18 an archive that no longer fits is ignored until the next {@code install}. The JVM's
 * CDS messages are turned off, since a kernel prints one line at start; where no archive could be made, the
 * kernelspec goes without one and install says so.
 */
final class ClassArchive {
    static final String FILE = "kernel.jsa";
    /** The first Java that remakes a stale archive by itself. */
    static final int AUTO_CREATE_SINCE = 19;
    static final String WARM_UP_COMMAND = "--warm-up-classes";
    private static final List<String> QUIET = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    private static final long TIMEOUT_SECONDS = 180;

    private ClassArchive() {
    }

    /** The options that make a kernel on Java {@code feature} start from {@code archive}. */
    static List<String> options(int feature, Path archive) {
        List<String> options = new ArrayList<>();
        if (feature >= AUTO_CREATE_SINCE) {
            options.add("-XX:+AutoCreateSharedArchive");
        }
        options.add("-XX:SharedArchiveFile=" + archive.toAbsolutePath());
        options.addAll(QUIET);
        return options;
    }

    /**
     * Starts the kernel once in its warm-up mode to write {@code archive}; returns null when it was written, else why
     * not (one line). {@code jvmOptions} are the kernelspec's own, so the archive fits the kernel Jupyter starts.
     */
    static String create(String java, int feature, List<String> jvmOptions, Path jar, Path archive) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmOptions);
        if (feature >= AUTO_CREATE_SINCE) {
            cmd.addAll(options(feature, archive));
        } else {
            cmd.add("-XX:ArchiveClassesAtExit=" + archive.toAbsolutePath());
            cmd.addAll(QUIET);
        }
        cmd.addAll(List.of("-jar", jar.toAbsolutePath().toString(), WARM_UP_COMMAND));
        Path log = null;
        try {
            Files.deleteIfExists(archive);
            log = Files.createTempFile("mge4j-class-archive", ".log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "the kernel's warm-up run took over " + TIMEOUT_SECONDS + " s";
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(archive)) {
                String out = Files.readString(log).strip();
                return "the kernel's warm-up run ended with exit code " + p.exitValue()
                        + (out.isEmpty() ? "" : ": " + out.lines().reduce((a, b) -> b).orElse(""));
            }
            return null;
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } finally {
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // a temporary file left behind
                }
            }
        }
    }
}
