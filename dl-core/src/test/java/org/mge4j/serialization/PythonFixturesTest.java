package org.mge4j.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mge4j.DType;
import org.mge4j.Mge;
import org.mge4j.Tensor;

/** Pickles written by Python 3.11 + numpy 2.4 (make_python_seeds.py): Fortran order, big-endian, float16, scalars, P5. */
class PythonFixturesTest {
    static Path file(String name) throws Exception {
        return Path.of(PythonFixturesTest.class.getResource("python/" + name).toURI());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5})
    void numpyArraysOfEveryLayoutLoadWithTheirValues(int p) throws Exception {
        Map<?, ?> sd = assertInstanceOf(Map.class, Mge.load(file("state_dict_p" + p + ".pkl")));
        assertEquals(List.of("w", "wf", "be", "h", "b", "s", "i"), List.copyOf(sd.keySet()));
        Tensor w = (Tensor) sd.get("w");
        assertArrayEquals(new long[] {2, 3}, w.shape());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, w.toFloatArray());
        Tensor wf = (Tensor) sd.get("wf");
        assertEquals(DType.FLOAT64, wf.dtype());
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5}, wf.toDoubleArray(), "Fortran-order data reordered to C");
        assertArrayEquals(new int[] {0, 1, 2}, ((Tensor) sd.get("be")).toIntArray(), "big-endian swapped");
        Tensor h = (Tensor) sd.get("h");
        assertEquals(DType.FLOAT16, h.dtype());
        assertArrayEquals(new double[] {0.5, -2}, h.toDoubleArray());
        assertEquals(DType.BOOL, ((Tensor) sd.get("b")).dtype());
        assertEquals(1.5f, sd.get("s"));
        assertEquals(-3L, sd.get("i"));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5})
    void optimizerStateDictsKeepIntegerIdsAndTupleBetas(int p) throws Exception {
        Map<?, ?> o = assertInstanceOf(Map.class, Mge.load(file("optimizer_p" + p + ".pkl")));
        Map<?, ?> g = (Map<?, ?>) ((List<?>) o.get("param_groups")).get(0);
        assertEquals(PyTuple.of(0.9, 0.999), g.get("betas"));
        assertEquals(List.of(0, 1), g.get("params"));
        Map<?, ?> state = (Map<?, ?>) o.get("state");
        Tensor step = (Tensor) ((Map<?, ?>) state.get(0)).get("step");
        assertEquals(0, step.ndim());
        assertEquals(3.0, step.itemDouble());
    }
}
