import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mge4j.Backend;
import org.mge4j.BackendUnavailableException;
import org.mge4j.Device;
import org.mge4j.DeviceInfo;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.autodiff.GradManager;
import org.mge4j.data.Batch;
import org.mge4j.data.DataLoader;
import org.mge4j.data.FashionMnist;
import org.mge4j.data.Normalize;
import org.mge4j.functional.F;
import org.mge4j.module.Conv2d;
import org.mge4j.module.Linear;
import org.mge4j.module.MaxPool2d;
import org.mge4j.module.Module;
import org.mge4j.optimizer.SGD;

/**
 * The GPU check's Java half, run by install/gpu-check.sh with the source launcher against a build's kernel jar
 * (whose manifest Class-Path names dl-core and ND4J in lib/):
 *
 * <pre>
 * java -cp kernel/target/kernel-*-all.jar      install/gpu/GpuCheck.java cpu  OUT         # CPU reference: weights, first losses, step time
 * java -cp kernel/target-cuda/kernel-*-all.jar install/gpu/GpuCheck.java gpu  OUT [gpu0]  # 200 steps on the GPU, compare, save, step time
 * java -cp kernel/target/kernel-*-all.jar      install/gpu/GpuCheck.java load OUT         # the GPU's checkpoint on the CPU
 * </pre>
 *
 * Exit codes: 0 passed, 1 a check failed, 3 the backend cannot start here (its message is printed).
 */
public final class GpuCheck {
    static final int COMPARED_STEPS = 10;
    static final int TRAIN_STEPS = 200;
    static final int BENCH_WARMUP = 10;
    static final int BENCH_STEPS = 50;
    static final int LOGIT_IMAGES = 256;
    static final double LOSS_TOLERANCE = 1e-3;     // relative, per step, GPU against CPU (float32 sums in another order)
    static final double LOGIT_TOLERANCE = 1e-3;

    /** The serialization guide's ConvNet. */
    public static class ConvNet extends Module {
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

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: GpuCheck cpu|gpu|load OUT [device]");
            System.exit(2);
        }
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        try {
            Backend.init();
        } catch (BackendUnavailableException e) {
            System.out.println("BACKEND UNAVAILABLE: " + e.getMessage());
            System.exit(3);
        }
        System.out.println("backend: " + Backend.name());
        for (DeviceInfo d : Backend.devices()) {
            System.out.println("  " + d);
        }
        boolean ok = switch (args[0]) {
            case "cpu" -> cpu(out);
            case "gpu" -> gpu(out, args.length > 2 ? args[2] : "gpu0");
            case "load" -> load(out);
            default -> throw new IllegalArgumentException("unknown phase " + args[0]);
        };
        System.exit(ok ? 0 : 1);
    }

    /** Fashion-MNIST from the Debian package, or from the folder MGE4J_FASHION_MNIST names. */
    static org.mge4j.data.ArrayDataset dataset(boolean train) {
        String folder = System.getenv("MGE4J_FASHION_MNIST");
        if (folder != null && !folder.isBlank()) {
            return train ? FashionMnist.train(Path.of(folder)) : FashionMnist.test(Path.of(folder));
        }
        return train ? FashionMnist.train() : FashionMnist.test();
    }

    /** Fashion-MNIST training batches in a fixed order (shuffled with seed 3), normalised as in the tutorial. */
    static List<Batch> batches(int count) {
        DataLoader loader = DataLoader.builder(dataset(true)).batchSize(64).shuffle(true).seed(3)
                .transform(new Normalize(0.2860 * 255, 0.3530 * 255)).build();
        List<Batch> list = new ArrayList<>();
        for (Batch b : loader) {
            if (list.size() == count) {
                break;
            }
            list.add(b);
        }
        return list;
    }

    static Batch testImages(int n) {
        DataLoader loader = DataLoader.builder(dataset(false)).batchSize(n).shuffle(false)
                .transform(new Normalize(0.2860 * 255, 0.3530 * 255)).build();
        return loader.iterator().next();
    }

    static double step(Module model, SGD optimizer, GradManager gm, Batch b, String device) {
        try (var rec = gm.record()) {
            Tensor loss = F.crossEntropy(model.call(b.data().to(device)), b.label().to(device));
            gm.backward(loss);
            optimizer.step().clearGrad();
            return loss.itemDouble();     // reads the loss on the host: every step ends synchronised
        }
    }

    /** Median milliseconds of a training step on one batch, after a warm-up. */
    static double benchStep(Module model, SGD optimizer, GradManager gm, Batch b, String device) {
        for (int i = 0; i < BENCH_WARMUP; i++) {
            step(model, optimizer, gm, b, device);
        }
        double[] ms = new double[BENCH_STEPS];
        for (int i = 0; i < BENCH_STEPS; i++) {
            long t0 = System.nanoTime();
            step(model, optimizer, gm, b, device);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms[BENCH_STEPS / 2];
    }

    static boolean cpu(Path out) throws Exception {
        Mge.seed(0);
        ConvNet model = new ConvNet();
        Mge.save(model.stateDict(), out.resolve("init.pkl").toString());
        SGD optimizer = new SGD(model.parameters(), 0.01, 0.9);
        GradManager gm = new GradManager().attach(model.parameters());
        List<String> losses = new ArrayList<>();
        for (Batch b : batches(COMPARED_STEPS)) {
            losses.add(Double.toString(step(model, optimizer, gm, b, "cpu0")));
        }
        Files.write(out.resolve("cpu-losses.txt"), losses);
        System.out.println("cpu: first " + COMPARED_STEPS + " losses " + losses);
        double ms = benchStep(model, optimizer, gm, batches(1).get(0), "cpu0");
        Files.writeString(out.resolve("cpu-step-ms.txt"), Double.toString(ms));
        System.out.printf(Locale.ROOT, "cpu: training step, batch 64: %.2f ms (median of %d)%n", ms, BENCH_STEPS);
        return true;
    }

    @SuppressWarnings("unchecked")
    static boolean gpu(Path out, String device) throws Exception {
        boolean ok = true;
        ConvNet model = new ConvNet();
        model.loadStateDict((Map<String, ?>) Mge.load(out.resolve("init.pkl").toString()));
        model.to(device);
        Device target = Device.of(device);
        for (var e : model.namedTensors().entrySet()) {
            if (!e.getValue().device().equals(target)) {
                System.out.println("FAIL: " + e.getKey() + " is on " + e.getValue().device() + " after model.to(" + device + ")");
                ok = false;
            }
        }
        SGD optimizer = new SGD(model.parameters(), 0.01, 0.9);
        GradManager gm = new GradManager().attach(model.parameters());
        List<String> cpuLosses = Files.readAllLines(out.resolve("cpu-losses.txt"));
        List<Batch> data = batches(TRAIN_STEPS);
        double worst = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < data.size(); i++) {
            double loss = step(model, optimizer, gm, data.get(i), device);
            if (i < cpuLosses.size()) {
                double ref = Double.parseDouble(cpuLosses.get(i));
                double rel = Math.abs(loss - ref) / Math.max(1, Math.abs(ref));
                worst = Math.max(worst, rel);
                System.out.printf(Locale.ROOT, "step %3d  %s %.6f  cpu %.6f  rel.diff %.2e%n", i + 1, device, loss, ref, rel);
            } else if ((i + 1) % 50 == 0) {
                System.out.printf(Locale.ROOT, "step %3d  %s %.6f%n", i + 1, device, loss);
            }
        }
        System.out.printf(Locale.ROOT, "%s: %d steps in %.1f s%n", device, data.size(), (System.nanoTime() - t0) / 1e9);
        if (worst > LOSS_TOLERANCE) {
            System.out.printf(Locale.ROOT, "FAIL: the first %d losses differ from the CPU's by up to %.2e (tolerance %.0e)%n",
                    cpuLosses.size(), worst, LOSS_TOLERANCE);
            ok = false;
        } else {
            System.out.printf(Locale.ROOT, "PASS: the first %d losses match the CPU's within %.0e (worst %.2e)%n",
                    cpuLosses.size(), LOSS_TOLERANCE, worst);
        }
        model.eval();
        Batch test = testImages(LOGIT_IMAGES);
        Tensor logits = model.call(test.data().to(device));
        double acc = logits.argmax(1).astype("int32").eq(test.label().to(device).astype("int32")).astype("float32").mean().itemDouble();
        System.out.printf(Locale.ROOT, "%s: accuracy on %d test images after %d steps: %.3f%n", device, LOGIT_IMAGES, data.size(), acc);
        if (acc < 0.5) {
            System.out.println("FAIL: accuracy below 0.5 after " + data.size() + " steps: the GPU did not train the model");
            ok = false;
        }
        Map<String, Object> ckpt = new LinkedHashMap<>();
        ckpt.put("step", data.size());
        ckpt.put("model_state_dict", model.stateDict());
        ckpt.put("optimizer_state_dict", optimizer.stateDict());
        Mge.save(ckpt, out.resolve("gpu-ckpt.pkl").toString());
        Mge.save(logits.to("cpu0"), out.resolve("gpu-logits.npy").toString());
        System.out.println(device + ": saved gpu-ckpt.pkl and the logits of " + LOGIT_IMAGES + " test images");
        model.train();
        double ms = benchStep(model, optimizer, gm, data.get(0), device);
        Files.writeString(out.resolve("gpu-step-ms.txt"), Double.toString(ms));
        System.out.printf(Locale.ROOT, "%s: training step, batch 64: %.2f ms (median of %d)%n", device, ms, BENCH_STEPS);
        return ok;
    }

    @SuppressWarnings("unchecked")
    static boolean load(Path out) throws Exception {
        boolean ok = true;
        Map<String, Object> ckpt = (Map<String, Object>) Mge.load(out.resolve("gpu-ckpt.pkl").toString(), "cpu0");
        ConvNet model = new ConvNet();
        model.loadStateDict((Map<String, ?>) ckpt.get("model_state_dict"));
        SGD optimizer = new SGD(model.parameters(), 0.5, 0.5);
        optimizer.loadStateDict((Map<String, ?>) ckpt.get("optimizer_state_dict"));
        model.eval();
        float[] here = model.call(testImages(LOGIT_IMAGES).data()).toFloatArray();
        float[] there = ((Tensor) Mge.load(out.resolve("gpu-logits.npy").toString())).toFloatArray();
        double worst = 0;
        for (int i = 0; i < here.length; i++) {
            worst = Math.max(worst, Math.abs(here[i] - there[i]) / Math.max(1, Math.abs(there[i])));
        }
        if (here.length != there.length || worst > LOGIT_TOLERANCE) {
            System.out.printf(Locale.ROOT, "FAIL: the checkpoint saved on the GPU gives other logits on the CPU (worst %.2e)%n", worst);
            ok = false;
        } else {
            System.out.printf(Locale.ROOT, "PASS: checkpoint of step %s saved on the GPU loads on the CPU; its logits match"
                    + " the GPU's within %.0e (worst %.2e)%n", ckpt.get("step"), LOGIT_TOLERANCE, worst);
        }
        model.train();
        GradManager gm = new GradManager().attach(model.parameters());
        double loss = step(model, optimizer, gm, batches(1).get(0), "cpu0");
        System.out.printf(Locale.ROOT, "cpu: training resumes from the GPU checkpoint, loss %.4f%n", loss);
        return ok && Double.isFinite(loss);
    }
}
