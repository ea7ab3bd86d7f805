package org.mge4j.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Entry point of one engine's JVM. Prints its measurements on stdout, one line each, for {@link Harness}:
 * {@code INFO key=value}, {@code SAMPLES train|infer1|infer64 ms,ms,...} and, in check mode, {@code LOSSES l,l,...}.
 *
 * <pre>
 * EngineMain --engine djl --threads 2 --train 50,200,6 --infer1 100,500,2 --infer64 30,200,3
 * EngineMain --engine djl --threads 1 --check DIR --steps 10
 * </pre>
 * A phase spec {@code W,N,S} means W warm-up calls, then N timed calls or S seconds, whichever comes first.
 */
public final class EngineMain {

    private EngineMain() {
    }

    public static void main(String[] args) throws Exception {
        Args a = new Args(args);
        ConvNetEngine engine = create(a.get("engine", null));
        int threads = Integer.parseInt(a.get("threads", "1"));
        engine.setThreads(threads);
        String check = a.get("check", null);
        if (check != null) {
            Path dir = Path.of(check);
            engine.build(Batch.read(dir.resolve("batch.bin")), Weights.read(dir.resolve("weights.bin")),
                    0.01, 0.9);
            int steps = Integer.parseInt(a.get("steps", "10"));
            StringBuilder sb = new StringBuilder("LOSSES ");
            for (int i = 0; i < steps; i++) {
                sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6f", engine.trainStep()));
            }
            printInfo(engine);
            System.out.println(sb);
            return;
        }
        engine.build(Batch.random(7), null, 0.01, 0.9);
        printInfo(engine);
        float[] sink = new float[1];
        phase("train", a.get("train", "50,200,6"), () -> sink[0] += engine.trainStep());
        engine.eval();
        phase("infer64", a.get("infer64", "30,200,3"), () -> sink[0] += engine.infer(64));
        phase("infer1", a.get("infer1", "100,500,2"), () -> sink[0] += engine.infer(1));
        System.out.println("INFO sink=" + sink[0]);
        System.out.flush();
        // some native runtimes keep non-daemon threads alive
        System.exit(0);
    }

    static ConvNetEngine create(String name) throws ReflectiveOperationException {
        String cls = switch (name == null ? "" : name) {
            case "mge4j" -> "org.mge4j.bench.Mge4jConvNet";
            case "djl" -> "org.mge4j.bench.DjlConvNet";
            case "dl4j" -> "org.mge4j.bench.Dl4jConvNet";
            case "dl4j-onednn" -> "org.mge4j.bench.Dl4jConvNet$WithOneDnn";
            default -> throw new IllegalArgumentException("--engine must be mge4j, djl, dl4j or dl4j-onednn, got " + name);
        };
        try {
            return (ConvNetEngine) Class.forName(cls).getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(cls + " is not on the classpath: for mge4j, dl-core must have its "
                    + "Module API and bench must be rebuilt (profile mge4j-runner)", e);
        }
    }

    private static void printInfo(ConvNetEngine engine) {
        engine.info().forEach((k, v) -> System.out.println("INFO " + k + "=" + v));
    }

    /** Runs warm-up then timed calls; prints their durations in ms. */
    static void phase(String name, String spec, Runnable call) {
        String[] p = spec.split(",");
        int warmup = Integer.parseInt(p[0]);
        int target = Integer.parseInt(p[1]);
        long maxNanos = (long) (Double.parseDouble(p[2]) * 1e9);
        for (int i = 0; i < warmup; i++) {
            call.run();
        }
        List<Double> ms = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        // CPU time of this thread: with 1 compute thread all work runs here, so it is immune to descheduling
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long start = System.nanoTime();
        while (ms.size() < target && (System.nanoTime() - start < maxNanos || ms.size() < Math.min(target, 10))) {
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            call.run();
            long t1 = System.nanoTime();
            cpu.add((mx.getCurrentThreadCpuTime() - c0) / 1e6);
            ms.add((t1 - t0) / 1e6);
        }
        print("SAMPLES " + name, ms);
        print("CPU " + name, cpu);
        System.out.flush();
    }

    private static void print(String head, List<Double> values) {
        StringBuilder sb = new StringBuilder(head).append(' ');
        for (int i = 0; i < values.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", values.get(i)));
        }
        System.out.println(sb);
    }

    /** {@code --key value} pairs. */
    static final class Args {
        private final java.util.Map<String, String> map = new java.util.HashMap<>();

        Args(String[] args) {
            for (int i = 0; i + 1 < args.length; i += 2) {
                if (!args[i].startsWith("--")) {
                    throw new IllegalArgumentException("expected --key value, got " + args[i]);
                }
                map.put(args[i].substring(2), args[i + 1]);
            }
        }

        String get(String key, String dflt) {
            return map.getOrDefault(key, dflt);
        }
    }
}
