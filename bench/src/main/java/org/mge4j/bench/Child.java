package org.mge4j.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One engine process started by {@link Harness}, and what it printed. */
final class Child {
    final Map<String, String> info = new LinkedHashMap<>();
    final Map<String, List<Double>> samples = new LinkedHashMap<>();
    /** CPU time of the calling thread per call (ms). */
    final Map<String, List<Double>> cpu = new LinkedHashMap<>();
    List<Double> losses = List.of();
    String error;

    /** Runs {@code command} with {@code env} added; stderr goes to {@code log}. Never throws for a failed child. */
    static Child run(List<String> command, Map<String, String> env, Path log, int timeoutSeconds) {
        Child c = new Child();
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().remove("PYTORCH_VERSION"); // forces DJL to download a libtorch
            pb.environment().putAll(env);
            pb.redirectError(log.toFile());
            Process p = pb.start();
            // a child that hangs with stdout open would block readLine: kill it at the deadline
            var watchdog = new java.util.Timer(true);
            watchdog.schedule(new java.util.TimerTask() {
                @Override
                public void run() {
                    p.destroyForcibly();
                }
            }, timeoutSeconds * 1000L);
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    c.parse(line);
                }
            }
            boolean exited = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            watchdog.cancel();
            if (!exited) {
                p.destroyForcibly();
                c.error = "timed out after " + timeoutSeconds + " s";
            } else if (p.exitValue() != 0) {
                c.error = "exit " + p.exitValue() + ", see " + log;
            }
        } catch (IOException e) {
            c.error = "could not start: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.error = "interrupted";
        }
        return c;
    }

    private void parse(String line) {
        if (line.startsWith("INFO ")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                info.put(line.substring(5, eq), line.substring(eq + 1));
            }
        } else if (line.startsWith("SAMPLES ")) {
            String[] p = line.split(" ", 3);
            samples.put(p[1], numbers(p.length > 2 ? p[2] : ""));
        } else if (line.startsWith("CPU ")) {
            String[] p = line.split(" ", 3);
            cpu.put(p[1], numbers(p.length > 2 ? p[2] : ""));
        } else if (line.startsWith("LOSSES ")) {
            losses = numbers(line.substring(7));
        }
    }

    private static List<Double> numbers(String csv) {
        List<Double> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            if (!s.isBlank()) {
                out.add(Double.parseDouble(s.trim()));
            }
        }
        return out;
    }
}
