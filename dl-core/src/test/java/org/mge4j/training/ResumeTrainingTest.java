package org.mge4j.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.autodiff.GradManager;
import org.mge4j.data.Batch;
import org.mge4j.data.FashionMnist;
import org.mge4j.optimizer.SGD;
import org.mge4j.serialization.CheckpointManager;
import org.mge4j.serialization.numpy.ArrayBytes;

/**
 * Resuming is exact: the tutorial ConvNet trained 2N steps straight through (SGD with momentum, seeded, a fixed
 * data order of real Fashion-MNIST) ends with the same bits as N steps, a checkpoint, and N more steps in a new
 * JVM that knows nothing but the checkpoint.
 */
class ResumeTrainingTest {
    private static final int N = 15;
    private static final long SEED = 11;

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void trainingResumedInANewJvmEndsBitIdenticalToTrainingStraightThrough() throws Exception {
        Assumptions.assumeTrue(FashionMnist.isInstalled() || System.getenv("CI") != null,
                "Fashion-MNIST is not installed; install/test.sh installs dataset-fashion-mnist");
        List<Batch> data = ResumeFromCheckpoint.batches(0, 2 * N);
        assertEquals(2 * N, data.size());

        Mge.seed(SEED);
        ConvNet straight = new ConvNet();
        SGD straightOpt = new SGD(straight.parameters(), ResumeFromCheckpoint.LR, ResumeFromCheckpoint.MOMENTUM);
        GradManager gm = new GradManager().attach(straight.parameters());
        List<Double> straightLosses = new ArrayList<>();
        for (Batch b : data) {
            straightLosses.add(ResumeFromCheckpoint.step(straight, straightOpt, gm, b));
        }

        Mge.seed(SEED);
        ConvNet half = new ConvNet();
        SGD halfOpt = new SGD(half.parameters(), ResumeFromCheckpoint.LR, ResumeFromCheckpoint.MOMENTUM);
        GradManager halfGm = new GradManager().attach(half.parameters());
        double loss = 0;
        for (Batch b : data.subList(0, N)) {
            loss = ResumeFromCheckpoint.step(half, halfOpt, halfGm, b);
        }
        assertEquals(straightLosses.get(N - 1), loss, "the first halves agree in this JVM");
        Map<String, Object> ckpt = new LinkedHashMap<>();
        ckpt.put("epoch", 0);
        ckpt.put("step", N);
        ckpt.put("model_state_dict", half.stateDict());
        ckpt.put("optimizer_state_dict", halfOpt.stateDict());
        ckpt.put("loss", loss);
        Path folder = dir.resolve("ckpt");
        CheckpointManager.builder(folder).keepLast(1).build().save(0, ckpt);

        Path out = dir.resolve("resumed.pkl");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-Dorg.bytedeco.javacpp.platform.extension=-onednn-avx2", "-cp", System.getProperty("java.class.path"),
                ResumeFromCheckpoint.class.getName(), folder.toString(), out.toString(), String.valueOf(N))
                .redirectErrorStream(true).start();
        String log = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(5, TimeUnit.MINUTES), "the resuming JVM did not finish");
        assertEquals(0, child.exitValue(), "the resuming JVM failed:\n" + log);

        Map<String, Object> resumed = (Map<String, Object>) Mge.load(out);
        assertEquals(loss, resumed.get("resumed_from_loss"));
        assertEquals(straightLosses.subList(N, 2 * N), resumed.get("losses"), "losses of steps " + N + ".." + (2 * N - 1));
        Map<String, Tensor> want = straight.stateDict();
        Map<String, Object> got = assertInstanceOf(Map.class, resumed.get("model_state_dict"));
        assertEquals(want.keySet(), got.keySet());
        for (String k : want.keySet()) {
            assertArrayEquals(ArrayBytes.toBytes(want.get(k)), ArrayBytes.toBytes((Tensor) got.get(k)), "parameter " + k);
        }
        Map<String, Object> wantOpt = straightOpt.stateDict();
        Map<String, Object> gotOpt = assertInstanceOf(Map.class, resumed.get("optimizer_state_dict"));
        assertEquals(wantOpt.get("param_groups"), gotOpt.get("param_groups"));
        Map<Integer, Map<String, Tensor>> ws = (Map<Integer, Map<String, Tensor>>) wantOpt.get("state");
        Map<Object, Object> gs = (Map<Object, Object>) gotOpt.get("state");
        assertEquals(ws.size(), gs.size());
        int buffers = 0;
        for (var e : ws.entrySet()) {
            Map<String, Object> g = (Map<String, Object>) gs.get(e.getKey());
            for (var s : e.getValue().entrySet()) {
                assertArrayEquals(ArrayBytes.toBytes(s.getValue()), ArrayBytes.toBytes((Tensor) g.get(s.getKey())),
                        "optimizer state " + e.getKey() + "." + s.getKey());
                buffers++;
            }
        }
        assertEquals(8, buffers, "a momentum buffer per parameter");
        System.out.printf("resumed in a new JVM after %d of %d steps: %d parameters and %d momentum buffers bit-identical, "
                + "last loss %.6f%n", N, 2 * N, want.size(), buffers, straightLosses.get(2 * N - 1));
    }
}
