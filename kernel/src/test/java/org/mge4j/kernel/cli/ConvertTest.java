package org.mge4j.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mge4j.DType;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.serialization.safetensors.Safetensors;

/** {@code convert}: every format pair keeps the tensors; flat targets get dotted keys or a clear refusal. */
class ConvertTest {
    @TempDir
    Path dir;

    private static Map<String, Object> checkpoint() {
        Map<String, Object> sd = new LinkedHashMap<>();
        sd.put("conv.weight", Tensor.arange(24).reshape(2, 3, 2, 2));
        sd.put("conv.bias", Tensor.of(new long[] {7, -8}));
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("momentum_buffer", Tensor.ones(DType.FLOAT64, 2));
        Map<String, Object> ckpt = new LinkedHashMap<>();
        ckpt.put("epoch", 3);
        ckpt.put("model", sd);
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("lr", 0.1);
        group.put("params", List.of(0, 1));
        Map<String, Object> optimizer = new LinkedHashMap<>();
        optimizer.put("state", Map.of(0, state));
        optimizer.put("param_groups", List.of(group));
        ckpt.put("optimizer", optimizer);
        return ckpt;
    }

    private Path saved(Object obj, String name) {
        Path p = dir.resolve(name);
        Mge.save(obj, p);
        return p;
    }

    private static void assertSameTensor(Tensor expected, Object actual) {
        Tensor t = assertInstanceOf(Tensor.class, actual);
        assertEquals(expected.dtype(), t.dtype());
        assertArrayEquals(expected.shape(), t.shape());
        assertArrayEquals(expected.toDoubleArray(), t.toDoubleArray());
    }

    @Test
    void aCheckpointIntoSafetensorsNamesEveryValueThatIsNotATensorAndWritesNothing() {
        Path in = saved(checkpoint(), "ckpt.pkl");
        Path out = dir.resolve("ckpt.safetensors");
        CliRun r = CliRun.of("convert", in.toString(), out.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains(".safetensors holds only tensors, but " + in + " has 3 values that are not: epoch (int), "
                + "optimizer.param_groups.0.lr (float), optimizer.param_groups.0.params (list of 2 plain values)."), r.toString());
        assertTrue(r.err().contains("--drop-non-tensors"), r.toString());
        assertFalse(Files.exists(out));
    }

    @Test
    void withDropNonTensorsTheTensorsGetDottedKeysAndWhatWasLeftOutIsListed() {
        Map<String, Object> ckpt = checkpoint();
        Path in = saved(ckpt, "ckpt.pkl");
        Path out = dir.resolve("ckpt.safetensors");
        CliRun r = CliRun.of("convert", in.toString(), out.toString(), "--drop-non-tensors");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().startsWith("left out 3 values that .safetensors cannot hold: epoch (int)"), r.toString());
        assertTrue(r.out().startsWith("wrote " + out + ": safetensors, 3 tensors, "), r.toString());
        Map<?, ?> back = assertInstanceOf(Map.class, Mge.load(out));
        assertEquals(java.util.Set.of("model.conv.weight", "model.conv.bias", "optimizer.state.0.momentum_buffer"), back.keySet());
        @SuppressWarnings("unchecked")
        Map<String, Object> sd = (Map<String, Object>) ckpt.get("model");
        assertSameTensor((Tensor) sd.get("conv.weight"), back.get("model.conv.weight"));
        assertSameTensor((Tensor) sd.get("conv.bias"), back.get("model.conv.bias"));
        assertSameTensor(Tensor.ones(DType.FLOAT64, 2), back.get("optimizer.state.0.momentum_buffer"));
    }

    @Test
    void pklToPtToSafetensorsToNpzKeepsEveryTensor() {
        Map<String, Object> sd = new LinkedHashMap<>();
        sd.put("a", Tensor.arange(6).reshape(2, 3));
        sd.put("b", Tensor.of(new boolean[] {true, false}));
        sd.put("c", Tensor.of(new int[] {1, -2, 3}).astype(DType.INT8));
        sd.put("d", Tensor.scalar(2.5, DType.FLOAT16));
        Path pkl = saved(sd, "sd.pkl");
        Path pt = dir.resolve("sd.pt");
        Path st = dir.resolve("sd.safetensors");
        Path npz = dir.resolve("sd.npz");
        assertEquals(0, CliRun.of("convert", pkl.toString(), pt.toString()).exit());
        assertEquals(0, CliRun.of("convert", pt.toString(), st.toString()).exit());
        assertEquals(0, CliRun.of("convert", st.toString(), npz.toString()).exit());
        for (Path p : List.of(pt, st, npz)) {
            Map<?, ?> back = assertInstanceOf(Map.class, Mge.load(p));
            assertEquals(sd.keySet(), back.keySet(), p.toString());
            for (String k : sd.keySet()) {
                assertSameTensor((Tensor) sd.get(k), back.get(k));
            }
        }
    }

    @Test
    void intoPklAndPtTheNestedStructureIsKept() {
        Path in = saved(checkpoint(), "ckpt.pt");
        Path out = dir.resolve("copy.pkl");
        CliRun r = CliRun.of("convert", in.toString(), out.toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals("wrote " + out + ": pickle, 3 tensors, " + Sizes.bytes(sizeOf(out)), r.out().strip());
        Map<?, ?> back = assertInstanceOf(Map.class, Mge.load(out));
        assertEquals(3, back.get("epoch"));
        Map<?, ?> opt = assertInstanceOf(Map.class, back.get("optimizer"));
        assertEquals(List.of(0, 1), ((Map<?, ?>) ((List<?>) opt.get("param_groups")).get(0)).get("params"));
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void safetensorsMetadataIsKeptIntoSafetensorsAndReportedWhenLeftOut() throws Exception {
        Map<String, Object> sd = new LinkedHashMap<>();
        sd.put("w", Tensor.ones(2));
        sd.put("__metadata__", Map.of("format", "pt"));
        Path in = saved(sd, "m.safetensors");
        Path out = dir.resolve("m2.safetensors");
        assertEquals(0, CliRun.of("convert", in.toString(), out.toString()).exit());
        assertEquals(Map.of("format", "pt"), Safetensors.read(Files.readAllBytes(out), "m2").metadata());
        CliRun r = CliRun.of("convert", in.toString(), dir.resolve("m.npz").toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("left out the __metadata__ of " + in + " (1 entries)"), r.toString());
    }

    @Test
    void aBareTensorIsArr0InAFlatFileAndNpyNeedsExactlyOneTensor() {
        Path npy = saved(Tensor.arange(3), "a.npy");
        Path npz = dir.resolve("a.npz");
        assertEquals(0, CliRun.of("convert", npy.toString(), npz.toString()).exit());
        assertEquals(java.util.Set.of("arr_0"), assertInstanceOf(Map.class, Mge.load(npz)).keySet());
        Path back = dir.resolve("b.npy");
        assertEquals(0, CliRun.of("convert", npz.toString(), back.toString()).exit());
        assertSameTensor(Tensor.arange(3), Mge.load(back));
        Path two = saved(Map.of("x", Tensor.ones(1), "y", Tensor.ones(1)), "two.npz");
        CliRun r = CliRun.of("convert", two.toString(), dir.resolve("c.npy").toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains(".npy holds one tensor, but " + two + " has 2"), r.toString());
    }

    @Test
    void keysThatFlattenToTheSameNameAreRefused() {
        Map<String, Object> clash = new LinkedHashMap<>();
        clash.put("a.b", Tensor.ones(1));
        clash.put("a", Map.of("b", Tensor.zeros(1)));
        Path in = saved(clash, "clash.pkl");
        CliRun r = CliRun.of("convert", in.toString(), dir.resolve("clash.npz").toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("two tensors would both be named 'a.b'"), r.toString());
    }

    @Test
    void aFileWithAnUntrustedGlobalIsRefusedWithAPointerToInspect() throws Exception {
        Path evil = dir.resolve("evil.pkl");
        Files.write(evil, "\u0080\u0002cos\nsystem\nX\u0002\u0000\u0000\u0000id\u0085R.".getBytes(StandardCharsets.ISO_8859_1));
        Path out = dir.resolve("evil.pt");
        CliRun r = CliRun.of("convert", evil.toString(), out.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("refused to load global 'os.system'"), r.toString());
        assertTrue(r.err().contains("'java -jar kernel.jar inspect " + evil + "' shows what the file holds"), r.toString());
        assertFalse(Files.exists(out));
    }

    @Test
    void aWrongCommandLineIsExitCodeTwo() {
        assertEquals(2, CliRun.of("convert", "a.pkl").exit());
        CliRun ext = CliRun.of("convert", "a.pkl", "b.txt");
        assertEquals(2, ext.exit());
        assertTrue(ext.err().contains("end it with .pkl, .pt, .pth, .safetensors, .npz or .npy"), ext.toString());
        assertEquals(2, CliRun.of("convert", "a.pkl", "b.pt", "--force").exit());
        CliRun help = CliRun.of("convert", "-h");
        assertEquals(0, help.exit());
        assertTrue(help.out().startsWith("usage: java -jar kernel.jar convert IN OUT"), help.toString());
    }
}
