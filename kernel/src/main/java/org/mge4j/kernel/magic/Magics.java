package org.mge4j.kernel.magic;

import org.mge4j.kernel.eval.CellOutcome;
import org.mge4j.kernel.eval.Evaluator;
import org.mge4j.kernel.io.Cell;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The line and cell magics: %lsmagic, %time / %%time, %timeit, %vars, %imports, %env, %classpath / %jars, %load,
 * %doc, %maven / %mavenRepo / %%loadFromPOM, %backend.
 * Output goes to the cell's stdout; a misuse is a failure whose message says how to call the magic.
 */
final class Magics {
    private static final List<String> NAMES = List.of("lsmagic", "time", "timeit", "vars", "imports", "env",
            "classpath", "jars", "load", "doc", "maven", "mavenRepo", "backend");
    private static final List<String> CELL_NAMES = List.of("time", "loadFromPOM");

    private final Evaluator evaluator;
    private final CellRunner runner;
    private final MavenDependencies maven = new MavenDependencies();
    private final java.util.Set<String> onClasspath = new java.util.HashSet<>();

    Magics(Evaluator evaluator, CellRunner runner) {
        this.evaluator = evaluator;
        this.runner = runner;
    }

    List<String> names() {
        List<String> all = new ArrayList<>();
        NAMES.forEach(n -> all.add("%" + n));
        CELL_NAMES.forEach(n -> all.add("%%" + n));
        return all;
    }

    CellOutcome line(String text, Cell cell, PrintStream out) {
        int sp = text.indexOf(' ');
        String name = sp < 0 ? text : text.substring(0, sp);
        String args = sp < 0 ? "" : text.substring(sp + 1).strip();
        switch (name) {
            case "lsmagic" -> out.println("Line magics: " + String.join("  ", NAMES.stream().map(n -> "%" + n).toList())
                    + "\nCell magics: " + String.join("  ", CELL_NAMES.stream().map(n -> "%%" + n).toList()));
            case "time" -> {
                return timed(args, cell, out);
            }
            case "timeit" -> {
                return timeit(args, cell, out);
            }
            case "vars" -> evaluator.variables().forEach(v -> out.println("|  " + v));
            case "imports" -> evaluator.imports().forEach(i -> out.println("|    " + i));
            case "env" -> {
                Map<String, String> env = new TreeMap<>(System.getenv());
                if (args.isEmpty()) {
                    env.forEach((k, v) -> out.println(k + "=" + v));
                } else if (env.containsKey(args)) {
                    out.println(env.get(args));
                } else {
                    return usage("env", "no environment variable named " + args + "; %env alone lists them all");
                }
            }
            case "classpath", "jars" -> {
                return classpath(name, args, out);
            }
            case "load" -> {
                return load(args, cell);
            }
            case "backend" -> out.println(BackendReport.describe());
            case "doc" -> {
                return doc(args, cell);
            }
            case "maven" -> {
                return maven(args, out);
            }
            case "mavenRepo" -> {
                String[] parts = args.split("\\s+");
                if (parts.length != 2) {
                    return usage("mavenRepo", "usage: %mavenRepo <id> <url>, e.g. %mavenRepo jitpack https://jitpack.io");
                }
                maven.addRepository(parts[0], parts[1]);
                out.println("Repositories: " + maven.repositories());
            }
            default -> {
                return usage(name, "%" + name + " is not a magic of this kernel; %lsmagic lists the magics");
            }
        }
        return new CellOutcome.Nothing();
    }

    CellOutcome cell(String head, String body, Cell cell, PrintStream out) {
        int sp = head.indexOf(' ');
        String name = sp < 0 ? head : head.substring(0, sp);
        if (name.equals("time")) {
            return timed(body, cell, out);
        }
        if (name.equals("loadFromPOM")) {
            return loadFromPom(body, out);
        }
        return usage(name, "%%" + name + " is not a cell magic of this kernel; %lsmagic lists the magics");
    }

    private CellOutcome timed(String code, Cell cell, PrintStream out) {
        if (code.isBlank()) {
            return usage("time", "usage: %time <java code>, or %%time as the first line of a cell");
        }
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        CellOutcome r = runner.runNested(code, cell);
        long wall = System.nanoTime() - t0;
        long cpu = processCpuNanos() - cpu0;
        cell.flush();
        out.printf("Wall time: %s, CPU time (whole process): %s%n", human(wall), cpu < 0 ? "n/a" : human(cpu));
        return r;
    }

    private CellOutcome timeit(String code, Cell cell, PrintStream out) {
        if (code.isBlank()) {
            return usage("timeit", "usage: %timeit <java expression or statement>");
        }
        List<Long> times = new ArrayList<>();
        long start = System.nanoTime();
        while (times.size() < 7 || (System.nanoTime() - start < 200_000_000L && times.size() < 1000)) {
            long t0 = System.nanoTime();
            CellOutcome r = evaluator.run(code, cell);
            times.add(System.nanoTime() - t0);
            if (r instanceof CellOutcome.Failure) {
                return r;
            }
        }
        double mean = times.stream().mapToLong(Long::longValue).average().orElse(0);
        double var = times.stream().mapToDouble(t -> (t - mean) * (t - mean)).sum() / Math.max(1, times.size() - 1);
        out.printf("%s ± %s per loop (mean ± std. dev. of %d runs)%n", human((long) mean),
                human((long) Math.sqrt(var)), times.size());
        return new CellOutcome.Nothing();
    }

    private CellOutcome classpath(String name, String args, PrintStream out) {
        if (args.isBlank()) {
            return usage(name, "usage: %" + name + " path/to/lib.jar path/to/classes lib/*.jar");
        }
        List<String> added = new ArrayList<>();
        for (String arg : args.split("\\s+|" + File.pathSeparator)) {
            if (arg.isBlank()) {
                continue;
            }
            List<Path> matches = expand(arg);
            if (matches.isEmpty()) {
                return usage(name, "nothing matches " + arg + " (relative to " + Path.of("").toAbsolutePath() + ")");
            }
            for (Path p : matches) {
                onClasspath.add(p.toAbsolutePath().toString());
                evaluator.addToClasspath(p.toAbsolutePath().toString());
                org.mge4j.display.Renderers.reload();   // renderers listed in the new jar's META-INF/services
                added.add(p.toAbsolutePath().toString());
            }
        }
        out.println("Added to the classpath:");
        added.forEach(a -> out.println("  " + a));
        return new CellOutcome.Nothing();
    }

    private static List<Path> expand(String arg) {
        List<Path> out = new ArrayList<>();
        if (!arg.contains("*") && !arg.contains("?")) {
            Path p = Path.of(arg);
            if (Files.exists(p)) {
                out.add(p);
            }
            return out;
        }
        Path full = Path.of(arg);
        Path dir = full.getParent() == null ? Path.of(".") : full.getParent();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, full.getFileName().toString())) {
            ds.forEach(out::add);
        } catch (IOException e) {
            // no such folder: nothing matches
        }
        out.sort(null);
        return out;
    }

    /** Resolves Maven coordinates transitively and adds the jars (once each) to the classpath. */
    private CellOutcome maven(String args, PrintStream out) {
        List<String> coords = args.isBlank() ? List.of() : List.of(args.split("\\s+"));
        if (coords.isEmpty() || coords.stream().anyMatch(c -> c.split(":").length < 3)) {
            return usage("maven", "usage: %maven group:artifact:version [more coordinates], e.g. "
                    + "%maven org.apache.commons:commons-text:1.12.0");
        }
        List<Path> jars;
        try {
            jars = maven.resolve(coords);
        } catch (Exception e) {
            return usage("maven", "could not resolve " + coords + ": " + e.getMessage()
                    + " (repositories: " + maven.repositories() + "; add one with %mavenRepo id url)");
        }
        if (addJars(jars, out) == 0) {
            out.println("Already on the classpath: " + coords);
        }
        return new CellOutcome.Nothing();
    }

    /** Adds jars not yet added, printing each; returns how many were new. */
    private int addJars(List<Path> jars, PrintStream out) {
        int added = 0;
        for (Path jar : jars) {
            String p = jar.toAbsolutePath().toString();
            if (onClasspath.add(p)) {
                evaluator.addToClasspath(p);
                org.mge4j.display.Renderers.reload();   // renderers listed in the new jar's META-INF/services
                out.println("Added " + jar.getFileName());
                added++;
            }
        }
        return added;
    }

    /** %%loadFromPOM: the cell is a POM (or its dependencies); its repositories and dependencies are added. */
    private CellOutcome loadFromPom(String body, PrintStream out) {
        PomCell pom;
        List<PomCell.Coordinate> deps;
        try {
            pom = PomCell.parse(body);
            deps = pom.dependencies();
        } catch (IllegalArgumentException e) {
            return usage("%loadFromPOM", e.getMessage());
        }
        if (deps.isEmpty()) {
            return usage("%loadFromPOM", "the POM lists no runtime dependencies (test and provided scopes are skipped)");
        }
        pom.repositories().forEach(maven::addRepository);
        List<Path> jars;
        try {
            jars = maven.resolveWithExclusions(deps);
        } catch (Exception e) {
            return usage("%loadFromPOM", "could not resolve " + deps.stream().map(PomCell.Coordinate::coordinates)
                    .toList() + ": " + e.getMessage() + " (repositories: " + maven.repositories() + ")");
        }
        if (addJars(jars, out) == 0) {
            out.println("Already on the classpath: " + deps.stream().map(PomCell.Coordinate::coordinates).toList());
        }
        return new CellOutcome.Nothing();
    }

    /** Opens the documentation of a symbol in the frontend's pager (execute_reply payload source "page"). */
    private CellOutcome doc(String symbol, Cell cell) {
        if (symbol.isBlank()) {
            return usage("doc", "usage: %doc String, %doc Math.max, %doc myVariable");
        }
        var found = evaluator.inspect(symbol, symbol.length());
        if (found.isEmpty()) {
            return usage("doc", "no documentation found for " + symbol + "; check the spelling and the imports");
        }
        com.fasterxml.jackson.databind.node.ObjectNode page =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        page.put("source", "page");
        page.putObject("data").put("text/plain", found.get().plain()).put("text/html", found.get().html());
        page.put("start", 0);
        cell.addPayload(page);
        return new CellOutcome.Nothing();
    }

    private CellOutcome load(String args, Cell cell) {
        if (args.isBlank()) {
            return usage("load", "usage: %load path/to/File.jsh");
        }
        Path p = Path.of(args);
        try {
            return runner.runNested(Files.readString(p), cell);
        } catch (IOException e) {
            return usage("load", "cannot read " + p.toAbsolutePath() + ": " + e.getMessage());
        }
    }

    private static CellOutcome usage(String magic, String message) {
        return new CellOutcome.Failure("MagicError", message, List.of("\u001b[31mMagicError\u001b[0m (%" + magic
                + "): " + message));
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private static String human(long nanos) {
        if (nanos >= 1_000_000_000L) {
            return String.format("%.2f s", nanos / 1e9);
        }
        if (nanos >= 1_000_000L) {
            return String.format("%.2f ms", nanos / 1e6);
        }
        return String.format("%.1f µs", nanos / 1e3);
    }
}
