package org.mge4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.mge4j.DType;
import org.mge4j.Tensor;

/** The real Fashion-MNIST from the Debian package dataset-fashion-mnist, when it is installed. */
class FashionMnistTest {

    @Test
    void theRealTrainingSetHas60000ImagesOf1x28x28AndBalancedLabels() {
        assumeTrue(FashionMnist.isInstalled(), "apt-get install dataset-fashion-mnist to run this test");
        long t0 = System.nanoTime();
        ArrayDataset train = FashionMnist.train();
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("Fashion-MNIST train: %s loaded in %.2f s%n", train, seconds);
        assertArrayEquals(new long[] {60000, 1, 28, 28}, train.data().shape());
        assertEquals(DType.UINT8, train.data().dtype());
        assertEquals(DType.INT32, train.label().dtype());
        int[] counts = new int[10];
        for (int l : train.label().toIntArray()) {
            counts[l]++;
        }
        assertArrayEquals(new int[] {6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000}, counts);
        assertEquals(255, train.data().nd().maxNumber().intValue());
        assertEquals(0, train.data().nd().minNumber().intValue());
        assertTrue(seconds < 10, "loading 60000 images took " + seconds + " s");
    }

    @Test
    void theRealTestSetLoadsInBatchesReadyForLeNet() {
        assumeTrue(FashionMnist.isInstalled(), "apt-get install dataset-fashion-mnist to run this test");
        ArrayDataset test = FashionMnist.test();
        assertEquals(10000, test.size());
        DataLoader loader = DataLoader.builder(test).batchSize(64)
                .transform(new Compose(new Pad(2), new Normalize(0.1307 * 255, 0.3081 * 255))).build();
        assertEquals(157, loader.numBatches());
        int seen = 0;
        Batch last = null;
        for (Batch b : loader) {
            seen += b.size();
            last = b;
        }
        assertEquals(10000, seen);
        assertArrayEquals(new long[] {16, 1, 32, 32}, last.data().shape());
        Tensor first = loader.iterator().next().data();
        assertEquals(DType.FLOAT32, first.dtype());
        assertEquals(-0.1307 / 0.3081, first.toFloatArray()[0], 1e-5);
    }
}
