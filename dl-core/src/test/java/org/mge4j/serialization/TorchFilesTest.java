package org.mge4j.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * PyTorch files written by real torch at test time (torch installed in its own cached venv): a state dict loads
 * into the matching mge4j module by PyTorch's key names, and a checkpoint with views, shared storages, float16,
 * bfloat16, int64 and bool loads with byte-identical tensors.
 */
class TorchFilesTest {
    @TempDir
    Path dir;

    @Test
    void torchSaveFilesLoadByteIdenticalAndIntoAMatchingModule() throws Exception {
        // the CPU wheel in this machine's wheelhouse; elsewhere pass -Dmge4j.test.torch=torch (with a CPU index in pip.conf)
        PythonEnv py = PythonEnv.get("torch", "numpy>=2", System.getProperty("mge4j.test.torch", "torch==2.13.0+cpu"));
        py.python(dir, Path.of(getClass().getResource("torch_files.py").toURI()).toString(), "write", dir.toString());
        JsonNode want = new ObjectMapper().readTree(dir.resolve("torch_manifest.json").toFile());

        Map<?, ?> ckpt = (Map<?, ?>) Mge.load(dir.resolve("ckpt.pth"));
        assertEquals(3, ((Number) ckpt.get("epoch")).intValue());
        assertEquals(0.125, ((Number) ckpt.get("loss")).doubleValue());
        Map<?, ?> tensors = (Map<?, ?>) ckpt.get("tensors");
        int checks = 0;
        for (var it = want.fields(); it.hasNext(); ) {
            var e = it.next();
            String k = e.getKey();
            Tensor t = (Tensor) (k.startsWith("model_state_dict.")
                    ? ((Map<?, ?>) ckpt.get("model_state_dict")).get(k.substring("model_state_dict.".length())) : tensors.get(k));
            assertEquals(e.getValue().toString(), TensorFilesInteropTest.manifest(t), "torch tensor " + k);
            checks++;
        }
        assertEquals(13, checks);
        Tensor bf = (Tensor) tensors.get("bf16");
        assertEquals(org.mge4j.DType.FLOAT32, bf.dtype());

        TeachingErrorsTest.Net net = new TeachingErrorsTest.Net();
        Map<?, ?> sd = (Map<?, ?>) Mge.load(dir.resolve("net.pt"));
        net.loadStateDict(sd);
        assertArrayEquals(((Tensor) sd.get("fc2.weight")).toFloatArray(), net.fc2.weight.toFloatArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TeachingErrorsTest.Net().loadStateDict(ckpt));
        assertTrue(e.getMessage().contains("'model_state_dict'"), e.getMessage());
        Map<String, Object> mine = new java.util.LinkedHashMap<>();
        mine.put("epoch", 3);
        mine.put("loss", 0.125);
        mine.put("tensors", tensors);
        mine.put("again", tensors.get("base"));
        mine.put("model_state_dict", sd);
        Mge.save(mine, dir.resolve("java.pt"));
        JsonNode back = new ObjectMapper().readTree(py.python(dir, Path.of(getClass().getResource("torch_files.py").toURI()).toString(),
                "read", dir.toString()));
        for (var it = want.fields(); it.hasNext(); ) {
            var e2 = it.next();
            String k = e2.getKey();
            JsonNode expected = e2.getValue();
            if (k.equals("bf16")) { // bfloat16 loads as float32 in mge4j, so it goes back as float32
                expected = new ObjectMapper().readTree(TensorFilesInteropTest.manifest((Tensor) tensors.get(k)));
            }
            assertEquals(expected, back.get(k.startsWith("model_state_dict.") ? k : "tensors." + k), "torch.load of Java's .pt, " + k);
            checks++;
        }
        assertEquals("3", back.get("epoch").asText());
        assertEquals("0.125", back.get("loss").asText());
        assertEquals("True", back.get("__shared__").asText(), "a tensor saved twice is one storage in torch");
        System.out.printf("torch interop: %d tensor checks: torch.save files byte-identical in Java, state dict loaded into a module, Java .pt read by torch.load(weights_only=True)%n", checks);
    }
}
