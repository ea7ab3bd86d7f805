package org.mge4j.serialization;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Python virtual environment for interop tests, made once with {@code python3 -m venv} and {@code pip install}
 * under {@code ~/.cache/mge4j-test-venv/NAME} (outside the repository) and reused while its marker file exists.
 */
public final class PythonEnv {
    private final Path dir;

    private PythonEnv(Path dir) {
        this.dir = dir;
    }

    /**
     * The venv {@code name} with {@code packages} installed; the test is skipped (with the reason) when python3 is
     * missing. A cached venv that lacks some of the packages gets just those installed, so adding a package to a
     * test does not rebuild the venv.
     */
    public static synchronized PythonEnv get(String name, String... packages) throws Exception {
        Path root = Path.of(System.getProperty("user.home"), ".cache", "mge4j-test-venv", name);
        Path ready = root.resolve(".mge4j-ready");
        List<String> missing = new ArrayList<>(List.of(packages));
        if (Files.exists(ready)) {
            missing.removeAll(List.of(Files.readString(ready).trim().split(" ")));
            if (missing.isEmpty()) {
                return new PythonEnv(root);
            }
        } else {
            assumeTrue(run(null, List.of("python3", "--version"), 60).exit == 0, "python3 is not installed");
            Files.createDirectories(root.getParent());
            Result venv = run(null, List.of("python3", "-m", "venv", "--clear", root.toString()), 300);
            if (venv.exit != 0) {
                throw new IllegalStateException("python3 -m venv failed (on Debian install python3-venv): " + venv.output);
            }
        }
        List<String> pip = new ArrayList<>(List.of(root.resolve("bin/pip").toString(), "install", "-q"));
        pip.addAll(missing);
        Result r = run(null, pip, 900);
        if (r.exit != 0) {
            throw new IllegalStateException("pip install " + String.join(" ", missing) + " failed: " + r.output);
        }
        List<String> have = new ArrayList<>();
        if (Files.exists(ready)) {
            have.addAll(List.of(Files.readString(ready).trim().split(" ")));
        }
        have.addAll(missing);
        Files.writeString(ready, String.join(" ", have));
        return new PythonEnv(root);
    }

    /** Runs {@code python args...} in the venv; fails the test with Python's output when it exits non-zero. */
    public String python(Path workDir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(dir.resolve("bin/python").toString()));
        cmd.addAll(List.of(args));
        Result r = run(workDir, cmd, 300);
        if (r.exit != 0) {
            throw new AssertionError("python " + String.join(" ", args) + " failed:\n" + r.output);
        }
        return r.output;
    }

    record Result(int exit, String output) {
    }

    private static Result run(Path workDir, List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(127, e.toString());
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(124, "timed out: " + cmd);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
