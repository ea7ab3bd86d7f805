package org.mge4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.functional.F;
import org.mge4j.jit.DumpOptions;
import org.mge4j.jit.GraphInference;
import org.mge4j.jit.Jit;
import org.mge4j.jit.TraceOptions;
import org.mge4j.jit.TracedFunction;
import org.mge4j.module.Conv2d;
import org.mge4j.module.Linear;
import org.mge4j.module.MaxPool2d;
import org.mge4j.module.Module;

/**
 * Issue 6's benchmark: inference of the tutorial ConvNet (softmax on top) at batch 1 and 64, in one process, three
 * ways on the same weights: eager mge4j ({@code model.call}, eval), the dumped {@code .mge} graph
 * ({@code Jit.load(...).run}) and the exported ONNX file in ONNX Runtime, each with the same thread count. Rounds
 * interleave the three; medians over all timed calls. Writes a section into bench/RESULTS.md, one for a JVM with the
 * {@code jdk.incubator.vector} module (the graph's Java plan on vector-API kernels) and one for a JVM without it
 * (plain-Java kernels), each run replacing its own.
 * <pre>
 * java -cp ... org.mge4j.bench.JitBench [--threads 1] [--rounds 5] [--results bench/RESULTS.md]
 * </pre>
 */
public final class JitBench {
    static final class ConvNet extends Module {
        Conv2d conv1 = new Conv2d(1, 10, 5);
        MaxPool2d pool1 = new MaxPool2d(2, 2);
        Conv2d conv2 = new Conv2d(10, 20, 5);
        MaxPool2d pool2 = new MaxPool2d(2, 2);
        Linear fc1 = new Linear(320, 50);
        Linear fc2 = new Linear(50, 10);

        @Override
        public Tensor forward(Tensor x) {
            x = pool1.call(F.relu(conv1.call(x)));
            x = pool2.call(F.relu(conv2.call(x)));
            x = F.flatten(x, 1);
            x = F.relu(fc1.call(x));
            return F.relu(fc2.call(x));
        }
    }

    private JitBench() {
    }

    public static void main(String[] args) throws Exception {
        int threads = 1;
        int rounds = 5;
        Path results = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--results" -> results = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        NdThreads.set(threads);
        Mge.seed(0);
        ConvNet model = new ConvNet();
        model.eval();
        TracedFunction<Tensor> infer = Jit.trace((Tensor data) -> F.softmax(model.call(data)),
                TraceOptions.builder().symbolic(true).captureAsConst(true).build());
        infer.call(Tensor.randn(1, 1, 28, 28));
        Path dir = Files.createTempDirectory("jit-bench");
        Path mge = dir.resolve("convnet.mge");
        Path onnx = dir.resolve("convnet.onnx");
        infer.dump(mge.toString(), DumpOptions.builder().argNames("data").build());
        infer.dump(onnx.toString(), DumpOptions.builder().argNames("data").build());
        GraphInference graph = Jit.load(mge);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(threads);
        so.setInterOpNumThreads(1);
        OrtSession session = env.createSession(onnx.toString(), so);

        Map<String, double[]> medians = new LinkedHashMap<>();
        for (int batch : new int[] {1, 64}) {
            Tensor x = Tensor.randn(batch, 1, 28, 28);
            float[] xs = x.toFloatArray();
            long[] shape = x.shape();
            // the three agree before they are timed
            float[] e = F.softmax(model.call(x)).toFloatArray();
            float[] g = graph.run(Map.of("data", x)).get("SOFTMAX").toFloatArray();
            float[] o = ort(env, session, xs, shape);
            check(e, g, "graph");
            check(e, o, "onnxruntime");
            Map<String, Supplier<Object>> engines = new LinkedHashMap<>();
            engines.put("eager", () -> F.softmax(model.call(x)).nd().getFloat(0));
            engines.put("graph", () -> graph.run(Map.of("data", x)).get("SOFTMAX").nd().getFloat(0));
            engines.put("onnxruntime", () -> ort(env, session, xs, shape)[0]);
            int warm = batch == 1 ? 300 : 40;
            int timed = batch == 1 ? 1500 : 200;
            Map<String, List<Double>> times = new LinkedHashMap<>();
            for (int r = 0; r < rounds; r++) {
                List<String> order = new ArrayList<>(engines.keySet());
                java.util.Collections.rotate(order, r);
                for (String name : order) {
                    times.computeIfAbsent(name, k -> new ArrayList<>()).addAll(time(engines.get(name), warm, timed));
                }
            }
            times.forEach((name, t) -> medians.computeIfAbsent(name, k -> new double[2])[batch == 1 ? 0 : 1] = median(t));
        }
        session.close();
        boolean vectorModule = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        String section = report(medians, threads, rounds, String.join(" ", args).replaceAll("--results \\S+ ?", "").trim(), vectorModule);
        System.out.print(section);
        if (results != null) {
            write(results, section, vectorModule ? "jit-bench" : "jit-bench-plain");
        }
    }

    private static float[] ort(OrtEnvironment env, OrtSession session, float[] xs, long[] shape) {
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(xs), shape);
             OrtSession.Result r = session.run(Map.of("data", t))) {
            float[][] y = (float[][]) r.get(0).getValue();
            return y[0];
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static void check(float[] want, float[] got, String what) {
        for (int i = 0; i < got.length; i++) {
            if (Math.abs(want[i] - got[i]) > 1e-5) {
                throw new IllegalStateException(what + " differs from eager at " + i + ": " + want[i] + " vs " + got[i]);
            }
        }
    }

    private static List<Double> time(Supplier<Object> f, int warm, int timed) {
        for (int i = 0; i < warm; i++) {
            f.get();
        }
        List<Double> out = new ArrayList<>(timed);
        for (int i = 0; i < timed; i++) {
            long t0 = System.nanoTime();
            f.get();
            out.add((System.nanoTime() - t0) / 1e6);
        }
        return out;
    }

    private static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a[a.length / 2];
    }

    private static String report(Map<String, double[]> m, int threads, int rounds, String args, boolean vectorModule) {
        double[] e = m.get("eager");
        double[] g = m.get("graph");
        double[] o = m.get("onnxruntime");
        StringBuilder sb = new StringBuilder();
        sb.append(vectorModule ? "## Static graph (issue 6): eager vs dumped .mge graph vs ONNX Runtime, with the vector API module\n\n"
                : "### The same without the vector API module (plain-Java kernels)\n\n");
        sb.append("Generated by `org.mge4j.bench.JitBench` (command: `").append(vectorModule ? "" : "VECTOR_MODULE=0 ")
                .append("bench/jit-bench.sh ").append(args).append("`), ")
                .append(Instant.now()).append(". Tutorial ConvNet with softmax, eval mode, the same weights three ways: ")
                .append("`model.call` (eager), `Jit.load(\"convnet.mge\").run` (optimised graph, conv+relu fused, run by the prepared form GraphInference picks by timing on a shape's first call: the Java plan or ND4J's prepared ops; `DEBUG=true bench/jit-bench.sh` prints the choice; ")
                .append(vectorModule ? "this JVM has `--add-modules jdk.incubator.vector`, so the Java plan runs on vector-API kernels"
                        : "this JVM has no `--add-modules jdk.incubator.vector`, as a kernel started by default, so the Java plan runs on plain-Java loops that C2 vectorises")
                .append(") and the ")
                .append("dumped `convnet.onnx` in ONNX Runtime 1.20.0 (Java API, input tensor made per call); ")
                .append(threads).append(" thread(s) each, ").append(rounds)
                .append(" interleaved rounds, median ms per call (outputs checked equal within 1e-5 first). The machine is shared: differences under ~15% are noise.\n\n");
        sb.append("| engine | batch 1 | batch 64 |\n|---|---|---|\n");
        sb.append(String.format("| eager mge4j | %.3f | %.3f |%n", e[0], e[1]));
        sb.append(String.format("| dumped graph (GraphInference) | %.3f | %.3f |%n", g[0], g[1]));
        sb.append(String.format("| ONNX Runtime | %.3f | %.3f |%n", o[0], o[1]));
        sb.append(String.format("%nRatios: graph is **%.2fx** faster than eager at batch 1 (target ≥ 1.5x: %s) and %.2fx at batch 64; "
                + "graph takes **%.2fx** ONNX Runtime's time at batch 1 (target ≤ 1.5x: %s) and %.2fx at batch 64.%n",
                e[0] / g[0], e[0] / g[0] >= 1.5 ? "met" : "not met", e[1] / g[1], g[0] / o[0], g[0] / o[0] <= 1.5 ? "met" : "not met",
                g[1] / o[1]));
        return sb.toString();
    }

    /**
     * Replaces the section between the {@code marker} markers in RESULTS.md; a new section goes after the jit-bench
     * one (the plain-Java run's under the vector API run's), or at the end.
     */
    private static void write(Path results, String section, String marker) throws Exception {
        String begin = "<!-- " + marker + ":begin -->";
        String end = "<!-- " + marker + ":end -->";
        String text = Files.exists(results) ? Files.readString(results) : "";
        String block = begin + "\n" + section + end + "\n";
        int a = text.indexOf(begin);
        int b = text.indexOf(end);
        int after = text.indexOf("<!-- jit-bench:end -->\n");
        if (a >= 0 && b > a) {
            text = text.substring(0, a) + block + text.substring(b + end.length() + 1);
        } else if (after >= 0) {
            int at = after + "<!-- jit-bench:end -->\n".length();
            text = text.substring(0, at) + "\n" + block + text.substring(at);
        } else {
            text = text + "\n" + block;
        }
        Files.writeString(results, text);
    }
}
