package org.mge4j.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mge4j.DType;
import org.mge4j.Mge;
import org.mge4j.Parameter;
import org.mge4j.Tensor;

/** MegEngine's test_serialization: Parameter stays Parameter, Tensor stays Tensor, devices and map_location. */
class MegEngineTensorPickleTest {
    @ParameterizedTest
    @ValueSource(ints = {2, 4})
    void megengineParametersAndTensorsLoadWithTheirTypesOnceGpuIsMappedToCpu(int p) throws Exception {
        var f = PythonFixturesTest.file("megengine_tensors_p" + p + ".pkl");
        SerializationException e = assertThrows(SerializationException.class, () -> Mge.load(f));
        assertTrue(e.getMessage().contains("gpu0:0") && e.getMessage().contains("mapLocation"), e.getMessage());

        Map<?, ?> m = (Map<?, ?>) Mge.load(f, LoadOptions.builder().mapLocation(Map.of("gpu0", "cpu0")).build());
        Parameter param = assertInstanceOf(Parameter.class, m.get("param"));
        assertSame(param, m.get("same"), "a shared parameter stays shared");
        assertArrayEquals(new float[] {1.5f, 2f}, param.toFloatArray());
        assertEquals("fc.weight", param.name());
        Tensor t = (Tensor) m.get("tensor");
        assertEquals(Tensor.class, t.getClass());
        assertEquals(DType.INT32, t.dtype());
        assertEquals("cpu0:0", t.device().logicalName());
        assertEquals(DType.INT8, ((Tensor) m.get("gpu")).dtype());

        Map<?, ?> all = (Map<?, ?>) Mge.load(f, LoadOptions.builder().mapLocation("cpux").build());
        assertTrue(((Tensor) all.get("gpu")).device().logicalName().startsWith("cpu"));
    }
}
