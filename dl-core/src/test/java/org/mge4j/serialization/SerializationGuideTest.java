package org.mge4j.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.autodiff.GradManager;
import org.mge4j.functional.F;
import org.mge4j.module.Module;
import org.mge4j.module.StateDictKeyException;
import org.mge4j.optimizer.SGD;
import org.mge4j.training.ConvNet;

/**
 * MegEngine's serialization guide ("保存与加载模型") flow by flow with its ConvNet: the whole model (not recommended),
 * the state dict, the checkpoint that resumes training, and the mistakes the guide warns about.
 */
class SerializationGuideTest {
    private static final int STEPS = 6;

    @TempDir
    Path dir;

    /** Fixed batches, drawn before any model so that creating a model does not shift them. */
    private static List<Tensor[]> batches(long seed) {
        Mge.seed(seed);
        List<Tensor[]> out = new ArrayList<>();
        for (int i = 0; i < STEPS; i++) {
            int[] labels = new int[8];
            for (int j = 0; j < labels.length; j++) {
                labels[j] = (i * 8 + j) % 10;
            }
            out.add(new Tensor[] {Tensor.randn(8, 1, 28, 28), Tensor.of(labels)});
        }
        return out;
    }

    /** The guide's training step: record, cross entropy, backward, step, clear. Returns the loss. */
    private static double step(ConvNet model, SGD optimizer, GradManager gm, Tensor[] batch) {
        try (var rec = gm.record()) {
            Tensor loss = F.crossEntropy(model.call(batch[0]), batch[1]);
            gm.backward(loss);
            optimizer.step().clearGrad();
            return loss.itemDouble();
        }
    }

    private static void assertBitIdentical(Module expected, Module actual) {
        Map<String, Tensor> want = expected.stateDict();
        Map<String, Tensor> got = actual.stateDict();
        assertEquals(want.keySet(), got.keySet());
        for (String k : want.keySet()) {
            assertArrayEquals(want.get(k).toFloatArray(), got.get(k).toFloatArray(), k);
        }
    }

    private static ConvNet trained(long seed) {
        List<Tensor[]> data = batches(seed);
        ConvNet model = new ConvNet();
        SGD optimizer = new SGD(model.parameters(), 0.01, 0.9);
        GradManager gm = new GradManager().attach(model.parameters());
        for (int i = 0; i < 2; i++) {
            step(model, optimizer, gm, data.get(i));
        }
        return model;
    }

    @Test
    void flow1TheEntireModelSavedAndLoadedWithTrustGivesIdenticalOutputsInEvalMode() {
        ConvNet model = trained(11);
        model.eval();
        Path path = dir.resolve("model.pkl");
        Mge.save(model, path);                                           // megengine.save(model, PATH)

        ConvNet loaded = (ConvNet) Mge.load(path, LoadOptions.builder().trust(ConvNet.class).build());
        assertFalse(loaded.training(), "the saved eval mode comes back");
        Tensor x = Tensor.randn(4, 1, 28, 28);
        assertArrayEquals(model.call(x).toFloatArray(), loaded.call(x).toFloatArray());
        assertBitIdentical(model, loaded);
    }

    @Test
    void flow2TheStateDictLoadsIntoAFreshModelWithIdenticalOutputs() {
        ConvNet model = trained(12);
        Path path = dir.resolve("model.pkl");
        Mge.save(model.stateDict(), path);                                // megengine.save(model.state_dict(), PATH)

        ConvNet fresh = new ConvNet();
        fresh.loadStateDict(Mge.load(path));                              // model.load_state_dict(megengine.load(PATH))
        fresh.eval();
        model.eval();
        Tensor x = Tensor.randn(4, 1, 28, 28);
        assertArrayEquals(model.call(x).toFloatArray(), fresh.call(x).toFloatArray());
        assertBitIdentical(model, fresh);
    }

    @Test
    @SuppressWarnings("unchecked")
    void flow3ACheckpointResumesTrainingBitIdenticallyToUninterruptedTraining() {
        List<Tensor[]> data = batches(13);
        ConvNet uninterrupted = new ConvNet();
        Map<String, Tensor> init = uninterrupted.stateDict();
        SGD opt = new SGD(uninterrupted.parameters(), 0.01, 0.9);
        GradManager gm = new GradManager().attach(uninterrupted.parameters());
        for (Tensor[] batch : data) {
            step(uninterrupted, opt, gm, batch);
        }

        ConvNet model = new ConvNet();
        model.loadStateDict(init);
        SGD optimizer = new SGD(model.parameters(), 0.01, 0.9);
        GradManager gm1 = new GradManager().attach(model.parameters());
        double loss = 0;
        int epoch = 3;
        for (int i = 0; i < epoch; i++) {
            loss = step(model, optimizer, gm1, data.get(i));
        }
        Map<String, Object> checkpoint = new LinkedHashMap<>();
        checkpoint.put("epoch", epoch);
        checkpoint.put("model_state_dict", model.stateDict());
        checkpoint.put("optimizer_state_dict", optimizer.stateDict());
        checkpoint.put("loss", loss);
        Path path = dir.resolve("checkpoint.pkl");
        Mge.save(checkpoint, path);

        ConvNet resumed = new ConvNet();                                  // a fresh model and optimizer, as after a restart
        SGD resumedOptimizer = new SGD(resumed.parameters(), 0.01, 0.9);
        Map<String, Object> ckpt = (Map<String, Object>) Mge.load(path);
        resumed.loadStateDict(ckpt.get("model_state_dict"));
        resumedOptimizer.loadStateDict((Map<String, Object>) ckpt.get("optimizer_state_dict"));
        assertEquals(3, ckpt.get("epoch"));
        assertEquals(loss, (Double) ckpt.get("loss"));
        resumed.train();
        GradManager gm2 = new GradManager().attach(resumed.parameters());
        for (int i = (Integer) ckpt.get("epoch"); i < STEPS; i++) {
            step(resumed, resumedOptimizer, gm2, data.get(i));
        }
        assertBitIdentical(uninterrupted, resumed);
    }

    @Test
    void flow4TheGuidesMistakesAreAnsweredWithWhatToDo() throws Exception {
        ConvNet model = trained(14);
        Path whole = dir.resolve("whole.pkl");
        Mge.save(model, whole);
        Path weights = dir.resolve("weights.pkl");
        Mge.save(model.stateDict(), weights);
        Path checkpoint = dir.resolve("checkpoint.pkl");
        Mge.save(Map.of("epoch", 1, "model_state_dict", model.stateDict()), checkpoint);
        ConvNet fresh = new ConvNet();

        // loading a whole model runs its class: refused until trusted, with the state-dict way beside it
        RefusedGlobalException refused = assertThrows(RefusedGlobalException.class, () -> Mge.load(whole));
        assertTrue(refused.getMessage().contains("whole model of class org.mge4j.training.ConvNet")
                && refused.getMessage().contains("trust(ConvNet.class)"), refused.getMessage());
        fresh.loadStateDict(Mge.load(whole, LoadOptions.builder().modelsAsStateDicts().build()));
        assertBitIdentical(model, fresh);

        // a path is not a state dict
        IllegalArgumentException path = assertThrows(IllegalArgumentException.class, () -> fresh.loadStateDict(weights.toString()));
        assertTrue(path.getMessage().contains("model.loadStateDict(Mge.load(\"" + weights + "\"))"), path.getMessage());

        // a checkpoint is not a state dict: the key that holds one is named
        IllegalArgumentException ckpt = assertThrows(IllegalArgumentException.class, () -> fresh.loadStateDict(Mge.load(checkpoint)));
        assertTrue(ckpt.getMessage().contains("its key 'model_state_dict' holds a state dict"), ckpt.getMessage());

        // a dumped graph is not a pickle
        Path mge = dir.resolve("model.mge");
        Files.write(mge, new byte[] {'m', 'g', 'v', '2', 0, 0, 0, 0});
        SerializationException graph = assertThrows(SerializationException.class, () -> Mge.load(mge));
        assertTrue(graph.getMessage().contains("Jit.load(\"" + mge + "\")"), graph.getMessage());

        // strict loading lists every key that does not match
        Map<String, Tensor> partial = new LinkedHashMap<>(model.stateDict());
        partial.remove("fc2.weight");
        partial.put("fc3.weight", Tensor.zeros(10, 50));
        StateDictKeyException keys = assertThrows(StateDictKeyException.class, () -> fresh.loadStateDict(partial));
        assertEquals(List.of("fc3.weight"), keys.unused());
        assertEquals(List.of("fc2.weight"), keys.missing());
    }
}
