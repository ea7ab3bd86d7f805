package org.mge4j.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mge4j.DType;
import org.mge4j.Tensor;

class StateDictDiffTest {

    @Test
    void reportsKeysOnlyInOneSideShapeMismatchesAndTheLargestDifference() {
        Map<String, Object> a = new LinkedHashMap<>(Fixtures.smallStateDict());
        Map<String, Object> b = new LinkedHashMap<>(Fixtures.smallStateDict());
        b.put("fc.weight", ((Tensor) a.get("fc.weight")).add(Tensor.of(new float[][] {{0}, {0}, {0.25f}})));
        b.put("conv1.bias", Tensor.zeros(10));
        b.remove("step");
        b.put("fc.scale", Tensor.ones(1));
        b.put("fc.bias", ((Tensor) a.get("fc.bias")).astype(DType.FLOAT64));
        StateDictDiff d = StateDictDiff.of(a, b).names("model", "file");
        assertEquals(List.of("step"), d.onlyInFirst());
        assertEquals(List.of("fc.scale"), d.onlyInSecond());
        assertEquals(List.of("conv1.bias"), d.shapeMismatches());
        assertEquals(0.25, d.maxAbsDiffs().get("fc.weight"), 1e-7);
        assertEquals(0.0, d.maxAbsDiffs().get("conv1.weight"));
        assertEquals(0.25, d.maxAbsDiff(), 1e-7);
        assertFalse(d.identical());
        Golden.assertGolden("state-dict-diff.txt", d.toString());
        Golden.assertGolden("state-dict-diff.html", Renderers.render(d).html());
    }

    @Test
    void identicalStateDictsSaySoInOneLine() {
        StateDictDiff d = StateDictDiff.of(Fixtures.smallStateDict(), Fixtures.smallStateDict());
        assertTrue(d.identical());
        assertEquals("state dict diff (a vs b): identical: 5 keys", d.toString());
    }

    @Test
    void nanMakesTheDifferenceUnknownAndNonTensorsCompareByEquals() {
        Map<String, Object> a = Map.of("w", Tensor.of(new float[] {1, Float.NaN}), "epoch", 3);
        Map<String, Object> b = Map.of("w", Tensor.of(new float[] {1, 2}), "epoch", 4);
        StateDictDiff d = StateDictDiff.of(a, b);
        assertTrue(Double.isNaN(d.maxAbsDiffs().get("w")));
        assertEquals(List.of("epoch"), d.keys(StateDictDiff.Status.NOT_TENSORS));
    }
}
