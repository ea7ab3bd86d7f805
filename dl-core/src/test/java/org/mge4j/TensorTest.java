package org.mge4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.mge4j.functional.Shapes;
import org.junit.jupiter.api.Test;

class TensorTest {
    @Test
    void javaIntDataBecomesInt32AndDoubleDataFloat32() {
        assertEquals(DType.INT32, Tensor.of(new int[] {1, 2}).dtype());
        assertEquals(DType.FLOAT32, Tensor.of(new double[] {1, 2}).dtype());
        assertEquals(DType.FLOAT32, Tensor.of(1.5).dtype());
        assertEquals(DType.INT32, Tensor.of(3).dtype());
        assertEquals(DType.BOOL, Tensor.of(new boolean[] {true}).dtype());
        assertEquals(DType.FLOAT64, Tensor.of(new double[] {1, 2}, DType.FLOAT64).dtype());
        assertEquals(DType.INT64, Tensor.of(new long[] {1, 2}).dtype());
    }

    @Test
    void nestedArraysKeepTheirShapeAndValues() {
        Tensor t = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
        assertArrayEquals(new long[] {2, 3}, t.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toFloatArray());
        assertArrayEquals(new float[][] {{1, 2, 3}, {4, 5, 6}}, (float[][]) t.toArray());
        assertEquals(0, Tensor.scalar(2).ndim());
        assertEquals(2.0f, Tensor.scalar(2).item());
    }

    @Test
    void everyDtypeRoundTripsThroughAstype() {
        Tensor t = Tensor.of(new int[] {0, 1, 2});
        for (DType d : DType.values()) {
            Tensor c = t.astype(d);
            assertEquals(d, c.dtype());
            assertEquals(d == DType.BOOL ? 2 : 3, c.astype(DType.INT32).sum().itemDouble(), d.toString());
        }
    }

    @Test
    void arithmeticBroadcastsLikeNumpy() {
        Tensor a = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
        Tensor b = Tensor.of(new float[] {10, 20, 30});
        assertArrayEquals(new float[] {11, 22, 33, 14, 25, 36}, a.add(b).toFloatArray());
        Tensor col = Tensor.of(new float[][] {{1}, {2}});
        assertArrayEquals(new long[] {2, 3}, a.mul(col).shape());
        assertArrayEquals(new float[] {1, 2, 3, 8, 10, 12}, a.mul(col).toFloatArray());
        assertArrayEquals(new long[] {2, 2, 3}, Tensor.zeros(2, 1, 3).add(Tensor.ones(2, 1)).shape());
        assertThrows(IllegalArgumentException.class, () -> a.add(Tensor.ones(2)));
    }

    @Test
    void integerDivisionIsTrueDivision() {
        Tensor q = Tensor.of(new int[] {1, 3}).div(Tensor.of(new int[] {2, 2}));
        assertEquals(DType.FLOAT32, q.dtype());
        assertArrayEquals(new float[] {0.5f, 1.5f}, q.toFloatArray());
    }

    @Test
    void comparisonsGiveBoolTensorsThatSumToCounts() {
        Tensor pred = Tensor.of(new int[] {1, 2, 3, 4});
        Tensor label = Tensor.of(new int[] {1, 0, 3, 0});
        Tensor eq = pred.eq(label);
        assertEquals(DType.BOOL, eq.dtype());
        assertEquals(2, eq.sum().item());
        assertEquals(DType.INT32, eq.sum().dtype());
        assertArrayEquals(new int[] {0, 1, 1, 1}, pred.ge(2).astype(DType.INT32).toIntArray());
    }

    @Test
    void reductionsHonourAxisAndKeepdims() {
        Tensor a = Tensor.of(new float[][] {{1, 5, 3}, {4, 2, 6}});
        assertArrayEquals(new float[] {5, 7, 9}, a.sum(0).toFloatArray());
        assertArrayEquals(new long[] {2, 1}, a.mean(1, true).shape());
        assertArrayEquals(new float[] {5, 6}, a.max(1).toFloatArray());
        assertArrayEquals(new float[] {1, 2, 3}, a.min(0).toFloatArray());
        assertEquals(720f, a.prod().item());
        assertArrayEquals(new int[] {1, 2}, a.argmax(1).toIntArray());
        assertEquals(DType.INT32, a.argmax().dtype());
        assertEquals(5, a.argmax().item());
        assertEquals(0, a.argmin().item());
    }

    @Test
    void shapesReshapeTransposeAndSplit() {
        Tensor a = Tensor.arange(24).reshape(2, 3, 4);
        assertArrayEquals(new long[] {2, 12}, a.reshape(2, -1).shape());
        assertArrayEquals(new long[] {4, 3, 2}, a.transpose().shape());
        assertArrayEquals(new long[] {2, 12}, a.flatten(1, -1).shape());
        assertArrayEquals(new long[] {2, 1, 3, 4}, a.expandDims(1).shape());
        assertArrayEquals(new long[] {2, 3, 4}, a.expandDims(1).squeeze().shape());
        List<Tensor> parts = a.split(2, 2);
        assertEquals(2, parts.size());
        assertArrayEquals(new long[] {2, 3, 2}, parts.get(1).shape());
        Tensor joined = Shapes.concat(parts, 2);
        assertArrayEquals(a.toFloatArray(), joined.toFloatArray());
        assertArrayEquals(new long[] {2, 2, 3, 4}, Shapes.stack(List.of(a, a), 0).shape());
    }

    @Test
    void basicIndexingSelectsLikeNumpy() {
        Tensor a = Tensor.arange(12).reshape(3, 4);
        assertArrayEquals(new float[] {4, 5, 6, 7}, a.get(1).toFloatArray());
        assertArrayEquals(new float[] {1, 2, 5, 6, 9, 10}, a.index(":, 1:3").toFloatArray());
        assertArrayEquals(new float[] {8, 10}, a.index("-1, ::2").toFloatArray());
        assertArrayEquals(new long[] {1, 3, 4}, a.index("None").shape());
        assertEquals(7f, a.get(1, 3).item());
        assertThrows(IndexOutOfBoundsException.class, () -> a.get(3));
    }

    @Test
    void matmulFollowsNumpyRules() {
        Tensor a = Tensor.of(new float[][] {{1, 2}, {3, 4}});
        Tensor v = Tensor.of(new float[] {1, 1});
        assertArrayEquals(new float[] {7, 10, 15, 22}, a.matmul(a).toFloatArray());
        assertArrayEquals(new float[] {3, 7}, a.matmul(v).toFloatArray());
        assertEquals(0, v.matmul(v).ndim());
        Tensor batch = Tensor.ones(5, 2, 3).matmul(Tensor.ones(3, 4));
        assertArrayEquals(new long[] {5, 2, 4}, batch.shape());
        assertEquals(3f, batch.toFloatArray()[0]);
    }

    @Test
    void creationFunctionsAndSeeding() {
        Mge.seed(7);
        float[] first = Tensor.randn(10).toFloatArray();
        Mge.seed(7);
        assertArrayEquals(first, Tensor.randn(10).toFloatArray());
        assertArrayEquals(new float[] {0, 0.5f, 1}, Tensor.linspace(0, 1, 3).toFloatArray());
        assertArrayEquals(new float[] {1, 3}, Tensor.arange(1, 5, 2).toFloatArray());
        assertArrayEquals(new float[] {7, 7}, Tensor.full(new long[] {2}, 7).toFloatArray());
        Tensor u = Tensor.uniform(2, 3, 1000);
        assertTrue(u.min().itemDouble() >= 2 && u.max().itemDouble() < 3);
        assertEquals("cpu0:0", Tensor.zeros(1).device().logicalName());
    }

    @Test
    void aSeedGivesTheSameDrawsInEveryProcess() {
        Mge.seed(0);
        // the first draws of seed 0, fixed: a new JVM (or another backend) must reproduce them
        float[] expected = {-0.2826684f, 0.46854147f, 0.09964256f, -0.0391445f};
        assertArrayEquals(expected, Tensor.randn(4).toFloatArray());
        Mge.seed(0);
        Tensor.randn(50, 320);
        Mge.seed(0);
        assertArrayEquals(expected, Tensor.randn(4).toFloatArray(), "re-seeding restarts the stream");
    }

    @Test
    void reprMatchesMegEngine() {
        assertEquals("Tensor([1. 2. 3.], device=cpu0:0)", Tensor.of(new float[] {1, 2, 3}).toString());
        assertEquals("Tensor([1 2], dtype=int32, device=cpu0:0)", Tensor.of(new int[] {1, 2}).toString());
        assertEquals("Tensor([[1.  2.5]\n [3.  4. ]], device=cpu0:0)", Tensor.of(new double[][] {{1, 2.5}, {3, 4}}).toString());
        assertTrue(Tensor.zeros(2000).toString().contains("..."));
    }

    @Test
    void itemRefusesTensorsWithMoreThanOneElement() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.ones(2).item());
        assertTrue(e.getMessage().contains("(2,)"));
    }
}
