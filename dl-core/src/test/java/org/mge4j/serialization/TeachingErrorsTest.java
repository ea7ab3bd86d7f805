package org.mge4j.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.module.Linear;
import org.mge4j.module.Module;
import org.mge4j.module.StateDictKeyException;

/** The serialization guide's warnings answered with teaching errors, through real saved files. */
class TeachingErrorsTest {
    @TempDir
    Path dir;

    static class Net extends Module {
        Linear fc1 = new Linear(3, 4);
        Linear fc2 = new Linear(4, 2);

        public Tensor forward(Tensor x) {
            return fc2.call(fc1.call(x));
        }
    }

    @Test
    void loadingACheckpointIntoLoadStateDictSaysWhichKeyHoldsTheStateDict() {
        Net net = new Net();
        Map<String, Object> ckpt = new LinkedHashMap<>();
        ckpt.put("epoch", 3);
        ckpt.put("optimizer_state_dict", Map.of("state", Map.of(0, Map.of("momentum_buffer", Tensor.zeros(4, 3))), "param_groups", List.of()));
        ckpt.put("model_state_dict", net.stateDict());
        ckpt.put("loss", 0.25);
        Path p = dir.resolve("ckpt.pkl");
        Mge.save(ckpt, p);
        Object loaded = Mge.load(p);
        Net fresh = new Net();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fresh.loadStateDict(loaded));
        assertTrue(e.getMessage().contains("this looks like a checkpoint")
                && e.getMessage().contains("its key 'model_state_dict' holds a state dict")
                && e.getMessage().contains("model.loadStateDict((Map) ckpt.get(\"model_state_dict\"))"), e.getMessage());
        fresh.loadStateDict(((Map<?, ?>) loaded).get("model_state_dict"));
        assertEquals(net.fc1.weight.toFloatArray()[5], fresh.fc1.weight.toFloatArray()[5]);
    }

    @Test
    void strictLoadingOfAFileListsEveryUnusedAndMissingKeyInOneError() {
        Map<String, Tensor> sd = new LinkedHashMap<>(new Net().stateDict());
        sd.remove("fc1.bias");
        sd.remove("fc2.weight");
        sd.put("head.weight", Tensor.zeros(2));
        Path p = dir.resolve("sd.safetensors");
        Mge.save(sd, p);
        StateDictKeyException e = assertThrows(StateDictKeyException.class, () -> new Net().loadStateDict(Mge.load(p)));
        assertEquals("Unused params violate `strict=True`, unused={'head.weight'}; also missing={'fc1.bias', 'fc2.weight'}", e.getMessage());
    }

    @Test
    void aPathGivenToLoadStateDictSaysToCallMgeLoadFirst() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Net().loadStateDict((Object) "net.safetensors"));
        assertTrue(e.getMessage().contains("Mge.load(\"net.safetensors\")"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Net().loadStateDict("x.pkl"));
        assertEquals("loadStateDict takes a state dict, not a file path: read the file first with "
                + "model.loadStateDict(Mge.load(\"x.pkl\"))", e.getMessage());
        Path p = dir.resolve("x.pkl");
        e = assertThrows(IllegalArgumentException.class, () -> new Net().loadStateDict(p));
        assertTrue(e.getMessage().contains("model.loadStateDict(Mge.load(\"" + p + "\"))"), e.getMessage());
    }

    @Test
    void aDumpedMgeGraphGivenToMgeLoadSaysToUseJitLoad() throws Exception {
        Path p = dir.resolve("convnet.mge");
        java.nio.file.Files.write(p, new byte[] {0x10, 0, 0, 0, 'm', 'g', 'v', '2', 1, 2, 3, 4});
        SerializationException e = assertThrows(SerializationException.class, () -> Mge.load(p));
        assertEquals(p + " is not a pickle: a .mge file written by TracedFunction.dump is a static graph. "
                + "Load it with Jit.load(\"" + p + "\") and run it, instead of Mge.load", e.getMessage());
    }

    @Test
    void aPickleNamedMgeStillLoadsAsAPickle() {
        Path p = dir.resolve("weights.mge");
        Mge.save(new Net().stateDict(), p, SaveOptions.builder().format(Format.PICKLE).build());
        new Net().loadStateDict(Mge.load(p));
    }
}
