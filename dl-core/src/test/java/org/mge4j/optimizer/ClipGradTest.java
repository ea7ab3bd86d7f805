package org.mge4j.optimizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mge4j.DType;
import org.mge4j.Parameter;
import org.mge4j.Tensor;

/** clipGradNorm and clipGradValue as MegEngine's test_clip_grad.py checks them. */
class ClipGradTest {

    private static Parameter withGrad(float[] grad, long... shape) {
        Parameter p = new Parameter(Tensor.zeros(shape));
        p.setGrad(Tensor.of(grad, shape));
        return p;
    }

    @Test
    void clipGradNormScalesEveryGradientByMaxNormOverTheTotalNorm() {
        float[] g1 = {3, -4, 1, 2, 0, -1};
        float[] g2 = {5, 7};
        Parameter a = withGrad(g1, 2, 3);
        Parameter b = withGrad(g2, 2);
        Parameter none = new Parameter(Tensor.zeros(3));
        double total = Math.sqrt(9 + 16 + 1 + 4 + 0 + 1 + 25 + 49);
        Tensor norm = ClipGrad.clipGradNorm(List.of(a, b, none), 2.0);
        assertEquals(DType.FLOAT32, norm.dtype());
        assertEquals(0, norm.ndim());
        assertEquals(total, norm.itemDouble(), 1e-5);
        double scale = 2.0 / (total + 1e-6);
        float[] after = a.grad().toFloatArray();
        for (int i = 0; i < g1.length; i++) {
            assertEquals(g1[i] * scale, after[i], 1e-6);
        }
        assertEquals(g2[1] * scale, b.grad().toFloatArray()[1], 1e-6);
        assertNull(none.grad());
        assertEquals(2.0, Math.sqrt(Math.pow(ClipGrad.clipGradNorm(List.of(a, b), 100).itemDouble(), 2)), 1e-5);
    }

    @Test
    void clipGradNormLeavesSmallGradientsAlone() {
        Parameter a = withGrad(new float[] {0.3f, 0.4f}, 2);
        Tensor norm = ClipGrad.clipGradNorm(List.of(a), 1.0);
        assertEquals(0.5, norm.itemDouble(), 1e-6);
        assertArrayEquals(new float[] {0.3f, 0.4f}, a.grad().toFloatArray());
    }

    @Test
    void clipGradNormWithTheInfinityNormUsesTheLargestMagnitude() {
        Parameter a = withGrad(new float[] {1, -6}, 2);
        Parameter b = withGrad(new float[] {3}, 1);
        Tensor norm = ClipGrad.clipGradNorm(List.of(a, b), 3.0, Double.POSITIVE_INFINITY);
        assertEquals(6.0, norm.itemDouble(), 1e-6);
        assertEquals(-3.0, a.grad().toFloatArray()[1], 1e-5);
    }

    @Test
    void clipGradNormWithoutAnyGradientReturnsZero() {
        assertEquals(0.0, ClipGrad.clipGradNorm(List.of(new Parameter(Tensor.zeros(2))), 1.0).itemDouble());
    }

    @Test
    void clipGradValueClipsEachElementIntoTheRange() {
        float[] g = {-5, -2, -1.5f, 0, 4.9f, 5, 7};
        Parameter a = withGrad(g, 7);
        ClipGrad.clipGradValue(List.of(a), -2, 5);
        float[] expected = new float[g.length];
        for (int i = 0; i < g.length; i++) {
            expected[i] = Math.max(Math.min(g[i], 5), -2);
        }
        assertArrayEquals(expected, a.grad().toFloatArray());
    }
}
