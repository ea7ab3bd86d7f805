package org.mge4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mge4j.DType;
import org.mge4j.Tensor;

/** Values of Normalize, Pad, ToFloat, ToTensor and Compose. */
class TransformTest {

    private static Tensor uint8(int[] values, long... shape) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        return Tensor.wrap(Idx.ubyteArray(b, shape));
    }

    @Test
    void normalizeSubtractsTheMeanAndDividesByTheStd() {
        Tensor x = uint8(new int[] {0, 51, 255, 128}, 1, 2, 2);
        Tensor y = new Normalize(0.1307 * 255, 0.3081 * 255).apply(x);
        assertEquals(DType.FLOAT32, y.dtype());
        float[] v = y.toFloatArray();
        int[] raw = {0, 51, 255, 128};
        for (int i = 0; i < 4; i++) {
            assertEquals((raw[i] - 0.1307 * 255) / (0.3081 * 255), v[i], 1e-5);
        }
    }

    @Test
    void normalizeOnRawPixelsEqualsNormalizeInUnitsAfterToTensor() {
        Tensor x = uint8(new int[] {0, 1, 2, 100, 200, 255}, 1, 2, 3);
        float[] megengine = new Normalize(0.1307 * 255, 0.3081 * 255).apply(x).toFloatArray();
        float[] torch = new Compose(new ToTensor(), new Normalize(0.1307, 0.3081)).apply(x).toFloatArray();
        assertArrayEquals(megengine, torch, 1e-5f);
    }

    @Test
    void normalizePerChannelUsesAxisMinusThreeForImagesAndBatches() {
        float[] data = new float[2 * 3 * 1 * 2];
        for (int i = 0; i < data.length; i++) {
            data[i] = i;
        }
        Normalize n = new Normalize(new double[] {1, 2, 3}, new double[] {1, 2, 4});
        float[] out = n.apply(Tensor.of(data, 2, 3, 1, 2)).toFloatArray();
        double[] mean = {1, 2, 3};
        double[] std = {1, 2, 4};
        for (int i = 0; i < data.length; i++) {
            int c = (i / 2) % 3;
            assertEquals((data[i] - mean[c]) / std[c], out[i], 1e-6, "element " + i);
        }
        float[] single = n.apply(Tensor.of(new float[] {1, 1, 2, 2, 3, 3}, 3, 1, 2)).toFloatArray();
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0}, single);
        var e = assertThrows(IllegalArgumentException.class, () -> n.apply(Tensor.zeros(2, 1, 2)));
        assertTrue(e.getMessage().contains("(2, 1, 2)"), e.getMessage());
    }

    @Test
    void padTurns28By28Into32By32WithZerosAroundAndKeepsTheDtype() {
        int[] px = new int[28 * 28];
        for (int i = 0; i < px.length; i++) {
            px[i] = i % 256;
        }
        Tensor img = uint8(px, 1, 28, 28);
        Tensor padded = new Pad(2).apply(img);
        assertArrayEquals(new long[] {1, 32, 32}, padded.shape());
        assertEquals(DType.UINT8, padded.dtype());
        int[] v = padded.toIntArray();
        assertEquals(0, v[0]);
        assertEquals(0, v[32 + 1]);
        assertEquals(0, v[31 * 32 + 31]);
        assertEquals(px[0], v[2 * 32 + 2]);
        assertEquals(px[5 * 28 + 7], v[(5 + 2) * 32 + 7 + 2]);
        assertEquals(px[27 * 28 + 27], v[29 * 32 + 29]);
        int sum = 0;
        for (int p : px) {
            sum += p;
        }
        int padSum = 0;
        for (int p : v) {
            padSum += p;
        }
        assertEquals(sum, padSum, "only zeros were added");
        assertArrayEquals(new long[] {5, 1, 32, 32}, new Pad(2).apply(Tensor.zeros(5, 1, 28, 28)).shape());
        assertArrayEquals(new float[] {7, 7, 7, 7, 1, 7, 7, 7, 7}, new Pad(1, 7).apply(Tensor.ones(1, 1)).toFloatArray());
    }

    @Test
    void toFloatKeepsPixelValuesAndToTensorScalesThemIntoUnitRange() {
        Tensor x = uint8(new int[] {0, 128, 255}, 3);
        assertArrayEquals(new float[] {0, 128, 255}, new ToFloat().apply(x).toFloatArray());
        assertEquals(DType.FLOAT32, new ToFloat().apply(x).dtype());
        assertArrayEquals(new float[] {0, 128 / 255f, 1}, new ToTensor().apply(x).toFloatArray(), 1e-7f);
        var e = assertThrows(IllegalArgumentException.class, () -> new ToTensor().apply(Tensor.ones(2)));
        assertTrue(e.getMessage().contains("ToFloat"), e.getMessage());
    }

    @Test
    void composeRunsTheTransformsInOrder() {
        Tensor x = uint8(new int[] {10, 20, 30, 40}, 1, 2, 2);
        Tensor y = new Compose(new Pad(1), new Normalize(10, 10)).apply(x);
        assertArrayEquals(new long[] {1, 4, 4}, y.shape());
        assertEquals(-1f, y.toFloatArray()[0]);
        assertEquals(0f, y.toFloatArray()[5]);
        assertEquals(3f, y.toFloatArray()[10]);
        assertEquals("Compose([Pad(size=1, value=0.0), Normalize(mean=[10.0], std=[10.0])])",
                new Compose(new Pad(1), new Normalize(10, 10)).toString());
    }

    @Test
    void padAndNormalizeReadNonContiguousInputsCorrectly() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).transpose();   // (3, 2): [[1, 4], [2, 5], [3, 6]]
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1, 4, 0, 0, 2, 5, 0, 0, 3, 6, 0, 0, 0, 0, 0},
                new Pad(1).apply(t).toFloatArray());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, new Normalize(1, 1).apply(t).toFloatArray());
        ArrayDataset ds = new ArrayDataset(t, Tensor.of(new int[] {0, 1, 2}));
        assertArrayEquals(new float[] {3, 6, 1, 4}, ds.batch(new int[] {2, 0}).data().toFloatArray());
    }
}
