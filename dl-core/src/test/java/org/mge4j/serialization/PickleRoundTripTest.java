package org.mge4j.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mge4j.DType;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.module.Linear;
import org.mge4j.optimizer.Adam;
import org.mge4j.serialization.numpy.ArrayBytes;

/** Java writes, Java reads: every value type, every protocol, shared tensors, crash-safe writes. */
class PickleRoundTripTest {
    @TempDir
    Path dir;

    static Map<String, Object> sample() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("f32", Tensor.arange(6).reshape(2, 3));
        m.put("f64", Tensor.of(new double[] {1.5, -2.25}, DType.FLOAT64));
        m.put("f16", Tensor.of(new double[] {0.5, 65504}, DType.FLOAT16));
        m.put("i32", Tensor.of(new int[] {1, -2, 3}));
        m.put("i64", Tensor.of(new long[] {Long.MIN_VALUE, 7}));
        m.put("i8", Tensor.of(new int[] {-128, 127}, DType.INT8));
        m.put("u8", Tensor.of(new int[] {0, 255}, DType.UINT8));
        m.put("bool", Tensor.of(new boolean[] {true, false, true}));
        m.put("scalar", Tensor.scalar(3.5));
        m.put("empty", Tensor.zeros(0, 3));
        m.put("int", 42);
        m.put("bigint", 1L << 40);
        m.put("neg", -70000);
        m.put("float", 0.1);
        m.put("str", "héllo ✓");
        m.put("long_str", "x".repeat(300));
        m.put("bool_value", true);
        m.put("none", null);
        m.put("bytes", new byte[] {0, (byte) 0xFF, 'b'});
        m.put("tuple", PyTuple.of(1, "a", null, 2.0));
        m.put("list", new ArrayList<>(List.of(1, 2, 3)));
        m.put("nested", Map.of("k", List.of(Map.of("deep", 1))));
        m.put("betas", List.of(0.9, 0.999));
        return m;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5})
    void everyValueTypeRoundTripsAtEveryProtocol(int protocol) {
        Map<String, Object> m = sample();
        Path f = dir.resolve("all.pkl");
        Mge.save(m, f, SaveOptions.builder().pickleProtocol(protocol).build());
        Map<?, ?> back = assertInstanceOf(Map.class, Mge.load(f));
        assertEquals(List.copyOf(m.keySet()), List.copyOf(back.keySet()));
        for (String k : m.keySet()) {
            Object want = m.get(k);
            Object got = back.get(k);
            if (want instanceof Tensor t) {
                Tensor g = assertInstanceOf(Tensor.class, got, k);
                assertEquals(t.dtype(), g.dtype(), k);
                assertArrayEquals(t.shape(), g.shape(), k);
                assertArrayEquals(ArrayBytes.toBytes(t), ArrayBytes.toBytes(g), k);
            } else if (want instanceof byte[] b) {
                assertArrayEquals(b, (byte[]) got, k);
            } else if (k.equals("betas")) {
                assertInstanceOf(PyTuple.class, got, "betas are written as a tuple, as Adam keeps them");
                assertEquals(want, got);
            } else if (k.equals("bigint")) {
                assertEquals(1L << 40, got);
            } else {
                assertEquals(want, got, k);
            }
        }
    }

    @Test
    void aTensorSharedUnderTwoKeysLoadsAsOneTensor() {
        Tensor w = Tensor.randn(3, 3);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a.weight", w);
        m.put("b.weight", w);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Mge.save(m, out);
        Map<?, ?> back = (Map<?, ?>) Mge.load(new ByteArrayInputStream(out.toByteArray()));
        assertSame(back.get("a.weight"), back.get("b.weight"));
    }

    @Test
    void aModuleStateDictLoadsBackIntoAFreshModule() {
        Mge.seed(3);
        Linear a = new Linear(4, 2);
        Path f = dir.resolve("linear.pkl");
        Mge.save(a.stateDict(), f.toString());
        Linear b = new Linear(4, 2);
        b.loadStateDict(Mge.load(f.toString()));
        assertArrayEquals(ArrayBytes.toBytes(a.weight), ArrayBytes.toBytes(b.weight));
        assertArrayEquals(ArrayBytes.toBytes(a.bias), ArrayBytes.toBytes(b.bias));
    }

    @Test
    void anAdamStateDictLoadsBackIntoAFreshOptimizer() {
        Mge.seed(4);
        Linear net = new Linear(3, 2);
        Adam opt = new Adam(net.parameters(), 0.01);
        Path f = dir.resolve("ckpt.pkl");
        Map<String, Object> ckpt = new LinkedHashMap<>();
        ckpt.put("epoch", 3);
        ckpt.put("model_state_dict", net.stateDict());
        ckpt.put("optimizer_state_dict", opt.stateDict());
        ckpt.put("loss", 0.25);
        Mge.save(ckpt, f);
        Map<?, ?> back = (Map<?, ?>) Mge.load(f);
        assertEquals(3, back.get("epoch"));
        Adam opt2 = new Adam(new Linear(3, 2).parameters(), 0.5);
        @SuppressWarnings("unchecked")
        Map<String, ?> osd = (Map<String, ?>) back.get("optimizer_state_dict");
        opt2.loadStateDict(osd);
        assertEquals(0.01, opt2.paramGroups().get(0).getDouble("lr"));
        assertEquals(List.of(0.9, 0.999), opt2.paramGroups().get(0).get("betas"));
    }

    @Test
    void aFailedSaveLeavesTheOldFileAndNoTempFile() throws Exception {
        Path f = dir.resolve("keep.pkl");
        Mge.save(Map.of("a", 1), f);
        byte[] before = Files.readAllBytes(f);
        assertThrows(SerializationException.class, () -> Mge.save(Map.of("a", new Object()), f));
        assertArrayEquals(before, Files.readAllBytes(f));
        try (var s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList());
        }
    }

    @Test
    void aDumpedGraphGivenToLoadSaysToUseJitLoad() throws Exception {
        Path f = dir.resolve("net.mge");
        Files.write(f, new byte[] {'m', 'g', 'e', '4', 'j', 0, 1});
        SerializationException e = assertThrows(SerializationException.class, () -> Mge.load(f));
        assertTrue(e.getMessage().contains("Jit.load"), e.getMessage());
    }

    @Test
    void protocolOutsideTwoToFiveIsRejectedWhenBuildingOptions() {
        assertThrows(IllegalArgumentException.class, () -> SaveOptions.builder().pickleProtocol(1));
        assertThrows(IllegalArgumentException.class, () -> SaveOptions.builder().pickleProtocol(6));
    }
}
