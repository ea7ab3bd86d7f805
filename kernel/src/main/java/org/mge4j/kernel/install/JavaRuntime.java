package org.mge4j.kernel.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The java executable a kernelspec runs and its version: the running JVM's by default; for {@code --java PATH}, the
 * {@code JAVA_VERSION} of the JDK's {@code release} file next to {@code bin/} (no JVM started), else what
 * {@code PATH -version} prints.
 */
record JavaRuntime(String java, String version) {
    /** The oldest Java the kernel runs on (its classes are compiled for 17). */
    static final int MINIMUM_FEATURE = 17;

    private static final Pattern VERSION_LINE = Pattern.compile("version \"([^\"]+)\"");
    private static final long VERSION_TIMEOUT_SECONDS = 20;

    /** The JVM running this installer. */
    static JavaRuntime running() {
        return new JavaRuntime(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                System.getProperty("java.version"));
    }

    /**
     * The Java at {@code java} (an executable, a name on the PATH, or a JDK folder, which means its bin/java).
     *
     * @throws IOException when it is not there or does not say its version
     */
    static JavaRuntime of(String java) throws IOException {
        Path given = Path.of(java);
        if (Files.isDirectory(given) && Files.isRegularFile(given.resolve("bin").resolve("java"))) {
            given = given.resolve("bin").resolve("java");
        }
        if (Files.isRegularFile(given)) {
            String fromRelease = releaseVersion(given);
            if (fromRelease != null) {
                return new JavaRuntime(given.toAbsolutePath().toString(), fromRelease);
            }
        } else if (given.getNameCount() > 1 || given.isAbsolute()) {
            throw new IOException("--java " + java + ": no such file; give the java executable of a JDK 17 or later,"
                    + " e.g. --java /usr/lib/jvm/<jdk>/bin/java");
        }
        String path = Files.isRegularFile(given) ? given.toAbsolutePath().toString() : java;
        return new JavaRuntime(path, versionFromRunning(path));
    }

    /** The feature release: 8 for "1.8.0_292", 17 for "17.0.2", 26 for "26-ea". */
    int feature() {
        return featureOf(version);
    }

    static int featureOf(String version) {
        Matcher m = Pattern.compile("^(\\d+)(?:\\.(\\d+))?").matcher(version);
        if (!m.find()) {
            throw new IllegalArgumentException("not a Java version: '" + version + "'");
        }
        int first = Integer.parseInt(m.group(1));
        return first == 1 && m.group(2) != null ? Integer.parseInt(m.group(2)) : first;
    }

    /** Null when this Java can run the kernel, else a one-line refusal that says what to do. */
    String refusal() {
        if (feature() >= MINIMUM_FEATURE) {
            return null;
        }
        return "--java " + java + " is Java " + version + ", and the mge4j kernel needs Java " + MINIMUM_FEATURE
                + " or later: point --java at the java of a newer JDK (e.g. --java /usr/lib/jvm/<jdk 17+>/bin/java)";
    }

    /**
     * Starts this Java with {@code options} and {@code -version}; null when it starts, else its complaint. So that a
     * kernelspec is never written with an option its JVM refuses (the kernel would die before kernel_info).
     */
    String refusedOptions(List<String> options) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(options);
        cmd.add("-version");
        Run run = run(cmd);
        if (run.exitCode == 0) {
            return null;
        }
        String complaint = run.output.lines().filter(l -> !l.isBlank()).findFirst().orElse("exit code " + run.exitCode);
        return "Java " + version + " (" + java + ") does not start with the kernel's options " + options + ": "
                + complaint;
    }

    /** JAVA_VERSION from the release file of the JDK that {@code java} (bin/java, symbolic links followed) is in. */
    static String releaseVersion(Path java) {
        try {
            Path home = java.toRealPath().getParent().getParent();
            Path release = home == null ? null : home.resolve("release");
            if (release == null || !Files.isRegularFile(release)) {
                return null;
            }
            Properties p = new Properties();
            try (var in = Files.newBufferedReader(release, StandardCharsets.UTF_8)) {
                p.load(in);
            }
            String v = p.getProperty("JAVA_VERSION");
            v = v == null ? null : v.strip().replaceAll("^\"|\"$", "");
            return v == null || v.isEmpty() ? null : v;
        } catch (IOException | RuntimeException e) {
            return null;   // no readable release file: ask the executable itself
        }
    }

    private static String versionFromRunning(String java) throws IOException {
        Run run = run(List.of(java, "-version"));
        Matcher m = VERSION_LINE.matcher(run.output);
        if (run.exitCode != 0 || !m.find()) {
            throw new IOException("--java " + java + ": '" + java + " -version' did not say which Java it is (exit code "
                    + run.exitCode + ": " + run.output.strip().lines().findFirst().orElse("no output") + ")");
        }
        return m.group(1);
    }

    private record Run(int exitCode, String output) {
    }

    private static Run run(List<String> cmd) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("--java " + cmd.get(0) + " cannot be run: " + e.getMessage(), e);
        }
        try {
            p.getOutputStream().close();
            // -version prints a few lines and exits; a java that hangs is killed rather than hanging install
            if (!p.waitFor(VERSION_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new IOException("'" + String.join(" ", cmd) + "' did not finish within " + VERSION_TIMEOUT_SECONDS
                        + " s");
            }
            return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + cmd.get(0) + " -version", e);
        }
    }
}
