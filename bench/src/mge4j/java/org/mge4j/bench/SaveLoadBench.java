package org.mge4j.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.serialization.SaveOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * Save and load throughput of a 256 MB state dict (64 float32 tensors of 4 MB) through {@code Mge.save} /
 * {@code Mge.load} (.pkl with its CRC32C trailer), next to the machine's limit for the same bytes (a plain
 * FileChannel writing from and reading into the tensors' native memory, with and without fsync) and Python's
 * {@code pickle.dump}/{@code pickle.load} of the same arrays, in one run, interleaved round by round. Writes the
 * "Save and load" section of {@code bench/RESULTS.md}.
 *
 * <pre>bench/run.sh saveload [--rounds 7]</pre>
 */
public final class SaveLoadBench {
    static final int TENSORS = 64;
    static final int FLOATS = 1 << 20;
    static final long BYTES = (long) TENSORS * FLOATS * 4;
    static final String BEGIN = "<!-- saveload:begin -->";
    static final String END = "<!-- saveload:end -->";

    private final Map<String, List<Double>> ms = new LinkedHashMap<>();

    private SaveLoadBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = 7;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--rounds")) {
                rounds = Integer.parseInt(args[++i]);
            } else {
                throw new IllegalArgumentException("unknown option " + args[i] + "; options: --rounds N");
            }
        }
        Path benchDir = Files.isDirectory(Path.of("bench", "python")) ? Path.of("bench") : Path.of(".");
        Path dir = benchDir.resolve("target").resolve("saveload").toAbsolutePath();
        Files.createDirectories(dir);
        String command = System.getProperty("bench.command", "bench/run.sh saveload " + String.join(" ", args));
        String loadBefore = Machine.loadAverage();
        long t0 = System.nanoTime();
        SaveLoadBench b = new SaveLoadBench();
        Map<String, Tensor> sd = stateDict();
        Path pkl = dir.resolve("mge4j.pkl");
        Path raw = dir.resolve("raw.bin");
        Path plain = dir.resolve("mge4j-nochecksums.pkl");
        // warm-up: one of each, untimed
        Mge.save(sd, pkl);
        Mge.load(pkl);
        rawWrite(sd, raw, true);
        rawRead(raw);
        for (int r = 0; r < rounds; r++) {
            System.out.printf("round %d/%d%n", r + 1, rounds);
            b.time("mge4j save", () -> Mge.save(sd, pkl), pkl);
            b.time("raw write + fsync", () -> rawWrite(sd, raw, true), raw);
            b.time("raw write", () -> rawWrite(sd, raw, false), raw);
            b.time("mge4j save, checksums off", () -> Mge.save(sd, plain, SaveOptions.builder().checksums(false).build()), plain);
            b.time("mge4j load", () -> check(Mge.load(pkl)), null);
            b.time("raw read", () -> rawRead(raw), null);
            b.time("mge4j load, checksums off", () -> check(Mge.load(plain)), null);
        }
        JsonNode py = python(benchDir, dir, Math.max(3, rounds / 2), pkl);
        double minutes = (System.nanoTime() - t0) / 6e10;
        String section = b.report(py, command, loadBefore, Machine.loadAverage(), minutes);
        System.out.println();
        System.out.println(section);
        Path results = benchDir.resolve("RESULTS.md");
        Files.writeString(results, withSection(Files.exists(results) ? Files.readString(results) : "", section));
        System.out.println("wrote the save/load section of " + results.toAbsolutePath().normalize());
        for (Path p : List.of(pkl, raw, plain)) {
            Files.deleteIfExists(p);
        }
    }

    /** {@code text} with its save/load section replaced by (or else followed by) {@code section}. */
    static String withSection(String text, String section) {
        String block = BEGIN + "\n" + section + END + "\n";
        int b = text.indexOf(BEGIN);
        int e = text.indexOf(END);
        if (b >= 0 && e > b) {
            return text.substring(0, b) + block + text.substring(e + END.length()).replaceFirst("^\n", "");
        }
        return text + (text.isEmpty() || text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n") + block;
    }

    interface Action {
        void run() throws Exception;
    }

    /** Times one action; the file it writes is deleted first (untimed), so every write goes to a fresh file. */
    private void time(String name, Action a, Path writes) throws Exception {
        if (writes != null) {
            Files.deleteIfExists(writes);
        }
        System.gc();
        long t = System.nanoTime();
        a.run();
        ms.computeIfAbsent(name, k -> new ArrayList<>()).add((System.nanoTime() - t) / 1e6);
    }

    static Map<String, Tensor> stateDict() {
        Random r = new Random(1);
        Map<String, Tensor> sd = new LinkedHashMap<>();
        float[] v = new float[FLOATS];
        for (int i = 0; i < TENSORS; i++) {
            for (int k = 0; k < v.length; k++) {
                v[k] = (float) r.nextGaussian();
            }
            sd.put("layer" + i + ".weight", Tensor.of(v).reshape(1024, 1024));
        }
        return sd;
    }

    /** The machine's limit for saving: each tensor's native memory written to a new file, one FileChannel. */
    static void rawWrite(Map<String, Tensor> sd, Path file, boolean fsync) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (Tensor t : sd.values()) {
                ByteBuffer b = t.nd().data().asNio();
                b.clear();
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
            if (fsync) {
                ch.force(true);
            }
        }
    }

    /** The machine's limit for loading: the bytes read into newly allocated native arrays. */
    static void rawRead(Path file) throws IOException {
        List<INDArray> out = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int i = 0; i < TENSORS; i++) {
                INDArray a = Nd4j.createUninitialized(DataType.FLOAT, 1024, 1024);
                ByteBuffer b = a.data().asNio();
                b.clear();
                while (b.hasRemaining()) {
                    if (ch.read(b) < 0) {
                        throw new IOException("short file");
                    }
                }
                out.add(a);
            }
        }
        if (out.size() != TENSORS) {
            throw new IllegalStateException();
        }
    }

    private static void check(Object loaded) {
        if (!(loaded instanceof Map<?, ?> m) || m.size() != TENSORS) {
            throw new IllegalStateException("loaded " + loaded);
        }
    }

    /** Runs python/saveload_bench.py with the bench venv's Python (else python3 with numpy). */
    private static JsonNode python(Path benchDir, Path dir, int rounds, Path javaFile) {
        Path venv = benchDir.resolve(".venv/bin/python");
        String exe = Files.isExecutable(venv) ? venv.toString() : "python3";
        try {
            Process p = new ProcessBuilder(exe, benchDir.resolve("python/saveload_bench.py").toString(), dir.toString(),
                    String.valueOf(rounds), javaFile.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.MINUTES) || p.exitValue() != 0) {
                System.out.println("python side failed: " + out);
                return null;
            }
            return new ObjectMapper().readTree(out);
        } catch (Exception e) {
            System.out.println("python side not run: " + e);
            return null;
        }
    }

    private double median(String name) {
        return Stats.of(ms.get(name)).median();
    }

    private static double median(JsonNode py, String key) {
        List<Double> v = new ArrayList<>();
        py.get(key).forEach(n -> v.add(n.asDouble()));
        return Stats.of(v).median();
    }

    private String row(String name, String what) {
        Stats s = Stats.of(ms.get(name));
        return String.format("| %s | %s | %.0f [%.0f–%.0f] | %.2f |%n", name, what, s.median(), s.p10(), s.p90(),
                BYTES / 1e6 / s.median());
    }

    private String report(JsonNode py, String command, String loadBefore, String loadAfter, double minutes) {
        StringBuilder sb = new StringBuilder();
        sb.append("## Save and load: 256 MB state dict, mge4j vs raw file I/O vs Python pickle\n\n");
        sb.append("Generated by `SaveLoadBench`, not edited by hand (the ConvNet harness keeps this section). Command:\n\n```\n")
                .append(command).append("\n```\n\n");
        sb.append(String.format("- Date: %s; the run took %.1f min; load average before %s, after %s.%n",
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME), minutes, loadBefore, loadAfter));
        sb.append("- Machine: ").append(Machine.describe()).append(".\n");
        sb.append(String.format("- Data: %d float32 tensors of 1024x1024 (4 MiB), %d MiB in all, random normal. Files in "
                + "`bench/target/saveload`, each write to a new file (the old one deleted untimed), reads from the warm page "
                + "cache (dropping it needs root). %d interleaved rounds after one untimed warm-up; median and p10–p90 in ms.%n",
                TENSORS, BYTES >> 20, ms.get("mge4j save").size()));
        sb.append("- mge4j save = `Mge.save(stateDict, \"x.pkl\")`: pickle protocol 4 + CRC32C trailer, through AtomicFiles "
                + "(temp file, fsync, atomic rename, fsync of the folder). mge4j load = `Mge.load(\"x.pkl\")`, every checksum "
                + "verified. Raw = one FileChannel writing from / reading into the tensors' native memory, no format.\n\n");
        sb.append("| operation | what | ms | GB/s |\n|---|---|---|---|\n");
        sb.append(row("mge4j save", "Mge.save, checksums, fsync + rename"));
        sb.append(row("mge4j save, checksums off", "Mge.save with checksums(false)"));
        sb.append(row("raw write + fsync", "FileChannel.write + force"));
        sb.append(row("raw write", "FileChannel.write, no fsync"));
        sb.append(row("mge4j load", "Mge.load, checksums verified"));
        sb.append(row("mge4j load, checksums off", "Mge.load of a file without trailer"));
        sb.append(row("raw read", "FileChannel.read into new arrays"));
        double save = median("mge4j save");
        double load = median("mge4j load");
        double rawSync = median("raw write + fsync");
        double rawWrite = median("raw write");
        double rawRead = median("raw read");
        if (py != null) {
            sb.append(String.format("| Python pickle.dump + fsync | %s | %.0f | %.2f |%n", "numpy " + py.get("numpy").asText(),
                    median(py, "dump_fsync"), BYTES / 1e6 / median(py, "dump_fsync")));
            sb.append(String.format("| Python pickle.dump | no fsync | %.0f | %.2f |%n", median(py, "dump"), BYTES / 1e6 / median(py, "dump")));
            sb.append(String.format("| Python pickle.load | of its own file | %.0f | %.2f |%n", median(py, "load"), BYTES / 1e6 / median(py, "load")));
            sb.append(String.format("| Python pickle.load | of mge4j's file (trailer skipped) | %.0f | %.2f |%n", median(py, "load_java"),
                    BYTES / 1e6 / median(py, "load_java")));
        }
        sb.append("\n### Ratios (lower is faster)\n\n");
        sb.append(String.format("- **save: %.2fx of raw write + fsync** (target ≤ 1.5x: %s); %.2fx of raw write without fsync.%n",
                save / rawSync, save / rawSync <= 1.5 ? "**met**" : "**not met**", save / rawWrite));
        sb.append(String.format("- **load: %.2fx of raw read** (target ≤ 1.5x: %s).%n", load / rawRead,
                load / rawRead <= 1.5 ? "**met**" : "**not met**"));
        sb.append(String.format("- the checksum trailer costs %.2fx on save and %.2fx on load (a file with it vs one without it, "
                + "whose large array payloads are found by walking the pickle's opcodes).%n",
                save / median("mge4j save, checksums off"), load / median("mge4j load, checksums off")));
        if (py != null) {
            sb.append(String.format("- vs Python %s pickle (numpy %s): mge4j save %.2fx of pickle.dump + fsync, mge4j load %.2fx of "
                            + "pickle.load.%n", py.get("python").asText(), py.get("numpy").asText(), save / median(py, "dump_fsync"),
                    load / median(py, "load")));
        } else {
            sb.append("- Python was not measured (see the console output).\n");
        }
        sb.append('\n');
        return sb.toString();
    }
}
