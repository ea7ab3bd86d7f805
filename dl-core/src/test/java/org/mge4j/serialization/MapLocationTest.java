package org.mge4j.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mge4j.Device;
import org.mge4j.Mge;
import org.mge4j.Parameter;
import org.mge4j.Tensor;
import org.mge4j.module.Linear;
import org.mge4j.optimizer.SGD;
import org.mge4j.serialization.DevicePickles.MgeTensor;

/**
 * MegEngine's {@code map_location} on a machine without a GPU: hand-made pickles whose tensors claim gpu0/gpu1/xpux
 * and torch files with cuda:N storages load with a string, a map or a function, and are refused without one.
 */
class MapLocationTest {
    @TempDir
    Path dir;

    /** {a: gpu0, b: gpu1, c: xpux (the default device), d: cpu0}, as MegEngine pickles tensors. */
    private static byte[] fourDevices() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", new MgeTensor(true, "gpu0:0", "fc.weight", 1, 2));
        m.put("b", new MgeTensor(false, "gpu1:0", null, 3));
        m.put("c", new MgeTensor(false, "xpux:0", null, 4, 5, 6));
        m.put("d", new MgeTensor(false, "cpu0:0", null, 7));
        return DevicePickles.dict(m);
    }

    private static Map<?, ?> load(byte[] pickle, LoadOptions options) {
        return (Map<?, ?>) Mge.load(new ByteArrayInputStream(pickle), options);
    }

    @Test
    void gpuTensorsAreRefusedWithoutAMappingAndTheMessageSaysHowToLoadThem() {
        SerializationException e = assertThrows(SerializationException.class,
                () -> Mge.load(new ByteArrayInputStream(fourDevices())));
        String m = e.getMessage();
        assertTrue(m.contains("saved on device 'gpu0:0'") && m.contains("needs the CUDA backend")
                && m.contains("mapLocation(\"cpu0\")"), m);
    }

    @Test
    void aStringPutsEveryTensorOnThatDeviceKeepingValuesTypesAndNames() {
        for (String target : List.of("cpu0", "cpux", "xpux", "cpu0:0")) {
            Map<?, ?> m = load(fourDevices(), LoadOptions.builder().mapLocation(target).build());
            for (Object v : m.values()) {
                assertEquals(Device.CPU0, ((Tensor) v).device(), target);
            }
            Parameter a = assertInstanceOf(Parameter.class, m.get("a"));
            assertEquals("fc.weight", a.name());
            assertArrayEquals(new float[] {1, 2}, a.toFloatArray());
            assertEquals(Tensor.class, m.get("b").getClass());
            assertArrayEquals(new float[] {4, 5, 6}, ((Tensor) m.get("c")).toFloatArray());
        }
    }

    @Test
    void aMapMatchesTheFirstFourCharactersAndLeavesOtherDevicesWhereTheyWere() {
        SerializationException e = assertThrows(SerializationException.class,
                () -> load(fourDevices(), LoadOptions.builder().mapLocation(Map.of("gpu0", "cpu0")).build()));
        assertTrue(e.getMessage().contains("saved on device 'gpu1:0'"), "gpu1 is not in the map: " + e.getMessage());

        Map<?, ?> m = load(fourDevices(), LoadOptions.builder().mapLocation(Map.of("gpu0", "cpu0", "gpu1", "cpux")).build());
        assertEquals(List.of(Device.CPU0, Device.CPU0, Device.CPU0, Device.CPU0),
                m.values().stream().map(v -> ((Tensor) v).device()).toList());
        assertArrayEquals(new float[] {3}, ((Tensor) m.get("b")).toFloatArray());
    }

    @Test
    void aFunctionGetsMegEnginesLogicalNamesInFileOrderAndPlacesEachTensor() {
        List<String> seen = new ArrayList<>();
        Map<?, ?> m = load(fourDevices(), LoadOptions.builder().mapLocation(dev -> {
            seen.add(dev);
            return dev.startsWith("gpu") ? "cpu0" : dev;
        }).build());
        assertEquals(List.of("gpu0:0", "gpu1:0", "xpux:0", "cpu0:0"), seen);
        assertEquals(Device.CPU0, ((Tensor) m.get("a")).device());
    }

    @Test
    void aFunctionThatReturnsAPyTorchNameOrNullIsRefusedNamingBothDevices() {
        SerializationException e = assertThrows(SerializationException.class,
                () -> load(fourDevices(), LoadOptions.builder().mapLocation(dev -> "cuda:0").build()));
        assertTrue(e.getMessage().contains("'gpu0:0' (mapped to 'cuda:0')") && e.getMessage().contains("MegEngine's gpu0"),
                e.getMessage());
        SerializationException n = assertThrows(SerializationException.class,
                () -> load(fourDevices(), LoadOptions.builder().mapLocation(dev -> null).build()));
        assertTrue(n.getMessage().contains("mapLocation returned null"), n.getMessage());
    }

    @Test
    void mapKeysAndValuesMustBeDeviceNamesAsMegEngineAsserts() {
        IllegalArgumentException k = assertThrows(IllegalArgumentException.class,
                () -> LoadOptions.builder().mapLocation(Map.of("cuda:0", "cpu0")));
        assertTrue(k.getMessage().contains("mapLocation key") && k.getMessage().contains("gpu0"), k.getMessage());
        IllegalArgumentException v = assertThrows(IllegalArgumentException.class,
                () -> LoadOptions.builder().mapLocation(Map.of("gpu0", "tpu0")));
        assertTrue(v.getMessage().contains("unknown device 'tpu0'"), v.getMessage());
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class, () -> LoadOptions.builder().mapLocation("cpu"));
        assertTrue(s.getMessage().contains("MegEngine's cpu0"), s.getMessage());
    }

    @Test
    void mgeLoadTakesTheMappingAsAStringAMapOrAFunction() throws Exception {
        Path f = dir.resolve("gpu.pkl");
        Files.write(f, fourDevices());
        String p = f.toString();
        assertEquals(4, ((Map<?, ?>) Mge.load(p, "cpu0")).size());
        assertEquals(4, ((Map<?, ?>) Mge.load(p, Map.of("gpu0", "cpu0", "gpu1", "cpu0"))).size());
        assertEquals(4, ((Map<?, ?>) Mge.load(p, dev -> "cpu0")).size());
    }

    @Test
    void aCheckpointSavedOnTheGpuResumesOnTheCpu() {
        // MegEngine's test_save_load: {name, state_dict, opt_state} saved on gpu0, loaded with map_location="cpu0"
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("bias", new MgeTensor(true, "gpu0:0", null, 0.5f));
        model.put("weight", new MgeTensor(true, "gpu0:0", null, new int[] {1, 2}, new float[] {1, 2}));
        Map<String, Object> ckpt = new LinkedHashMap<>();
        ckpt.put("epoch", 3);
        ckpt.put("model_state_dict", model);
        byte[] pickle = DevicePickles.dict(ckpt);

        Map<?, ?> loaded = (Map<?, ?>) Mge.load(new ByteArrayInputStream(pickle), LoadOptions.builder().mapLocation("cpu0").build());
        assertEquals(3, loaded.get("epoch"));
        Linear fc = new Linear(2, 1);
        Tensor weight = fc.weight;
        fc.loadStateDict(loaded.get("model_state_dict"));
        assertSame(weight, fc.weight, "loadStateDict updates in place");
        assertArrayEquals(new float[] {1, 2}, fc.weight.toFloatArray());
        assertEquals(Device.CPU0, fc.weight.device());
        var y = fc.call(Tensor.of(new float[][] {{1, 1}}));
        assertEquals(3.5, y.itemDouble(), 1e-6);
        new SGD(fc.parameters(), 0.1).step();    // the optimizer runs on the loaded parameters
    }

    @Test
    void torchStoragesSavedOnCudaMapLikeMegEngineTensorsOnGpu() throws Exception {
        byte[] cuda0 = DevicePickles.torchFile("cuda:0", 1, 2, 3);
        SerializationException e = assertThrows(SerializationException.class, () -> Mge.load(new ByteArrayInputStream(cuda0)));
        assertTrue(e.getMessage().contains("torch storage 0 saved on device 'gpu0:0'")
                && e.getMessage().contains("mapLocation(\"cpu0\")"), e.getMessage());

        Tensor t = (Tensor) Mge.load(new ByteArrayInputStream(cuda0), LoadOptions.builder().mapLocation("cpu0").build());
        assertArrayEquals(new float[] {1, 2, 3}, t.toFloatArray());
        assertEquals(Device.CPU0, t.device());
        Tensor viaMap = (Tensor) Mge.load(new ByteArrayInputStream(cuda0),
                LoadOptions.builder().mapLocation(Map.of("gpu0", "cpu0")).build());
        assertEquals(Device.CPU0, viaMap.device());

        List<String> seen = new ArrayList<>();
        for (String location : List.of("cuda", "cuda:2", "cpu", "mps")) {
            Mge.load(new ByteArrayInputStream(DevicePickles.torchFile(location, 1)),
                    LoadOptions.builder().mapLocation(dev -> {
                        seen.add(dev);
                        return "cpu0";
                    }).build());
        }
        assertEquals(List.of("gpu0:0", "gpu2:0", "cpu0:0", "mps"), seen);
    }

    @Test
    void torchFilesSavedOnTheCpuLoadAsBeforeAndOtherLocationsAreRefusedByName() throws Exception {
        Tensor t = (Tensor) Mge.load(new ByteArrayInputStream(DevicePickles.torchFile("cpu", 4, 5)));
        assertArrayEquals(new float[] {4, 5}, t.toFloatArray());
        assertEquals(Device.CPU0, t.device());
        SerializationException e = assertThrows(SerializationException.class,
                () -> Mge.load(new ByteArrayInputStream(DevicePickles.torchFile("mps", 1))));
        assertTrue(e.getMessage().contains("saved on device 'mps'") && e.getMessage().contains("unknown device"), e.getMessage());
    }
}
