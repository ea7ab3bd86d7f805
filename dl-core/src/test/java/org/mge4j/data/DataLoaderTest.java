package org.mge4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mge4j.DType;
import org.mge4j.Mge;
import org.mge4j.Tensor;

/** Batching, shuffling and transforms of the DataLoader. */
class DataLoaderTest {

    /** Ten samples whose data (2x2 each) encodes the index, and labels index % 3. */
    private static ArrayDataset tenSamples() {
        float[] x = new float[10 * 4];
        int[] y = new int[10];
        for (int i = 0; i < 10; i++) {
            for (int j = 0; j < 4; j++) {
                x[i * 4 + j] = i * 10 + j;
            }
            y[i] = i % 3;
        }
        return new ArrayDataset(Tensor.of(x, 10, 2, 2), Tensor.of(y));
    }

    private static List<Integer> order(DataLoader loader) {
        List<Integer> ids = new ArrayList<>();
        for (Batch b : loader) {
            float[] d = b.data().toFloatArray();
            int[] l = b.label().toIntArray();
            for (int i = 0; i < b.size(); i++) {
                int id = (int) (d[i * 4] / 10);
                assertEquals(id % 3, l[i], "label travels with its sample");
                assertEquals(id * 10 + 3, d[i * 4 + 3], "the whole sample is copied");
                ids.add(id);
            }
        }
        return ids;
    }

    @Test
    void batchesCoverTheDatasetInOrderWithASmallerLastBatch() {
        DataLoader loader = new DataLoader(tenSamples(), 4);
        assertEquals(3, loader.numBatches());
        List<Integer> sizes = new ArrayList<>();
        for (Batch b : loader) {
            sizes.add(b.size());
            assertEquals(DType.INT32, b.label().dtype());
            assertArrayEquals(new long[] {b.size(), 2, 2}, b.data().shape());
            assertArrayEquals(new long[] {b.size()}, b.label().shape());
        }
        assertEquals(List.of(4, 4, 2), sizes);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), order(loader));
    }

    @Test
    void dropLastLeavesOutTheIncompleteBatch() {
        DataLoader loader = new DataLoader(tenSamples(), 4, false, true);
        assertEquals(2, loader.numBatches());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), order(loader));
        assertEquals(2, new DataLoader(tenSamples(), 5, false, true).numBatches());
        assertEquals(0, new DataLoader(tenSamples(), 11, false, true).numBatches());
        assertEquals(1, new DataLoader(tenSamples(), 11, false, false).numBatches());
    }

    @Test
    void seededShuffleIsReproducibleAndDiffersPerEpoch() {
        DataLoader a = new DataLoader(tenSamples(), 3, true, false, 7);
        DataLoader b = new DataLoader(tenSamples(), 3, true, false, 7);
        List<Integer> a1 = order(a);
        List<Integer> a2 = order(a);
        assertEquals(a1, order(b));
        assertEquals(a2, order(b));
        assertFalse(a1.equals(a2), "a new permutation each epoch");
        assertFalse(a1.equals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)), "shuffled");
        List<Integer> sorted = new ArrayList<>(a1);
        sorted.sort(null);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), sorted, "every sample once per epoch");
        assertFalse(a1.equals(order(new DataLoader(tenSamples(), 3, true, false, 8))), "another seed, another order");
    }

    @Test
    void withoutASeedTheShuffleFollowsMgeSeed() {
        Mge.seed(123);
        List<Integer> first = order(new DataLoader(tenSamples(), 4, true, false));
        Mge.seed(123);
        List<Integer> second = order(new DataLoader(tenSamples(), 4, true, false));
        assertEquals(first, second);
    }

    @Test
    void theTransformRunsOnEveryBatch() {
        DataLoader loader = DataLoader.builder(tenSamples()).batchSize(4)
                .transform(new Compose(new Pad(1), new Normalize(10, 2))).build();
        Batch first = loader.iterator().next();
        assertArrayEquals(new long[] {4, 4, 4}, first.data().shape());
        float[] d = first.data().toFloatArray();
        assertEquals(-5f, d[0], 0f);                       // padding 0 -> (0 - 10) / 2
        assertEquals((0 - 10) / 2f, d[5], 0f);              // sample 0, element (0, 0) = 0
        assertEquals((13 - 10) / 2f, d[16 + 10], 0f);       // sample 1, element (1, 1) = 13
    }

    @Test
    void aGenericDatasetIsStackedSampleBySample() {
        Dataset<Sample> squares = new Dataset<>() {
            @Override
            public Sample get(int index) {
                return new Sample(Tensor.of(new float[] {index, index * index}, 2), Tensor.of(index % 2, DType.INT64));
            }

            @Override
            public int size() {
                return 5;
            }
        };
        List<Batch> batches = new ArrayList<>();
        new DataLoader(squares, 2).forEach(batches::add);
        assertEquals(3, batches.size());
        assertArrayEquals(new float[] {2, 4, 3, 9}, batches.get(1).data().toFloatArray());
        assertEquals(DType.INT32, batches.get(1).label().dtype());
        assertArrayEquals(new int[] {0, 1}, batches.get(1).label().toIntArray());
        assertArrayEquals(new int[] {0}, batches.get(2).label().toIntArray());
    }

    @Test
    void badArgumentsAreRefusedWithTheirValues() {
        var e = assertThrows(IllegalArgumentException.class, () -> new DataLoader(tenSamples(), 0));
        assertEquals("batch_size should be a positive integer value, but got batch_size=0", e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class,
                () -> new ArrayDataset(Tensor.zeros(4, 2), Tensor.of(new int[] {1, 2, 3})));
        assertEquals("ArrayDataset label must have shape (4,) to match data of shape (4, 2), got (3,)", e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> new ArrayDataset(Tensor.zeros(3, 2), Tensor.zeros(3)));
        assertEquals(true, e3.getMessage().contains("astype(DType.INT32)"), e3.getMessage());
    }

    @Test
    void arrayDatasetGetReturnsOneSampleWithAScalarLabel() {
        Sample s = tenSamples().get(7);
        assertArrayEquals(new long[] {2, 2}, s.data().shape());
        assertArrayEquals(new float[] {70, 71, 72, 73}, s.data().toFloatArray());
        assertEquals(0, s.label().ndim());
        assertEquals(1, ((Number) s.label().item()).intValue());
        assertThrows(IndexOutOfBoundsException.class, () -> tenSamples().get(10));
    }

    @Test
    void uint8ImagesKeepTheirValuesThroughTheGather() {
        byte[] px = new byte[3 * 4];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (250 - i * 20);
        }
        ArrayDataset ds = new ArrayDataset(Tensor.wrap(Idx.ubyteArray(px, new long[] {3, 1, 2, 2})), Tensor.of(new int[] {0, 1, 2}));
        Batch b = ds.batch(new int[] {2, 0});
        assertEquals(DType.UINT8, b.data().dtype());
        int[] v = b.data().toIntArray();
        assertEquals("[90, 70, 50, 30, 250, 230, 210, 190]", Arrays.toString(v));
    }
}
