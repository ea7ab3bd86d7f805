package org.mge4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the ConvNet benchmark: every engine in its own process, for each thread count, in several interleaved
 * rounds; then a loss cross-check from shared initial weights; prints a table of medians with ratios against
 * PyTorch-through-DJL measured in the same run and writes {@code bench/RESULTS.md}.
 *
 * <pre>
 * bench/run.sh [--rounds 3] [--threads 1,2] [--engines mge4j,djl,dl4j,python] [--quick] [--no-check]
 * </pre>
 */
public final class Harness {
    static final List<String> ALL_ENGINES = List.of("mge4j", "djl", "dl4j", "dl4j-onednn", "python");
    static final List<String> PHASES = List.of("train", "infer1", "infer64");

    final Path benchDir;
    final Path logDir;
    final List<String> engines = new ArrayList<>();
    final List<Integer> threads = new ArrayList<>();
    int rounds = 3;
    boolean quick;
    boolean check = true;
    int checkSteps = 10;
    String trainSpec = "50,200,6";
    String infer64Spec = "30,200,3";
    String infer1Spec = "100,500,2";
    final String command;

    /** engine -> threads -> phase -> pooled samples (ms) over all rounds. */
    final Map<String, Map<Integer, Map<String, List<Double>>>> pooled = new LinkedHashMap<>();
    /** engine -> threads -> phase -> the median of each round. */
    final Map<String, Map<Integer, Map<String, List<Double>>>> roundMedians = new LinkedHashMap<>();
    /** engine -> threads -> phase -> pooled CPU time of the calling thread (ms). */
    final Map<String, Map<Integer, Map<String, List<Double>>>> pooledCpu = new LinkedHashMap<>();
    /** engine -> threads -> the 1-minute load average when each round's process started. */
    final Map<String, Map<Integer, List<String>>> loads = new LinkedHashMap<>();
    final Map<String, Map<String, String>> infos = new LinkedHashMap<>();
    final Map<String, String> errors = new LinkedHashMap<>();
    final Map<String, List<Double>> checkLosses = new LinkedHashMap<>();

    Harness(String[] args) {
        benchDir = Files.isDirectory(Path.of("bench", "python")) ? Path.of("bench") : Path.of(".");
        logDir = benchDir.resolve("target").resolve("bench-logs");
        List<String> eng = new ArrayList<>(ALL_ENGINES);
        String thr = "1,2";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--threads" -> thr = args[++i];
                case "--engines" -> eng = List.of(args[++i].split(","));
                case "--quick" -> quick = true;
                case "--no-check" -> check = false;
                case "--check-steps" -> checkSteps = Integer.parseInt(args[++i]);
                case "--train" -> trainSpec = args[++i];
                case "--infer64" -> infer64Spec = args[++i];
                case "--infer1" -> infer1Spec = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --rounds N --threads 1,2 --engines mge4j,djl,dl4j,python --quick --no-check "
                        + "--check-steps N --train W,N,S --infer64 W,N,S --infer1 W,N,S");
            }
        }
        if (quick) {
            rounds = Math.min(rounds, 1);
            trainSpec = "10,40,2";
            infer64Spec = "10,40,1";
            infer1Spec = "20,100,1";
        }
        engines.addAll(eng);
        for (String t : thr.split(",")) {
            threads.add(Integer.parseInt(t.trim()));
        }
        command = System.getProperty("bench.command", "bench/run.sh " + String.join(" ", args));
    }

    public static void main(String[] args) throws Exception {
        Harness h = new Harness(args);
        Files.createDirectories(h.logDir);
        String loadBefore = Machine.loadAverage();
        long t0 = System.nanoTime();
        h.measure();
        if (h.check) {
            h.crossCheck();
        }
        double minutes = (System.nanoTime() - t0) / 6e10;
        String loadAfter = Machine.loadAverage();
        Report report = new Report(h, loadBefore, loadAfter, minutes,
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        System.out.println();
        System.out.println(report.consoleTable());
        Path out = h.benchDir.resolve("RESULTS.md");
        Files.writeString(out, report.markdown() + keptSection(out));
        System.out.println("wrote " + out.toAbsolutePath().normalize());
    }

    /** The sections other benchmarks (SaveLoadBench, JitBench) wrote into RESULTS.md, kept as they are. */
    static String keptSection(Path results) throws IOException {
        String text = Files.exists(results) ? Files.readString(results) : "";
        StringBuilder kept = new StringBuilder();
        for (String name : List.of("saveload", "jit-bench")) {
            int b = text.indexOf("<!-- " + name + ":begin -->");
            String end = "<!-- " + name + ":end -->";
            int e = text.indexOf(end);
            if (b >= 0 && e > b) {
                kept.append('\n').append(text, b, e + end.length()).append('\n');
            }
        }
        return kept.toString();
    }

    void measure() {
        int run = 0;
        for (int r = 0; r < rounds; r++) {
            for (int ti = 0; ti < threads.size(); ti++) {
                // alternate the thread order and rotate the engine order from round to round
                int t = threads.get((r % 2 == 0) ? ti : threads.size() - 1 - ti);
                for (int ei = 0; ei < engines.size(); ei++) {
                    String engine = engines.get((ei + r) % engines.size());
                    if (errors.containsKey(engine)) {
                        continue;
                    }
                    List<String> cmd = command(engine, t, List.of("--train", trainSpec, "--infer64", infer64Spec,
                            "--infer1", infer1Spec));
                    Path log = logDir.resolve(String.format("%02d-%s-t%d.log", run++, engine, t));
                    System.out.printf("round %d/%d  threads %d  %-7s ... ", r + 1, rounds, t, engine);
                    System.out.flush();
                    String load = Machine.loadAverage().split(" ")[0];
                    Child c = Child.run(cmd, env(t), log, 600);
                    if (c.error != null || c.samples.size() < PHASES.size()) {
                        String why = c.error != null ? c.error : "printed no samples, see " + log;
                        errors.put(engine, why + tail(log));
                        System.out.println("FAILED: " + why);
                        continue;
                    }
                    infos.putIfAbsent(engine, c.info);
                    loads.computeIfAbsent(engine, k -> new LinkedHashMap<>())
                            .computeIfAbsent(t, k -> new ArrayList<>()).add(load);
                    StringBuilder line = new StringBuilder();
                    for (String phase : PHASES) {
                        List<Double> s = c.samples.get(phase);
                        pooled.computeIfAbsent(engine, k -> new LinkedHashMap<>())
                                .computeIfAbsent(t, k -> new LinkedHashMap<>())
                                .computeIfAbsent(phase, k -> new ArrayList<>()).addAll(s);
                        pooledCpu.computeIfAbsent(engine, k -> new LinkedHashMap<>())
                                .computeIfAbsent(t, k -> new LinkedHashMap<>())
                                .computeIfAbsent(phase, k -> new ArrayList<>())
                                .addAll(c.cpu.getOrDefault(phase, List.of()));
                        double med = Stats.of(s).median();
                        roundMedians.computeIfAbsent(engine, k -> new LinkedHashMap<>())
                                .computeIfAbsent(t, k -> new LinkedHashMap<>())
                                .computeIfAbsent(phase, k -> new ArrayList<>()).add(med);
                        line.append(String.format("%s %.3f ms (n=%d)  ", phase, med, s.size()));
                    }
                    System.out.println(line);
                }
            }
        }
    }

    void crossCheck() throws IOException {
        Path dir = benchDir.resolve("target").resolve("bench-check");
        Files.createDirectories(dir);
        Weights.random(2024).write(dir.resolve("weights.bin"));
        Batch.random(2025).write(dir.resolve("batch.bin"));
        for (String engine : engines) {
            if (errors.containsKey(engine)) {
                continue;
            }
            List<String> cmd = command(engine, 1, List.of("--check", dir.toAbsolutePath().toString(),
                    "--steps", Integer.toString(checkSteps)));
            Path log = logDir.resolve("check-" + engine + ".log");
            System.out.printf("loss check  %-7s ... ", engine);
            Child c = Child.run(cmd, env(1), log, 300);
            if (c.error != null || c.losses.isEmpty()) {
                System.out.println("FAILED: " + (c.error != null ? c.error : "no losses, see " + log));
                checkLosses.put(engine, List.of());
            } else {
                System.out.println(c.losses);
                checkLosses.put(engine, c.losses);
            }
        }
    }

    List<String> command(String engine, int t, List<String> extra) {
        List<String> cmd = new ArrayList<>();
        if (engine.equals("python")) {
            cmd.add(benchDir.resolve(".venv/bin/python").toString());
            cmd.add(benchDir.resolve("python/convnet_bench.py").toString());
        } else {
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-Xmx3g");
            cmd.add("-Dorg.bytedeco.javacpp.platform.extension=-onednn-avx2");
            cmd.add("-Dai.djl.offline=true");
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(EngineMain.class.getName());
            cmd.add("--engine");
            cmd.add(engine);
        }
        cmd.add("--threads");
        cmd.add(Integer.toString(t));
        cmd.addAll(extra);
        return cmd;
    }

    static Map<String, String> env(int t) {
        String n = Integer.toString(t);
        return Map.of("OMP_NUM_THREADS", n, "MKL_NUM_THREADS", n, "OPENBLAS_NUM_THREADS", n,
                "MGE4J_THREADS", n, "PYTORCH_FLAVOR", "cpu");
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "" : ": " + String.join(" | ",
                    lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
