package org.mge4j.kernel.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mge4j.Tensor;
import org.mge4j.jit.GraphInference;
import org.mge4j.jit.Jit;
import org.mge4j.jit.MgeFileException;
import org.mge4j.serialization.AtomicFiles;
import org.mge4j.serialization.numpy.NpyFormat;
import org.mge4j.serialization.numpy.NpzFormat;

/**
 * {@code run MODEL.mge --input NAME=FILE.npy ... [--output OUT.npz] [--iter N] [--warmup N]}: MegEngine's
 * {@code load_and_run} for a graph written by {@code TracedFunction.dump}. Loads the graph (validated, no code run),
 * feeds the inputs, prints each output's shape and first values and the time per run, and writes the outputs.
 */
final class RunGraph {
    /** What the command line asked for. */
    record Request(Path model, Map<String, Path> inputs, Path output, int iterations, int warmup) {
    }

    private RunGraph() {
    }

    static String usage(String program) {
        return String.join("\n",
                "usage: " + program + " run MODEL.mge --input NAME=FILE.npy [--input ...] [--output OUT.npz] [--iter N] [--warmup N] [--debug]",
                "",
                "Runs a graph dumped by TracedFunction.dump (MegEngine's load_and_run): loads and validates MODEL.mge,",
                "feeds each named input from a .npy file (MegEngine's \"data:x.npy\" form is accepted too), runs it,",
                "and prints every output's dtype, shape and first values, and the time per run.",
                "",
                "  --input NAME=FILE  one per graph input (the names are those given to dump as argNames; see the error)",
                "  --output OUT.npz   write the outputs, by output name (OUT.npy when there is one output)",
                "  --iter N           timed runs (default 1); prints min/median/mean ms",
                "  --warmup N         untimed runs first (default 1 when --iter > 1, else 0)",
                "Exit codes: 0 ran, 1 the model or an input cannot be read or run (reason on stderr), 2 bad command line.");
    }

    static Request parse(String[] args) {
        Path model = null;
        Map<String, Path> inputs = new LinkedHashMap<>();
        Path output = null;
        int iter = 1;
        Integer warmup = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--input" -> {
                    String spec = value(args, ++i, a);
                    int eq = spec.indexOf('=') >= 0 ? spec.indexOf('=') : spec.indexOf(':');
                    if (eq <= 0 || eq == spec.length() - 1) {
                        throw new UsageException("--input takes NAME=FILE.npy, got '" + spec + "'");
                    }
                    if (inputs.put(spec.substring(0, eq), Path.of(spec.substring(eq + 1))) != null) {
                        throw new UsageException("input '" + spec.substring(0, eq) + "' is given twice");
                    }
                }
                case "--output" -> output = Path.of(value(args, ++i, a));
                case "--iter" -> iter = positive(value(args, ++i, a), a, 1);
                case "--warmup" -> warmup = positive(value(args, ++i, a), a, 0);
                case "--debug" -> {
                }
                default -> {
                    if (a.startsWith("-") && a.length() > 1) {
                        throw new UsageException("unknown option " + a);
                    }
                    if (model != null) {
                        throw new UsageException("run takes one model, got " + model + " and " + a);
                    }
                    model = Path.of(a);
                }
            }
        }
        if (model == null) {
            throw new UsageException("which model? usage: run MODEL.mge --input NAME=FILE.npy");
        }
        return new Request(model, inputs, output, iter, warmup != null ? warmup : iter > 1 ? 1 : 0);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    private static int positive(String s, String option, int min) {
        try {
            int n = Integer.parseInt(s);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(option + " takes an integer >= " + min + ", got '" + s + "'");
    }

    static void run(Request r, PrintStream out) {
        GraphInference net;
        try {
            net = Jit.load(r.model());
        } catch (MgeFileException e) {
            throw new CliFailure(e.getMessage());
        }
        out.println("model " + r.model() + ": inputs " + net.inputNames() + ", outputs " + net.outputNames() + ", "
                + net.opCount() + " ops " + net.opNames());
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : r.inputs().entrySet()) {
            inputs.put(e.getKey(), readNpy(e.getValue()));
        }
        Map<String, Tensor> result;
        try {
            for (int i = 0; i < r.warmup(); i++) {
                net.run(inputs);
            }
            List<Double> times = new ArrayList<>();
            result = null;
            for (int i = 0; i < r.iterations(); i++) {
                long t0 = System.nanoTime();
                result = net.run(inputs);
                times.add((System.nanoTime() - t0) / 1e6);
            }
            for (Map.Entry<String, Tensor> e : result.entrySet()) {
                Tensor t = e.getValue();
                out.println("output " + e.getKey() + ": " + t.dtype().name().toLowerCase(Locale.ROOT) + " "
                        + Tensor.shapeString(t.shape()) + " " + head(t));
            }
            double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            out.printf(Locale.ROOT, "time: %d run(s), min %.3f ms, median %.3f ms, mean %.3f ms (after %d warm-up)%n",
                    sorted.length, sorted[0], sorted[sorted.length / 2], Arrays.stream(sorted).average().orElse(0), r.warmup());
        } catch (IllegalArgumentException e) {
            throw new CliFailure(e.getMessage());
        }
        if (r.output() != null) {
            write(r.output(), result);
            out.println("wrote " + r.output());
        }
        out.flush();
    }

    private static Tensor readNpy(Path file) {
        try {
            byte[] data = Files.readAllBytes(file);
            return NpyFormat.read(data, 0, data.length, file.toString());
        } catch (NoSuchFileException e) {
            throw new CliFailure("no such input file: " + file);
        } catch (IOException e) {
            throw new CliFailure("could not read " + file + ": " + e.getMessage());
        }
    }

    private static void write(Path file, Map<String, Tensor> result) {
        boolean npy = file.toString().toLowerCase(Locale.ROOT).endsWith(".npy");
        if (npy && result.size() != 1) {
            throw new CliFailure("the model has " + result.size() + " outputs; write them to a .npz file");
        }
        if (!npy && !file.toString().toLowerCase(Locale.ROOT).endsWith(".npz")) {
            throw new UsageException("--output must name a .npz (or, for one output, .npy) file, got " + file);
        }
        AtomicFiles.write(file, o -> {
            if (npy) {
                NpyFormat.write(result.values().iterator().next(), o);
            } else {
                NpzFormat.write(result, o);
            }
        });
    }

    private static String head(Tensor t) {
        float[] v = t.toFloatArray();
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < Math.min(v.length, 6); i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6g", v[i]));
        }
        return sb.append(v.length > 6 ? ", ...]" : "]").toString();
    }
}
